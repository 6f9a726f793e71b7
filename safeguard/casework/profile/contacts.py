"""Adding, changing and removing a pupil's contacts: every change a new version, kept.

A contact must be reachable: at least one of phone, email and address. Each problem is
named by its field, all at once, so the form shows them beside what was typed.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.casework.profile import versions
from safeguard.casework.profile.models import (
    ADDRESS_MAX,
    EMAIL_MAX,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    REASON_MAX,
    Contact,
)
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.pupils.models import Pupil

NO_WAY_TO_REACH = (
    "Give at least one way to reach this contact: a phone number, an email address or a "
    "postal address."
)
PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]*$")
MIN_PHONE_DIGITS = 6


@dataclass(frozen=True)
class ContactDetails:
    """What a lead types about a contact."""

    name: str
    relationship: str
    has_parental_responsibility: bool
    phone: str = ""
    email: str = ""
    address: str = ""
    do_not_contact: bool = False
    court_order_notes: str = ""


def phone_problem(phone: str) -> str | None:
    if not phone:
        return None
    if len(phone) > PHONE_MAX:
        return f"Keep the phone number to {PHONE_MAX} characters."
    if not PHONE_CHARACTERS.match(phone):
        return "A phone number can hold digits, spaces, +, brackets and dashes only."
    if sum(char.isdigit() for char in phone) < MIN_PHONE_DIGITS:
        return "This phone number is too short: type the whole number, with its area code."
    return None


def email_problem(email: str) -> str | None:
    if not email:
        return None
    if len(email) > EMAIL_MAX:
        return f"Keep the email address to {EMAIL_MAX} characters."
    try:
        validate_email(email)
    except ValidationError:
        return "Enter an email address like name@example.org."
    return None


def contact_problems(details: ContactDetails) -> dict[str, list[str]]:
    """Each problem with a contact's details, under its field (nothing: none)."""
    found: dict[str, list[str]] = {}

    def note(field: str, problem: str | None) -> None:
        if problem:
            found.setdefault(field, []).append(problem)

    if not details.name.strip():
        note("name", "Enter the contact's name.")
    else:
        note("name", single_line_problem(details.name, max_length=NAME_MAX))
    if not details.relationship.strip():
        note("relationship", "Say how they are related to the pupil, for example Mother.")
    else:
        note("relationship", single_line_problem(details.relationship, max_length=100, noun="This"))
    note("phone", phone_problem(details.phone))
    note("email", email_problem(details.email))
    note("address", text_problem(details.address, max_length=ADDRESS_MAX, required=False))
    note(
        "court_order_notes",
        text_problem(details.court_order_notes, max_length=NOTES_MAX, required=False),
    )
    if not (details.phone or details.email or details.address.strip()):
        note("phone", NO_WAY_TO_REACH)
    return found


def _squash(text: str) -> str:
    """Lower case, letters and digits only: "12 Elm Rd." and "12 elm rd" match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if char.isalnum())


def matching_keys(details: ContactDetails) -> dict[str, str]:
    """The contact's details reduced for finding the same person on another pupil's profile."""
    return {
        "name_key": _squash(details.name),
        "phone_key": "".join(char for char in details.phone if char.isdigit())[-10:],
        "email_key": details.email.strip().casefold(),
        "address_key": _squash(details.address),
    }


def _cleaned(details: ContactDetails) -> ContactDetails:
    return ContactDetails(
        name=details.name.strip(),
        relationship=details.relationship.strip(),
        has_parental_responsibility=details.has_parental_responsibility,
        phone=details.phone.strip(),
        email=details.email.strip(),
        address=details.address.strip(),
        do_not_contact=details.do_not_contact,
        court_order_notes=details.court_order_notes.strip(),
    )


def _row(pupil: Pupil, details: ContactDetails, reason: str) -> Contact:
    problems = contact_problems(details)
    reason_problem = single_line_problem(reason, max_length=REASON_MAX, noun="Reasons")
    if reason_problem:
        problems["reason"] = [reason_problem]
    if problems:
        raise ValidationError(problems)
    return Contact(pupil=pupil, reason=reason, **vars(details), **matching_keys(details))


@transaction.atomic
def add_contact(*, membership: Membership, pupil: Pupil, details: ContactDetails) -> Contact:
    """Add a contact to the pupil's profile. Raises ValidationError by field."""
    versions.check_keeper(membership, pupil)
    row = _row(pupil, _cleaned(details), "")
    return versions.save_version(
        row, membership=membership, previous=None, action=AuditAction.CONTACT_ADDED
    )


@transaction.atomic
def change_contact(
    *, membership: Membership, contact: Contact, details: ContactDetails, reason: str = ""
) -> Contact:
    """A new version of the contact; the one it replaces stays in its history."""
    versions.check_keeper(membership, contact.pupil)
    row = _row(contact.pupil, _cleaned(details), reason.strip())
    return versions.save_version(
        row,
        membership=membership,
        previous=contact,
        action=AuditAction.CONTACT_CHANGED,
        detail={"fields": changed_fields(contact, row)},
    )


@transaction.atomic
def remove_contact(*, membership: Membership, version: Contact, reason: str) -> Contact:
    """Take the contact off the profile, saying why; every version stays in its history."""
    versions.check_keeper(membership, version.pupil)
    problem = single_line_problem(reason.strip(), max_length=REASON_MAX, noun="Reasons")
    if not reason.strip():
        problem = "Say why this contact is being removed, for example “Moved away, no contact”."
    if problem:
        raise ValidationError({"reason": [problem]})
    row = versions.copy_for_removal(version, reason.strip())
    return versions.save_version(
        row, membership=membership, previous=version, action=AuditAction.CONTACT_REMOVED
    )


DETAIL_FIELDS = tuple(ContactDetails.__dataclass_fields__)


def changed_fields(before: Contact, after: Contact) -> list[str]:
    """The names of the fields a change changed (field names only: the audit holds no text)."""
    return [name for name in DETAIL_FIELDS if getattr(before, name) != getattr(after, name)]


def details_of(contact: Contact) -> ContactDetails:
    return ContactDetails(**{name: getattr(contact, name) for name in DETAIL_FIELDS})
