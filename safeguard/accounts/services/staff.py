"""Changes to a member of staff in one school: details, role, deactivating, reactivating.

A school never loses its last active DSL, and nobody deactivates themselves.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.accounts import selectors
from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services.account_changes import record_account_change
from safeguard.accounts.services.groups import slt_group_of
from safeguard.accounts.sessions import end_sessions_of
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

LAST_DSL = (
    "{name} is the school's only active DSL. Make someone else a DSL first, "
    "so the school is never without one."
)
FORMER_STAFF_DETAILS = (
    "This person no longer works at your school, so their details can't be changed here. "
    "Reactivate them first if they have come back."
)
NAME_IS_THEIRS = (
    "{name} also works at another school, so their name belongs to their account, not to "
    "this school. Only the person themself can change it, on their Your details page. You "
    "can still change their job title, role and status here."
)


@transaction.atomic
def update_staff_details(
    *,
    membership: Membership,
    updated_by: User,
    first_name: str,
    last_name: str,
    job_title: str,
) -> Membership:
    """Correct a person's name or job title.

    The job title is this school's. The name belongs to the person's account, in every
    school, so a school may change it only while the person works there alone (and still
    works there); otherwise it is the person's own to change.
    """
    if not membership.is_active:
        raise ValidationError(FORMER_STAFF_DETAILS)
    user = membership.user
    name = (first_name.strip(), last_name.strip())
    is_renamed = name != (membership.display_first_name, membership.display_last_name)
    if is_renamed and selectors.works_elsewhere(membership):
        raise ValidationError(
            {"first_name": NAME_IS_THEIRS.format(name=membership.display_name or "This person")}
        )
    changed: list[str] = []
    if is_renamed:
        for field, value in zip(("first_name", "last_name"), name, strict=True):
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
    if membership.job_title != job_title.strip():
        membership.job_title = job_title.strip()
        changed.append("job_title")
    membership_fields = ["job_title"] if "job_title" in changed else []
    if is_renamed and membership.is_named_here:
        # Working here alone, the account's name is the school's to set: one name again.
        membership.first_name = membership.last_name = ""
        membership_fields += ["first_name", "last_name"]
    if not changed and not membership_fields:
        return membership
    user_fields = [f for f in changed if f != "job_title"]
    if user_fields:
        user.full_clean(exclude=["password"])
        user.save(update_fields=user_fields)
    if membership_fields:
        membership.save(update_fields=membership_fields)
    if user_fields:
        record_account_change(
            actor=updated_by,
            action=AuditAction.STAFF_UPDATED,
            user=user,
            target=membership,
            detail={"fields": changed},
        )
    elif changed:
        record(
            actor=updated_by,
            action=AuditAction.STAFF_UPDATED,
            school=membership.school,
            target=membership,
            detail={"fields": changed},
        )
    return membership


def _other_active_dsls(membership: Membership) -> list[Membership]:
    # Locked, so two deputies demoting the last two DSLs at once can't both succeed.
    return list(
        Membership.objects.for_school(membership.school_id)
        .select_for_update()
        .filter(role=Role.DSL, is_active=True)
        .exclude(pk=membership.pk)
    )


def _refuse_losing_last_dsl(membership: Membership) -> None:
    if membership.role == Role.DSL and membership.is_active and not _other_active_dsls(membership):
        raise ValidationError(LAST_DSL.format(name=membership.user.full_name or "This person"))


@transaction.atomic
def change_role(*, membership: Membership, changed_by: User, role: str) -> Membership:
    """Give someone another role; it takes effect on their next click (ASVS 8.3.2).

    Holders of the SLT role are members of the built-in SLT group, so the group follows
    the role: added on becoming SLT, removed on leaving it.
    """
    old_role = membership.role
    if role == old_role:
        return membership
    if role != Role.DSL:
        try:
            _refuse_losing_last_dsl(membership)
        except ValidationError as error:
            raise ValidationError({"role": error.messages}) from None
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    if role == Role.SLT:
        slt_group_of(membership.school, actor=changed_by).members.add(membership)
    elif old_role == Role.SLT:
        slt_group_of(membership.school, actor=changed_by).members.remove(membership)
    record(
        actor=changed_by,
        action=AuditAction.ROLE_CHANGED,
        school=membership.school,
        target=membership,
        detail={"old_role": old_role, "new_role": role},
    )
    return membership


@transaction.atomic
def deactivate_staff(*, membership: Membership, deactivated_by: User) -> Membership:
    """Take away someone's role in this school at once.

    With no active role left anywhere the person can't sign in: their open sessions end at
    once (accounts.sessions), and the middleware refuses any untracked one on its next
    request. Someone who still works at another school keeps their sessions, which are
    theirs and that school's: the middleware drops this school from them on their next
    click. Group memberships are kept, so reactivating restores them;
    alerts skip inactive members.
    """
    if membership.user_id == deactivated_by.pk:
        raise ValidationError(
            "You can't deactivate your own account. Ask another DSL or deputy to do it."
        )
    if not membership.is_active:
        return membership
    _refuse_losing_last_dsl(membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    sessions_ended = 0
    if not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        # Every open session ends now, not just at its next request (ASVS 7.4.2).
        sessions_ended = end_sessions_of(user)
    record(
        actor=deactivated_by,
        action=AuditAction.STAFF_DEACTIVATED,
        school=membership.school,
        target=membership,
        detail={
            "user_id": user.pk,
            "account_disabled": not user.is_active,
            "sessions_ended": sessions_ended,
        },
    )
    return membership


@transaction.atomic
def reactivate_staff(*, membership: Membership, reactivated_by: User) -> Membership:
    """Give a deactivated person their role in this school back."""
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    record(
        actor=reactivated_by,
        action=AuditAction.STAFF_REACTIVATED,
        school=membership.school,
        target=membership,
        detail={"user_id": user.pk},
    )
    return membership
