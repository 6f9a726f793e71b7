"""Which referrals and meetings are due or overdue, worked out from the records, the school's
clocks and its working days whenever they are shown (nothing is stored, so a new closure or
a changed clock moves every date at once).

- A referral with no response (any outcome but the school's own escalation) is due one
  working day after it was sent (the school's `referral_response_days`), at the time of day
  it was sent, and overdue after that (Working Together: the agency acknowledges it and
  decides next steps within one working day).
- After a strategy discussion, the initial child protection conference is due within 15
  working days; after the initial conference the first review within 3 months; after each
  review the next within 6 months; unless the meeting stopped the clock. The school's report
  is due 2 working days before the conference (on the date booked, or by the deadline).
- Any other meeting's "next meeting" date is due on that day.
"""

import calendar as months
import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.casework.clocks.models import CaseworkClocks
from safeguard.casework.clocks.services import calendar_for, clocks_of
from safeguard.casework.referrals.models import (
    CONFERENCE_CHAIN,
    RESPONSES,
    Meeting,
    MeetingKind,
    Referral,
    ReferralOutcome,
)
from safeguard.lib import dates
from safeguard.lib.working_days import Calendar
from safeguard.pupils.models import Pupil

# Items due within this many working days are listed as due; later ones wait.
DUE_SOON_WORKING_DAYS = 20
# A dashboard lists at most this many of each kind (oldest first): a backlog that long is
# news enough, and the page's cost stays fixed.
LIMIT = 50

# The agencies' clocks (a referral's response, the initial conference) count weekends and
# England's bank holidays only: children's social care does not close for the school's holidays.
AGENCY_CALENDAR = Calendar()


def add_months(day: datetime.date, count: int) -> datetime.date:
    """The same day `count` months later (the month's last day if it has no such day)."""
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, months.monthrange(year, month)[1]))


def referral_due_at(
    sent_at: datetime.datetime, *, calendar: Calendar, clocks: CaseworkClocks
) -> datetime.datetime:
    """When a response to a referral sent at `sent_at` is due: that time of day, the set
    number of working days later (sent on a Friday afternoon: Monday afternoon)."""
    local = timezone.localtime(sent_at)
    # The agency works through the school's holidays: its clock skips weekends and bank
    # holidays only, never the school's closures.
    day = AGENCY_CALENDAR.add(local.date(), clocks.referral_response_days)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def unanswered(referrals: QuerySet[Referral], school_id: int) -> QuerySet[Referral]:
    """The referrals with no response from the agency yet."""
    responses = ReferralOutcome.objects.for_school(school_id).filter(
        referral=OuterRef("pk"), kind__in=RESPONSES
    )
    return referrals.filter(~Exists(responses))


@dataclass(frozen=True)
class DueItem:
    what: str
    pupil: Pupil
    due_on: datetime.date
    url: str
    is_overdue: bool
    detail: str = ""
    due_at: datetime.datetime | None = None


@dataclass
class DueItems:
    overdue: list[DueItem] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)
    # More referrals or meetings were waiting than the dashboard reads (the newest are shown).
    is_cut_short: bool = False

    def add(self, item: DueItem) -> None:
        (self.overdue if item.is_overdue else self.due).append(item)

    def sort(self) -> None:
        self.overdue.sort(key=lambda item: item.due_on)
        self.due.sort(key=lambda item: item.due_on)

    def __len__(self) -> int:
        return len(self.overdue) + len(self.due)


@dataclass(frozen=True)
class ConferenceClock:
    """The next conference a meeting in the chain calls for."""

    what: str
    deadline: datetime.date
    booked_on: datetime.date | None
    report_due_on: datetime.date

    @property
    def held_by(self) -> datetime.date:
        return self.booked_on or self.deadline


def conference_clock(
    meeting: Meeting, *, calendar: Calendar, clocks: CaseworkClocks
) -> ConferenceClock | None:
    """The conference due after `meeting` (the newest of the pupil's strategy discussions and
    conferences), or None if it stopped the clock or is not in the chain."""
    if meeting.closes_clock or meeting.kind not in CONFERENCE_CHAIN:
        return None
    if meeting.kind == MeetingKind.STRATEGY_DISCUSSION:
        what = "Initial child protection conference"
        # The local authority's clock: weekends and bank holidays only, not school closures.
        deadline = AGENCY_CALENDAR.add(meeting.held_on, clocks.initial_conference_days)
    elif meeting.kind == MeetingKind.INITIAL_CONFERENCE:
        what = "First review conference"
        deadline = add_months(meeting.held_on, clocks.first_review_months)
    else:
        what = "Review conference"
        deadline = add_months(meeting.held_on, clocks.later_review_months)
    booked = meeting.next_on
    report_due = calendar.add(booked or deadline, -clocks.report_due_days)
    return ConferenceClock(what, deadline, booked, report_due)


def newest_in_chain(school_id: int) -> QuerySet[Meeting]:
    """Each pupil's newest strategy discussion or conference."""
    newest = (
        Meeting.objects.for_school(school_id)
        .filter(pupil=OuterRef("pupil"), kind__in=CONFERENCE_CHAIN)
        .order_by("-sorts_at", "-id")
        .values("pk")[:1]
    )
    return Meeting.objects.for_school(school_id).filter(
        kind__in=CONFERENCE_CHAIN, pk=Subquery(newest)
    )


