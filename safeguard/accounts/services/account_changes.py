"""A person's own account, which may span several schools: its name, its email address and
the audit of changes to it."""

from django.db import transaction

from safeguard.accounts.models import Membership, School, User
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record


def own_email_domain_error(user: User, email: str) -> str | None:
    """The message to show if `user` may not use `email` for their own account, else None.

    A person's address stays at one of their schools: its domain must be among the staff
    domains of at least one school where they hold an active role, so alerts and reset
    links never go to a personal mailbox. Schools that set no domains
    add none; if none of their schools sets any, any address is allowed.
    """
    domains: list[str] = []
    for membership in Membership.objects.active_for_user(user).select_related("school"):
        domains += [d for d in membership.school.allowed_email_domains if d not in domains]
    if not domains or email.rsplit("@", 1)[-1].lower() in domains:
        return None
    endings = " or ".join(f"@{domain}" for domain in sorted(domains))
    return f"Use your school address: one ending {endings}. Personal addresses can't be used."


def record_account_change(
    *,
    actor: User | None,
    action: AuditAction,
    user: User,
    target: Membership | User | None = None,
    detail: dict[str, object] | None = None,
) -> list[AuditEvent]:
    """Audit a change to a person's account (name, keys, sessions, email) in every school
    they work at, one event each, so no school's trail misses it.
    Someone with no active role anywhere gets one event belonging to no school."""
    schools: list[School | None] = [
        m.school
        for m in Membership.objects.active_for_user(user)
        .select_related("school")
        .order_by("school_id")
    ]
    return [
        record(
            actor=actor,
            action=action,
            school=school,
            target=target if target is not None else user,
            detail=detail,
        )
        for school in (schools or [None])
    ]


NAME_FIELDS = ("first_name", "last_name")


@transaction.atomic
def change_own_name(*, user: User, first_name: str, last_name: str) -> list[str]:
    """The person's own change to their name ("Your details"): the fields that changed.

    The name belongs to the account, shown by every school they work at, so it is theirs
    to change wherever they work (a school may rename only someone who works there alone).
    A name a school typed for its own screens when it added them gives way to theirs in
    every school where they hold an active role. The change is audited in each of those
    schools, naming the fields only.
    """
    name = dict(zip(NAME_FIELDS, (first_name.strip(), last_name.strip()), strict=True))
    named_here = [
        m for m in Membership.objects.active_for_user(user).select_for_update() if m.is_named_here
    ]
    changed = [
        field
        for field in NAME_FIELDS
        if getattr(user, field) != name[field]
        or any(getattr(m, field) != name[field] for m in named_here)
    ]
    if not changed:
        return []
    for field in NAME_FIELDS:
        setattr(user, field, name[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(NAME_FIELDS))
    for membership in named_here:
        membership.first_name = membership.last_name = ""
        membership.save(update_fields=list(NAME_FIELDS))
    record_account_change(
        actor=user, action=AuditAction.STAFF_UPDATED, user=user, detail={"fields": changed}
    )
    return changed
