"""Key events a lead adds straight to a pupil's chronology: a strategy meeting held, a
section 47 enquiry started, a child protection plan started or ended... (local-authority
chronology guidance: a chronology lists the significant events in a child's life, with
their dates).

Its files are checked, cleaned and stored as an incident's attachments are
(`incidents.services.attachments`) and sealed with it.

A key event is added, never changed: the database refuses UPDATE and DELETE on it
(migration 0006) and this service seals it into the audit chain with the event that
records it. A mistake is put right by adding another key event that says so.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import MAX_TEXT, SUMMARY_MAX, KeyEvent, KeyEventFile, KeyEventKind
from safeguard.incidents.services import attachments
from safeguard.lib import clock, dates
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.pupils.models import Pupil


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the site's time zone: where a dated event sorts."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def key_event_problems(
    *, pupil: Pupil, kind: str, happened_on: datetime.date | None, summary: str, details: str
) -> dict[str, list[str]]:
    """Each problem with a key event, under the field it is about (nothing: none)."""
    found: dict[str, list[str]] = {}
    if kind not in KeyEventKind.values:
        found["kind"] = ["Choose what happened from the list."]
    today = clock.localdate()
    if happened_on is None:
        found["happened_on"] = ["Enter the date it happened."]
    elif happened_on > today:
        found["happened_on"] = [
            f"A key event can't be in the future: today is {dates.display_date(today)}. "
            "Enter the date it happened, today or earlier."
        ]
    elif pupil.date_of_birth and happened_on < pupil.date_of_birth:
        found["happened_on"] = [
            "This is before the pupil was born "
            f"({dates.display_date(pupil.date_of_birth)}): check the date."
        ]
    if not summary.strip():
        found["summary"] = ["Give a one-line summary for the chronology."]
    else:
        problem = single_line_problem(summary.strip(), max_length=SUMMARY_MAX, noun="Summaries")
        if problem:
            found["summary"] = [problem]
    problem = text_problem(details, max_length=MAX_TEXT, required=False)
    if problem:
        found["details"] = [problem]
    return found


@transaction.atomic
def add_key_event(
    *,
    membership: Membership,
    pupil: Pupil,
    kind: str,
    happened_on: datetime.date | None,
    summary: str,
    details: str = "",
    files: Sequence[UploadedFile[Any]] = (),
) -> KeyEvent:
    """Add a key event to the pupil's chronology, with its files: only a lead of the pupil's
    school may.

    Raises ValidationError, by field, for a date in the future (or before the pupil was
    born), a missing or multi-line summary, or text that isn't clean; then, if a file fails
    the attachments' checks (type, content, size, virus scan), `attachments.FilesRefused`
    naming each, or `attachments.StoreFailed` if the file store can't take them. Either
    way nothing is written.
    """
    if Capability.ADD_KEY_EVENTS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can add a key event.")
    if pupil.school_id != membership.school_id:
        raise PermissionDenied("This pupil belongs to another school.")
    problems = key_event_problems(
        pupil=pupil, kind=kind, happened_on=happened_on, summary=summary, details=details
    )
    if problems or happened_on is None:
        raise ValidationError(problems)
    event = KeyEvent(
        school_id=membership.school_id,
        pupil=pupil,
        kind=kind,
        happened_on=happened_on,
        sorts_at=start_of(happened_on),
        summary=summary.strip(),
        details=details.strip(),
        added_by=membership.user,
        added_at=clock.now(),
    )
    stored = attachments.store_or_refuse(files, school=membership.school) if files else []
    event.full_clean()
    event.save()
    kept = KeyEventFile.objects.bulk_create(
        KeyEventFile(
            school_id=membership.school_id,
            key_event=event,
            uploaded_by=membership.user,
            uploaded_at=event.added_at,
            **vars(file),
        )
        for file in stored
    )
    record(
        actor=membership.user,
        action=AuditAction.KEY_EVENT_ADDED,
        school=membership.school,
        target=event,
        detail={"pupil": pupil.pk, "kind": kind, "files": [file.pk for file in kept]},
        seal=[event, *kept],
    )
    return event


def store_failed_message(failure: attachments.StoreFailed) -> str:
    """What to tell the lead when the file store could not take the files."""
    problem = "full" if failure.full else "not working"
    return (
        f"The file store is {problem}, so the key event has not been added and no file was "
        "stored. Tell your IT support. What you typed is below: add the key event without "
        "the files, or try again later."
    )
