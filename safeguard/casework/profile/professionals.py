"""The professionals and agencies involved with a pupil: added, changed (an involvement
ends, a new worker takes over) and removed as versions, never overwritten."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.casework.profile import versions
from safeguard.casework.profile.contacts import email_problem, phone_problem
from safeguard.casework.profile.models import (
    NAME_MAX,
    REASON_MAX,
    Professional,
    ProfessionalRole,
)
from safeguard.lib import dates
from safeguard.lib.text import single_line_problem
from safeguard.pupils.models import Pupil


@dataclass(frozen=True)
class ProfessionalDetails:
    """What a lead types about a professional involved with the pupil."""

    role: str
    name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None


DETAIL_FIELDS = tuple(ProfessionalDetails.__dataclass_fields__)


def professional_problems(pupil: Pupil, details: ProfessionalDetails) -> dict[str, list[str]]:
    """Each problem with a professional's details, under its field (nothing: none)."""
    found: dict[str, list[str]] = {}

    def note(field: str, problem: str | None) -> None:
        if problem:
            found.setdefault(field, []).append(problem)

    if details.role not in ProfessionalRole.values:
        note("role", "Choose their role from the list.")
    if not details.name.strip():
        note("name", "Enter the professional's name.")
    else:
        note("name", single_line_problem(details.name, max_length=NAME_MAX))
    note(
        "organisation",
        single_line_problem(details.organisation, max_length=NAME_MAX, noun="This"),
    )
    note("phone", phone_problem(details.phone))
    note("email", email_problem(details.email))
    started, ended = details.started_on, details.ended_on
    if started is None:
        note("started_on", "Enter the date they became involved.")
    elif started < pupil.date_of_birth:
        note(
            "started_on",
            f"This is before the pupil was born ({dates.display_date(pupil.date_of_birth)}): "
            "check the date.",
        )
    if started is not None and ended is not None and ended < started:
        note(
            "ended_on",
            f"The end of their involvement can't be before its start "
            f"({dates.display_date(started)}).",
        )
    return found


def _row(pupil: Pupil, details: ProfessionalDetails, reason: str) -> Professional:
    details = ProfessionalDetails(
        role=details.role,
        name=details.name.strip(),
        organisation=details.organisation.strip(),
        phone=details.phone.strip(),
        email=details.email.strip(),
        started_on=details.started_on,
        ended_on=details.ended_on,
    )
    problems = professional_problems(pupil, details)
    problem = single_line_problem(reason, max_length=REASON_MAX, noun="Reasons")
    if problem:
        problems["reason"] = [problem]
    if problems:
        raise ValidationError(problems)
    return Professional(pupil=pupil, reason=reason, **vars(details))


@transaction.atomic
def add_professional(
    *, membership: Membership, pupil: Pupil, details: ProfessionalDetails
) -> Professional:
    """Add a professional to the pupil's profile. Raises ValidationError by field."""
    versions.check_keeper(membership, pupil)
    return versions.save_version(
        _row(pupil, details, ""),
        membership=membership,
        previous=None,
        action=AuditAction.PROFESSIONAL_ADDED,
        detail={"role": details.role},
    )


@transaction.atomic
def change_professional(
    *,
    membership: Membership,
    professional: Professional,
    details: ProfessionalDetails,
    reason: str = "",
) -> Professional:
    """A new version (their involvement ended, their number changed); the old one is kept."""
    versions.check_keeper(membership, professional.pupil)
    row = _row(professional.pupil, details, reason.strip())
    changed = [name for name in DETAIL_FIELDS if getattr(professional, name) != getattr(row, name)]
    return versions.save_version(
        row,
        membership=membership,
        previous=professional,
        action=AuditAction.PROFESSIONAL_CHANGED,
        detail={"role": row.role, "fields": changed},
    )


@transaction.atomic
def remove_professional(
    *, membership: Membership, version: Professional, reason: str
) -> Professional:
    """Take a professional recorded by mistake off the profile, saying why (an involvement
    that ended is changed, with its end date, not removed)."""
    versions.check_keeper(membership, version.pupil)
    problem = single_line_problem(reason.strip(), max_length=REASON_MAX, noun="Reasons")
    if not reason.strip():
        problem = "Say why this is being removed."
    if problem:
        raise ValidationError({"reason": [problem]})
    return versions.save_version(
        versions.copy_for_removal(version, reason.strip()),
        membership=membership,
        previous=version,
        action=AuditAction.PROFESSIONAL_REMOVED,
    )


def details_of(professional: Professional) -> ProfessionalDetails:
    return ProfessionalDetails(**{name: getattr(professional, name) for name in DETAIL_FIELDS})
