"""Writes to staff groups, the built-in SLT group included.

The SLT group is never deleted or renamed, and group members always belong to the group's
own school.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

SLT_GROUP_NAME = "SLT"
SLT_GROUP_DESCRIPTION = (
    "Senior leadership: always offered first when alerting (school policy step 6)."
)
SLT_RENAME = "The SLT group is built in and can't be renamed."


@transaction.atomic
def slt_group_of(school: School, *, actor: User | None = None) -> StaffGroup:
    """The school's built-in SLT group, recreated if it is somehow missing.

    A recreation is a write, so it is audited, naming `actor`: the person whose change
    needed the group (a role change or invitation to SLT).
    """
    group, created = StaffGroup.objects.for_school(school).get_or_create(
        school=school,
        is_slt=True,
        defaults={"name": SLT_GROUP_NAME, "description": SLT_GROUP_DESCRIPTION},
    )
    if created:
        record(
            actor=actor,
            action=AuditAction.GROUP_CREATED,
            school=school,
            target=group,
            detail={"is_slt": True},
        )
    return group


def _refuse_duplicate_group_name(*, school: School, name: str, exclude_id: int | None) -> None:
    clash = StaffGroup.objects.for_school(school).filter(name__iexact=name)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise ValidationError({"name": "Your school already has a group with this name."})


@transaction.atomic
def create_group(
    *, school: School, created_by: User, name: str, description: str = ""
) -> StaffGroup:
    """A school-defined group (SEND team, Year 6 team...) to alert with one click."""
    name = name.strip()
    _refuse_duplicate_group_name(school=school, name=name, exclude_id=None)
    group = StaffGroup(school=school, name=name, description=description.strip())
    group.full_clean(validate_constraints=False)
    group.save()
    record(actor=created_by, action=AuditAction.GROUP_CREATED, school=school, target=group)
    return group


@transaction.atomic
def update_group(*, group: StaffGroup, updated_by: User, name: str, description: str) -> StaffGroup:
    """Rename or describe a group. The SLT group keeps its name: staff look for it."""
    name = name.strip()
    if group.is_slt and name != group.name:
        raise ValidationError({"name": SLT_RENAME})
    _refuse_duplicate_group_name(school=group.school, name=name, exclude_id=group.pk)
    changed = [
        field
        for field, value in (("name", name), ("description", description.strip()))
        if getattr(group, field) != value
    ]
    if not changed:
        return group
    group.name = name
    group.description = description.strip()
    group.full_clean(validate_constraints=False)
    group.save(update_fields=changed)
    record(
        actor=updated_by,
        action=AuditAction.GROUP_UPDATED,
        school=group.school,
        target=group,
        detail={"fields": changed},
    )
    return group


@transaction.atomic
def set_group_members(
    *, group: StaffGroup, updated_by: User, members: Iterable[Membership]
) -> StaffGroup:
    """Make `members` the group's active members.

    Deactivated members are kept (they come back on reactivation) but are never alerted.
    """
    wanted = {m.pk: m for m in members}
    if any(m.school_id != group.school_id or not m.is_active for m in wanted.values()):
        raise ValidationError({"members": "Choose active staff of your own school only."})
    current = set(group.members.filter(is_active=True).values_list("pk", flat=True))
    added = sorted(set(wanted) - current)
    removed = sorted(current - set(wanted))
    if not added and not removed:
        return group
    group.members.add(*added)
    group.members.remove(*removed)
    record(
        actor=updated_by,
        action=AuditAction.GROUP_UPDATED,
        school=group.school,
        target=group,
        detail={"added_membership_ids": added, "removed_membership_ids": removed},
    )
    return group


@transaction.atomic
def delete_group(*, group: StaffGroup, deleted_by: User) -> None:
    """Delete a school-defined group. The SLT group always exists."""
    if group.is_slt:
        raise ValidationError("The SLT group is built in and can't be deleted.")
    record(
        actor=deleted_by,
        action=AuditAction.GROUP_DELETED,
        school=group.school,
        target=group,
        detail={"member_count": group.members.count()},
    )
    group.members.clear()
    group.delete()