def newest_of_other_kinds(school_id: int) -> QuerySet[Meeting]:
    """Each pupil's newest meeting of each other kind (core group, child in need...)."""
    newest = (
        Meeting.objects.for_school(school_id)
        .filter(pupil=OuterRef("pupil"), kind=OuterRef("kind"))
        .order_by("-sorts_at", "-id")
        .values("pk")[:1]
    )
    return (
        Meeting.objects.for_school(school_id)
        .exclude(kind__in=CONFERENCE_CHAIN)
        .filter(pk=Subquery(newest))
    )


def casework_due_items(membership: Membership, today: datetime.date) -> DueItems:
    """The school's due and overdue referrals, conferences, reports and meetings, for a lead's
    dashboard (anyone else: none), in a fixed number of queries, at most LIMIT of each kind."""
    items = DueItems()
    if Capability.RECORD_REFERRALS not in membership.capabilities:
        return items
    school_id = membership.school_id
    clocks, calendar = clocks_of(school_id), calendar_for(school_id)
    now = timezone.now()
    horizon = calendar.add(today, DUE_SOON_WORKING_DAYS)
    # The newest first, so a new referral is never hidden behind old ones nobody closed; a
    # pupil who has left (archived) is for their referrals page, not the dashboard.
    referrals = unanswered(
        Referral.objects.for_school(school_id).filter(pupil__is_archived=False), school_id
    )
    found = list(referrals.select_related("pupil").order_by("-sent_at", "-pk")[: LIMIT + 1])
    items.is_cut_short = len(found) > LIMIT
    for referral in found[:LIMIT]:
        due_at = referral_due_at(referral.sent_at, calendar=calendar, clocks=clocks)
        overdue = due_at < now
        items.add(
            DueItem(
                what=f"Referral to {referral.agency_name}: "
                + ("awaiting response — overdue" if overdue else "awaiting response"),
                pupil=referral.pupil,
                due_on=timezone.localdate(due_at),
                due_at=due_at,
                url=reverse("casework:referral-detail", args=[referral.pk]),
                is_overdue=overdue,
                detail="Chase it, and escalate as the school's policy says."
                if overdue
                else f"Response due by {dates.display_datetime(due_at)}.",
            )
        )
    # One query for both kinds of meeting clock: each pupil's newest strategy discussion or
    # conference, and their newest meeting of each other kind with a next date soon.
    meeting_rows = (
        Meeting.objects.for_school(school_id)
        .filter(closes_clock=False, pupil__is_archived=False)
        .filter(
            Q(pk__in=newest_in_chain(school_id).values("pk"))
            | Q(
                pk__in=newest_of_other_kinds(school_id).values("pk"),
                next_on__isnull=False,
                next_on__lte=horizon,
            )
        )
        .select_related("pupil")
        .order_by("-held_on", "-pk")[: 2 * LIMIT + 1]
    )
    meetings = list(meeting_rows)
    items.is_cut_short |= len(meetings) > 2 * LIMIT
    for meeting in meetings[: 2 * LIMIT]:
        if meeting.kind in CONFERENCE_CHAIN:
            _add_conference(
                items, meeting, calendar=calendar, clocks=clocks, today=today, horizon=horizon
            )
        elif meeting.next_on is not None:
            items.add(
                DueItem(
                    what=f"Next {meeting.get_kind_display().lower()}",
                    pupil=meeting.pupil,
                    due_on=meeting.next_on,
                    url=reverse("casework:pupil-referrals", args=[meeting.pupil_id]),
                    is_overdue=meeting.next_on < today,
                    detail=f"Planned for {dates.display_date(meeting.next_on)}.",
                )
            )
    items.sort()
    return items


def _add_conference(
    items: DueItems,
    meeting: Meeting,
    *,
    calendar: Calendar,
    clocks: CaseworkClocks,
    today: datetime.date,
    horizon: datetime.date,
) -> None:
    """The conference `meeting` calls for, and the school's report for it, when due soon."""
    found = conference_clock(meeting, calendar=calendar, clocks=clocks)
    if found is None:
        return
    url = reverse("casework:pupil-referrals", args=[meeting.pupil_id])
    if found.held_by <= horizon or found.deadline < today:
        booked = f" Booked for {dates.display_date(found.booked_on)}." if found.booked_on else ""
        items.add(
            DueItem(
                what=found.what,
                pupil=meeting.pupil,
                due_on=found.deadline,
                url=url,
                is_overdue=found.deadline < today,
                detail=f"Due by {dates.display_date(found.deadline)}.{booked}",
            )
        )
    if found.report_due_on <= horizon:
        items.add(
            DueItem(
                what=f"School's report for the {found.what[0].lower()}{found.what[1:]}",
                pupil=meeting.pupil,
                due_on=found.report_due_on,
                url=url,
                is_overdue=found.report_due_on < today,
                detail=f"Due by {dates.display_date(found.report_due_on)}.",
            )
        )
