"""Writing and reading the profile's versioned records (`profile.models.Versioned`).

A change is a new row that supersedes the current one; a removal is a new row marked
removed. Each is written with its audit event, which seals it, in one transaction. Two leads
changing the same version at once: the second is refused (the version is already
superseded, a unique key), and told to look again, with what they typed kept.
"""

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.profile.models import Versioned
from safeguard.lib import clock
from safeguard.pupils.models import Pupil

STALE = (
    "Someone else changed this while you were editing it. What you typed is still here: "
    "check the current details on the profile, then save again."
)


def check_keeper(membership: Membership, pupil: Pupil) -> None:
    """Only a lead of the pupil's own school keeps a profile."""
    if Capability.KEEP_PUPIL_PROFILE not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can change a pupil's profile.")
    if pupil.school_id != membership.school_id:
        raise PermissionDenied("This pupil belongs to another school.")


def current[V: Versioned](model: type[V], school: Any) -> QuerySet[V]:
    """The current version of each record of `model` in the school (removed ones included)."""
    # The reverse of `supersedes`, which the type checker can't see on an abstract model.
    found = model.objects.for_school(school).filter(**{"superseded_by__isnull": True})
    return cast("QuerySet[V]", found)


def live[V: Versioned](model: type[V], school: Any) -> QuerySet[V]:
    """The records in force: current and not removed."""
    return current(model, school).filter(is_removed=False)


def history(version: Versioned) -> QuerySet[Any]:
    """Every version of the record, oldest first, with who made each."""
    model = type(version)
    return (
        model.objects.for_school(version.school_id)
        .filter(lineage=version.lineage)
        .select_related("made_by")
        .order_by("made_at", "id")
    )


def save_version[V: Versioned](
    row: V,
    *,
    membership: Membership,
    previous: V | None,
    action: AuditAction,
    detail: dict[str, Any] | None = None,
) -> V:
    """Write `row` as the first version (no `previous`) or the one after `previous`, audit it
    and seal it; refuse with `STALE` if `previous` is no longer the current version."""
    row.school_id = membership.school_id
    row.made_by = membership.user
    row.made_at = clock.now()
    if previous is not None:
        row.lineage = previous.lineage
        row.supersedes = previous
    row.full_clean(exclude=["supersedes"])
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as error:
        # Every other rule was checked by full_clean: what is left is the unique
        # `supersedes`, taken by a change that landed first.
        if previous is not None:
            raise ValidationError(STALE) from error
        raise
    record(
        actor=membership.user,
        action=action,
        school=membership.school,
        target=row,
        detail={"pupil": row.pupil_id, **(detail or {})},
        seal=[row],
    )
    return row


def copy_for_removal[V: Versioned](version: V, reason: str) -> V:
    """The row that removes `version`: its details, marked removed, with the reason."""
    fields = {
        field.attname: getattr(version, field.attname)
        for field in type(version)._meta.concrete_fields
        if field.attname
        not in {"id", "supersedes_id", "made_by_id", "made_at", "reason", "is_removed"}
    }
    return type(version)(**fields, is_removed=True, reason=reason)
