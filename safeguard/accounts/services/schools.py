"""Writes to schools and trusts: creating them, changing a school's details, and which school a
person works in."""

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from safeguard.accounts.middleware import SESSION_SCHOOL_KEY
from safeguard.accounts.models import (
    Membership,
    School,
    StaffGroup,
    Trust,
    User,
    reference_code_from_name,
)
from safeguard.accounts.services.groups import SLT_GROUP_DESCRIPTION, SLT_GROUP_NAME
from safeguard.accounts.signals import school_created
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

SCHOOL_EDITABLE_FIELDS = (
    "name",
    "urn",
    "email_domains",
    "idle_timeout_minutes",
    "mfa_required_for_all",
)


@transaction.atomic
def find_or_create_trust(*, name: str, created_by: User | None) -> Trust:
    """The trust of this name, created (and the creation audited) if there is none yet.
    A trust belongs to no school, so neither does the event."""
    trust, created = Trust.objects.get_or_create(name=name.strip())
    if created:
        record(actor=created_by, action=AuditAction.TRUST_CREATED, target=trust)
    return trust


@transaction.atomic
def create_school(
    *,
    name: str,
    trust: Trust | None = None,
    urn: str = "",
    email_domains: str = "",
    created_by: User | None = None,
) -> School:
    """A new school starts with the built-in SLT group and, from the apps that answer
    `school_created` (incidents: the default categories; casework: the default decisions),
    whatever else it needs.

    The one SCHOOL_CREATED audit event covers all of it: the SLT group and the categories are
    part of what a school is made with, not later changes, so they get no events of their own.
    """
    taken = frozenset(School.objects.values_list("reference_code", flat=True))
    school = School(
        name=name,
        trust=trust,
        urn=urn,
        email_domains=email_domains,
        reference_code=reference_code_from_name(name, taken=taken),
    )
    school.full_clean()
    school.save()
    StaffGroup.objects.create(
        school=school, name=SLT_GROUP_NAME, is_slt=True, description=SLT_GROUP_DESCRIPTION
    )
    school_created.send(sender=School, school=school)
    record(actor=created_by, action=AuditAction.SCHOOL_CREATED, school=school, target=school)
    return school


@transaction.atomic
def update_school(*, school: School, updated_by: User, changes: dict[str, object]) -> School:
    """Change the school's details; the audit lists the names of the fields that changed."""
    unknown = set(changes) - set(SCHOOL_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changed = sorted(field for field, value in changes.items() if getattr(school, field) != value)
    if not changed:
        return school
    for field in changed:
        setattr(school, field, changes[field])
    school.full_clean()
    school.save(update_fields=changed)
    record(
        actor=updated_by,
        action=AuditAction.SCHOOL_UPDATED,
        school=school,
        target=school,
        detail={"fields": changed},
    )
    return school


@transaction.atomic
def switch_school(*, session: SessionBase, membership: Membership) -> bool:
    """Work in `membership`'s school from the next request on; False if already there.

    The person's own active membership only (the caller picks it from theirs). The session
    gets a new key, as at sign-in, and the switch is audited in the school switched to.
    """
    previous = session.get(SESSION_SCHOOL_KEY)
    if previous == membership.school_id:
        return False
    session[SESSION_SCHOOL_KEY] = membership.school_id
    session.cycle_key()
    record(
        actor=membership.user,
        action=AuditAction.SCHOOL_SWITCHED,
        school=membership.school,
        target=membership,
        detail={"from": previous},
    )
    return True
