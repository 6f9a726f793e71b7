"""Recording a multi-agency meeting about a pupil once it is held (leads only).

A meeting is added, never changed: the database refuses UPDATE and DELETE on it and this
service seals it (with the SHA-256 of its report file, read back from storage) into the audit
chain. Its report file is checked and stored as an attachment is (`incidents.services.
attachments.store_uploads`) before this runs; a file whose meeting is then refused is left for
`sweep_orphan_files`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import MAX_TEXT
from safeguard.casework.referrals.models import Meeting, MeetingKind
from safeguard.casework.referrals.services import must_record_referrals
from safeguard.casework.services.key_events import start_of
from safeguard.incidents.services.attachments import StoredFile
from safeguard.lib import clock, dates
from safeguard.lib.text import text_problem
from safeguard.pupils.models import Pupil


def meeting_problems(
    *,
    pupil: Pupil,
    kind: str,
    held_on: datetime.date | None,
    attendees: str,
    report_text: str,
    decisions: str,
    next_on: datetime.date | None,
) -> dict[str, list[str]]:
    """Each problem with a meeting, under the field it is about (nothing: none)."""
    found: dict[str, list[str]] = {}
    today = clock.localdate()
    if kind not in MeetingKind.values:
        found["kind"] = ["Choose the kind of meeting."]
    if held_on is None:
        found["held_on"] = ["Enter the date of the meeting."]
    elif held_on > today:
        found["held_on"] = [
            f"Record a meeting once it has been held: today is {dates.display_date(today)}. "
            "Put a meeting still to come as the next meeting of the one before it."
        ]
    elif pupil.date_of_birth and held_on < pupil.date_of_birth:
        found["held_on"] = ["This is before the pupil was born: check the date."]
    if next_on is not None:
        if next_on < today:
            found["next_on"] = [
                f"The next meeting can't be in the past: today is {dates.display_date(today)}. "
                "Enter the date set for it, today or later, or leave it blank."
            ]
        elif held_on is not None and next_on <= held_on:
            found["next_on"] = [
                f"The next meeting must come after this one ({dates.display_date(held_on)})."
            ]
    for name, value, required in (
        ("attendees", attendees, True),
        ("report_text", report_text, False),
        ("decisions", decisions, False),
    ):
        problem = text_problem(value, max_length=MAX_TEXT, required=required)
        if problem:
            found[name] = [problem]
    if not attendees.strip():
        found["attendees"] = ["Say who attended the meeting."]
    return found


@transaction.atomic
def record_meeting(
    *,
    membership: Membership,
    pupil: Pupil,
    kind: str,
    held_on: datetime.date | None,
    attendees: str,
    report_text: str = "",
    report_file: StoredFile | None = None,
    decisions: str = "",
    next_on: datetime.date | None = None,
    closes_clock: bool = False,
) -> Meeting:
    """Record a meeting that has been held. Raises ValidationError, by field, for a meeting in
    the future, a next meeting in the past or not after this one, no attendees, or text that
    isn't clean; nothing is written then."""
    must_record_referrals(membership, pupil)
    problems = meeting_problems(
        pupil=pupil,
        kind=kind,
        held_on=held_on,
        attendees=attendees,
        report_text=report_text,
        decisions=decisions,
        next_on=next_on,
    )
    if problems or held_on is None:
        raise ValidationError(problems)
    meeting = Meeting(
        school_id=membership.school_id,
        pupil=pupil,
        kind=kind,
        held_on=held_on,
        sorts_at=start_of(held_on),
        attendees=attendees.strip(),
        report_text=report_text.strip(),
        decisions=decisions.strip(),
        next_on=next_on,
        closes_clock=closes_clock,
        recorded_by=membership.user,
        recorded_at=clock.now(),
    )
    if report_file is not None:
        meeting.report_stored_name = report_file.stored_name
        meeting.report_original_name = report_file.original_name
        meeting.report_content_type = report_file.content_type
        meeting.report_size = report_file.size
        meeting.report_sha256 = report_file.sha256
    meeting.full_clean()
    meeting.save()
    record(
        actor=membership.user,
        action=AuditAction.MEETING_RECORDED,
        school=membership.school,
        target=meeting,
        detail={"pupil": pupil.pk, "kind": kind, "report_file": report_file is not None},
        seal=[meeting],
    )
    return meeting
