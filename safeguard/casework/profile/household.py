"""Siblings and household: pupils of one school linked by a lead, and the links suggested
from contacts two pupils share, for a lead to confirm or dismiss.

A link is one row for the pair (lower id first), so it shows on both pupils' profiles; it
is removed, never deleted, by a version marked removed. A dismissed suggestion is a row too,
so the pair is not suggested again.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.profile import versions
from safeguard.casework.profile.models import (
    REASON_MAX,
    HouseholdLink,
    HouseholdRelationship,
    SiblingSuggestionDismissal,
)
from safeguard.lib import clock
from safeguard.lib.text import single_line_problem
from safeguard.pupils.models import Pupil


def in_id_order(pupil: Pupil, other: Pupil) -> tuple[Pupil, Pupil]:
    return (pupil, other) if pupil.pk < other.pk else (other, pupil)


def link_between(pupil: Pupil, other: Pupil) -> HouseholdLink | None:
    """The pair's link in force, if any."""
    low, high = in_id_order(pupil, other)
    return versions.live(HouseholdLink, pupil.school_id).filter(pupil=low, other_pupil=high).first()


def _check_pair(membership: Membership, pupil: Pupil, other: Pupil) -> None:
    versions.check_keeper(membership, pupil)
    versions.check_keeper(membership, other)
    if other.pk == pupil.pk:
        raise ValidationError({"other_pupil": ["Choose another pupil: not this one."]})


@transaction.atomic
def link_pupils(
    *, membership: Membership, pupil: Pupil, other: Pupil, relationship: str
) -> HouseholdLink:
    """Link two pupils of the school as siblings or one household (both ways at once)."""
    _check_pair(membership, pupil, other)
    if relationship not in HouseholdRelationship.values:
        raise ValidationError({"relationship": ["Choose how they are related from the list."]})
    if link_between(pupil, other) is not None:
        raise ValidationError(
            {"other_pupil": [f"{other.first_name} {other.last_name} is already linked."]}
        )
    low, high = in_id_order(pupil, other)
    row = HouseholdLink(pupil=low, other_pupil=high, relationship=relationship)
    return versions.save_version(
        row,
        membership=membership,
        previous=None,
        action=AuditAction.HOUSEHOLD_LINKED,
        detail={"pupil": pupil.pk, "other_pupil": other.pk, "relationship": relationship},
    )


@transaction.atomic
def unlink_pupils(*, membership: Membership, version: HouseholdLink, reason: str) -> HouseholdLink:
    """Remove a link (made by mistake, or no longer true), saying why; it stays in history."""
    versions.check_keeper(membership, version.pupil)
    problem = single_line_problem(reason.strip(), max_length=REASON_MAX, noun="Reasons")
    if not reason.strip():
        problem = "Say why this link is being removed."
    if problem:
        raise ValidationError({"reason": [problem]})
    return versions.save_version(
        versions.copy_for_removal(version, reason.strip()),
        membership=membership,
        previous=version,
        action=AuditAction.HOUSEHOLD_UNLINKED,
        detail={"other_pupil": version.other_pupil_id},
    )


@transaction.atomic
def dismiss_suggestion(
    *, membership: Membership, pupil: Pupil, other: Pupil
) -> SiblingSuggestionDismissal:
    """A lead's answer "not linked" to a suggested sibling: not suggested again."""
    _check_pair(membership, pupil, other)
    low, high = in_id_order(pupil, other)
    dismissal = SiblingSuggestionDismissal(
        school_id=membership.school_id,
        pupil=low,
        other_pupil=high,
        made_by=membership.user,
        made_at=clock.now(),
    )
    dismissal.full_clean()
    dismissal.save()
    record(
        actor=membership.user,
        action=AuditAction.SIBLING_DISMISSED,
        school=membership.school,
        target=dismissal,
        detail={"pupil": pupil.pk, "other_pupil": other.pk},
        seal=[dismissal],
    )
    return dismissal


def either_side(pupil: Pupil) -> Q:
    return Q(pupil=pupil) | Q(other_pupil=pupil)
