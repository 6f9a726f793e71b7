"""A pupil's referrals and meetings as lines of their chronology (`chronology.rows` asks for
the page's ids): one query per kind, and one for all the referrals' outcomes and chases."""

from collections.abc import Iterable

from safeguard.casework.chronology.entries import Entry, EntryType, one_line
from safeguard.casework.referrals.models import Meeting, Referral
from safeguard.casework.referrals.selectors import with_history
from safeguard.pupils.models import Pupil


def referral_entries(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = with_history(Referral.objects.for_school(school_id).filter(pk__in=ids), school_id)
    for referral in rows:
        outcomes = getattr(referral, "outcome_list", [])
        latest = outcomes[-1].get_kind_display() if outcomes else "no response recorded"
        yield Entry(
            type=EntryType.REFERRAL,
            at=referral.sent_at,
            pk=referral.pk,
            author=referral.recorded_by,
            summary=one_line(f"Referral to {referral.agency_name}: {latest}"),
            record=referral,
            is_significant=True,
            facts={"outcomes": outcomes, "chases": getattr(referral, "chase_list", [])},
        )


def meeting_entries(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = Meeting.objects.for_school(school_id).filter(pk__in=ids).select_related("recorded_by")
    for meeting in rows:
        decided = f": {meeting.decisions}" if meeting.decisions else ""
        yield Entry(
            type=EntryType.MEETING,
            at=meeting.sorts_at,
            pk=meeting.pk,
            author=meeting.recorded_by,
            summary=one_line(f"{meeting.get_kind_display()}{decided}"),
            record=meeting,
            is_significant=True,
        )
