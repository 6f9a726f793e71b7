"""Reading a pupil's referrals and meetings, each referral with its clock, in a fixed number
of queries whatever their number (the leads only: the views require RECORD_REFERRALS)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from safeguard.casework.clocks.due import ConferenceClock, conference_clock, referral_due_at
from safeguard.casework.clocks.models import CaseworkClocks
from safeguard.casework.clocks.services import calendar_for, clocks_of
from safeguard.casework.referrals.models import (
    CONFERENCE_CHAIN,
    Meeting,
    Referral,
    ReferralChase,
    ReferralOutcome,
)
from safeguard.lib.working_days import Calendar
from safeguard.pupils.models import Pupil


@dataclass(frozen=True)
class ReferralState:
    """A referral as it stands: its outcomes and chases so far, and its clock."""

    referral: Referral
    outcomes: list[ReferralOutcome]
    chases: list[ReferralChase]
    due_at: datetime.datetime
    is_answered: bool
    is_overdue: bool

    @property
    def latest_outcome(self) -> ReferralOutcome | None:
        return self.outcomes[-1] if self.outcomes else None


def with_history(referrals: QuerySet[Referral], school_id: int) -> QuerySet[Referral]:
    """Referrals with who sent and logged them, their outcomes and chases (two queries more)."""
    outcomes: Prefetch[Any] = Prefetch(
        "outcomes",
        queryset=ReferralOutcome.objects.for_school(school_id).select_related("recorded_by"),
        to_attr="outcome_list",
    )
    chases: Prefetch[Any] = Prefetch(
        "chases",
        queryset=ReferralChase.objects.for_school(school_id).select_related("recorded_by"),
        to_attr="chase_list",
    )
    return referrals.select_related("pupil", "sent_by", "recorded_by").prefetch_related(
        outcomes, chases
    )


def state_of(
    referral: Referral, *, calendar: Calendar, clocks: CaseworkClocks, now: datetime.datetime
) -> ReferralState:
    outcomes: list[ReferralOutcome] = getattr(referral, "outcome_list", [])
    chases: list[ReferralChase] = getattr(referral, "chase_list", [])
    answered = any(outcome.is_response for outcome in outcomes)
    due_at = referral_due_at(referral.sent_at, calendar=calendar, clocks=clocks)
    return ReferralState(
        referral=referral,
        outcomes=outcomes,
        chases=chases,
        due_at=due_at,
        is_answered=answered,
        is_overdue=not answered and due_at < now,
    )


def referral_states(
    pupil: Pupil, *, calendar: Calendar, clocks: CaseworkClocks
) -> list[ReferralState]:
    """The pupil's referrals, newest sent first, each with its clock."""
    school_id, now = pupil.school_id, timezone.now()
    referrals = with_history(
        Referral.objects.for_school(school_id).filter(pupil=pupil).order_by("-sent_at", "-pk"),
        school_id,
    )
    return [state_of(r, calendar=calendar, clocks=clocks, now=now) for r in referrals]


def referral_state(referral: Referral) -> ReferralState:
    """One referral's state (for its page), read again with its history."""
    school_id = referral.school_id
    clocks, calendar = clocks_of(school_id), calendar_for(school_id)
    fresh = with_history(Referral.objects.for_school(school_id).filter(pk=referral.pk), school_id)
    return state_of(fresh.get(), calendar=calendar, clocks=clocks, now=timezone.now())


def meetings_of(pupil: Pupil) -> list[Meeting]:
    """The pupil's meetings, newest first."""
    return list(
        Meeting.objects.for_school(pupil.school_id)
        .filter(pupil=pupil)
        .select_related("recorded_by")
        .order_by("-sorts_at", "-pk")
    )


def next_conference(
    meetings: list[Meeting], *, calendar: Calendar, clocks: CaseworkClocks
) -> ConferenceClock | None:
    """The conference the pupil's newest strategy discussion or conference calls for, if any
    (from the meetings already read, newest first)."""
    newest = next((m for m in meetings if m.kind in CONFERENCE_CHAIN), None)
    if newest is None:
        return None
    return conference_clock(newest, calendar=calendar, clocks=clocks)
