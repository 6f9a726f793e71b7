"""Every write to pupils and their statuses. Each one audits in the same transaction.

Audit details hold ids and field names only: never a name, a date or a note
(architecture rule 3), because the audit trail is read more widely than the record.
"""

import datetime
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import School, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.pupils.models import Pupil, PupilStatus

# The facts a DSL types in; archiving has its own service.
PUPIL_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "sex",
    "upn",
    "admission_number",
    "year_group",
    "registration_group",
    "on_roll_on",
    "left_on",
    "leaving_destination",
)


class PupilDetails(TypedDict, total=False):
    legal_first_name: str
    legal_last_name: str
    preferred_first_name: str
    preferred_last_name: str
    date_of_birth: datetime.date
    sex: str
    upn: str
    admission_number: str
    year_group: str
    registration_group: str
    on_roll_on: datetime.date | None
    left_on: datetime.date | None
    leaving_destination: str


def _locked(pupil: Pupil) -> Pupil:
    """The pupil as stored now, locked until the transaction ends."""
    return Pupil.objects.for_school(pupil.school_id).select_for_update().get(pk=pupil.pk)


def _unknown_fields(details: dict[str, Any]) -> None:
    unknown = set(details) - set(PUPIL_FIELDS)
    if unknown:
        raise TypeError(f"Not pupil details: {sorted(unknown)}")


@transaction.atomic
def create_pupil(*, actor: User, school: School, details: PupilDetails) -> Pupil:
    """Add a pupil by hand (DSL or deputy). The model's clean() holds the rules."""
    _unknown_fields(dict(details))
    pupil = Pupil(school=school, source="manual", **details)
    pupil.full_clean()
    pupil.save()
    record(actor=actor, action=AuditAction.PUPIL_CREATED, school=school, target=pupil)
    return pupil


@transaction.atomic
def update_pupil(*, actor: User, pupil: Pupil, details: PupilDetails) -> list[str]:
    """Change a pupil's facts; returns the names of the fields that changed.

    Compares with the stored row (not the object passed in, which a form may
    already have changed), and audits the changed field names only.
    """
    _unknown_fields(dict(details))
    current = _locked(pupil)
    before = {name: getattr(current, name) for name in details}
    for name, value in details.items():
        setattr(current, name, value)
    current.full_clean()
    changed = sorted(name for name in details if getattr(current, name) != before[name])
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
        record(
            actor=actor,
            action=AuditAction.PUPIL_UPDATED,
            school=current.school,
            target=current,
            detail={"fields": changed},
        )
    return changed


@transaction.atomic
def archive_pupil(
    *,
    actor: User,
    pupil: Pupil,
    left_on: datetime.date | None = None,
    leaving_destination: str = "",
) -> Pupil:
    """Take a pupil off the roll. Their records stay; they are hidden from lists by default."""
    current = _locked(pupil)
    if current.is_archived:
        raise ValidationError("This pupil is already archived.")
    current.is_archived = True
    fields = ["is_archived"]
    if left_on is not None:
        current.left_on = left_on
        fields.append("left_on")
    if leaving_destination:
        current.leaving_destination = leaving_destination
        fields.append("leaving_destination")
    current.full_clean()
    current.save(update_fields=[*fields, "updated_at"])
    record(
        actor=actor,
        action=AuditAction.PUPIL_ARCHIVED,
        school=current.school,
        target=current,
        detail={"fields": sorted(fields)},
    )
    return current


@transaction.atomic
def restore_pupil(*, actor: User, pupil: Pupil) -> Pupil:
    """Put an archived pupil back on the roll.

    The leaving date and destination are cleared, because a pupil on roll has
    not left; a DSL records a new on-roll date by editing the pupil.
    """
    current = _locked(pupil)
    if not current.is_archived:
        raise ValidationError("This pupil is not archived.")
    current.is_archived = False
    current.left_on = None
    current.leaving_destination = ""
    current.save(update_fields=["is_archived", "left_on", "leaving_destination", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.PUPIL_RESTORED,
        school=current.school,
        target=current,
        detail={"fields": ["is_archived", "leaving_destination", "left_on"]},
    )
    return current


@transaction.atomic
def add_status(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    note: str = "",
) -> PupilStatus:
    """Record that a status (CP plan, CIN, looked-after, ...) held from one date to another."""
    status = PupilStatus(
        school_id=pupil.school_id,
        pupil=pupil,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
    )
    status.full_clean()
    status.save()
    record(
        actor=actor,
        action=AuditAction.PUPIL_STATUS_ADDED,
        school=pupil.school,
        target=status,
        detail={"pupil_id": pupil.pk},
    )
    return status


@transaction.atomic
def end_status(*, actor: User, status: PupilStatus, ended_on: datetime.date) -> PupilStatus:
    """Give a status its end date. One that has already ended stays as it was recorded."""
    current = (
        PupilStatus.objects.for_school(status.school_id)
        .select_for_update()
        .select_related("pupil")
        .get(pk=status.pk)
    )
    if current.ended_on is not None and current.ended_on < timezone.localdate():
        raise ValidationError({"ended_on": "This status has already ended."})
    current.ended_on = ended_on
    current.full_clean()
    current.save(update_fields=["ended_on"])
    record(
        actor=actor,
        action=AuditAction.PUPIL_STATUS_ENDED,
        school=current.pupil.school,
        target=current,
        detail={"pupil_id": current.pupil_id, "fields": ["ended_on"]},
    )
    return current


def record_pupil_viewed(*, actor: User, pupil: Pupil) -> None:
    """Every view of a child's record is audited, so a DSL can answer who has seen it."""
    record(actor=actor, action=AuditAction.PUPIL_VIEWED, school=pupil.school, target=pupil)
