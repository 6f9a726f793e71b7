"""Every write to schools, staff and groups. Each one audits in the same transaction.

Rules that hold whatever screen calls them live here, not in forms: a school never loses
its last active DSL, nobody deactivates themselves, the SLT group is never deleted or
renamed, and group members always belong to the group's own school. A broken rule raises
`ValidationError`, keyed by form field where one fits, so a view can show it next to the field.
"""

from collections.abc import Iterable
from functools import partial

from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.accounts import selectors
from safeguard.accounts.middleware import SESSION_SCHOOL_KEY
from safeguard.accounts.models import (
    Membership,
    School,
    StaffGroup,
    Trust,
    User,
    reference_code_from_name,
)
from safeguard.accounts.permissions import Role
from safeguard.accounts.sessions import end_sessions_of
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record

SLT_GROUP_NAME = "SLT"
SLT_GROUP_DESCRIPTION = (
    "Senior leadership: always offered first when alerting (school policy step 6)."
)
SCHOOL_EDITABLE_FIELDS = (
    "name",
    "urn",
    "email_domains",
    "idle_timeout_minutes",
    "mfa_required_for_all",
)

SLT_RENAME = "The SLT group is built in and can't be renamed."
ALREADY_ON_STAFF = "This person is already on your staff list."
LAST_DSL = (
    "{name} is the school's only active DSL. Make someone else a DSL first, "
    "so the school is never without one."
)


@transaction.atomic
def create_school(
    *,
    name: str,
    trust: Trust | None = None,
    urn: str = "",
    email_domains: str = "",
    created_by: User | None = None,
) -> School:
    """A new school starts with the built-in SLT group and the default categories."""
    from safeguard.incidents.services import seed_default_categories

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
    seed_default_categories(school=school)
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


# Staff ---------------------------------------------------------------------------------


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


def email_domain_error(school: School, email: str) -> str | None:
    """The message to show if `email` is outside the school's staff domains, else None."""
    domains = school.allowed_email_domains
    if not domains or email.rsplit("@", 1)[-1].lower() in domains:
        return None
    endings = " or ".join(f"@{domain}" for domain in domains)
    return f"Use an address ending {endings}."


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


def slt_group_of(school: School) -> StaffGroup:
    """The school's built-in SLT group, recreated if it is somehow missing."""
    group, _ = StaffGroup.objects.for_school(school).get_or_create(
        school=school,
        is_slt=True,
        defaults={"name": SLT_GROUP_NAME, "description": SLT_GROUP_DESCRIPTION},
    )
    return group


@transaction.atomic
def invite_staff(
    *,
    school: School,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    job_title: str = "",
) -> Membership:
    """Add a person to the school's staff and email them (school policy section 4).

    A new person gets a single-use link to set their password. Someone who already has a
    password (they work at another school on this installation) is the same person with
    one more role: they get a notice that they were added, and sign in as before.

    Either way the school learns nothing it didn't type: for an
    existing account the name as typed is kept on the membership and shown on this
    school's screens, the account's own name is left alone, and the audit event doesn't
    say whether the account existed.
    """
    email = User.objects.normalize_email(email).strip().lower()
    domain_error = email_domain_error(school, email)
    if domain_error:
        raise ValidationError({"email": domain_error})
    user = User.objects.filter(email=email).first()
    is_new_user = user is None
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Membership.objects.for_school(school).filter(user=user).exists():
        raise ValidationError({"email": ALREADY_ON_STAFF})
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    membership = Membership(
        school=school,
        user=user,
        role=role,
        job_title=job_title.strip(),
        invited_by=invited_by,
        invited_at=timezone.now(),
    )
    if not is_new_user:
        membership.first_name = first_name.strip()
        membership.last_name = last_name.strip()
    membership.full_clean()
    membership.save()
    if role == Role.SLT:
        slt_group_of(school).members.add(membership)
    record(
        actor=invited_by,
        action=AuditAction.STAFF_INVITED,
        school=school,
        target=membership,
        detail={"user_id": user.pk, "role": role},
    )
    _send_invitation_on_commit(membership=membership, sender=invited_by)
    return membership


def _send_invitation_on_commit(*, membership: Membership, sender: User) -> None:
    from safeguard.accounts import tasks

    notice = (
        tasks.send_added_to_school_email
        if membership.user.has_usable_password()
        else (tasks.send_invitation_email)
    )
    transaction.on_commit(
        partial(
            notice.enqueue,
            school_id=membership.school_id,
            user_id=membership.user_id,
            sender_id=sender.pk,
        )
    )


@transaction.atomic
def resend_invitation(*, membership: Membership, resent_by: User) -> None:
    """Email again someone who hasn't signed in since this school added them: a fresh link
    if they have never set a password, else the notice that they were added.

    An earlier link keeps working until one of them is used or it expires
    (docs/staff.md, "What makes a link stop working").
    """
    if not membership.is_active:
        raise ValidationError("Reactivate this person before re-sending their invitation.")
    if membership.has_signed_in:
        raise ValidationError(
            "This person has already signed in. If they have forgotten their password, they "
            "can use “Forgotten your password?” on the sign-in page."
        )
    record(
        actor=resent_by,
        action=AuditAction.INVITATION_RESENT,
        school=membership.school,
        target=membership,
        detail={"user_id": membership.user_id},
    )
    _send_invitation_on_commit(membership=membership, sender=resent_by)


@transaction.atomic
def accept_invitation(*, user: User, password: str) -> None:
    """Set the invited person's first password and confirm their email address.

    The caller has checked the link's token; setting the password is what makes it unusable
    (the token is bound to the password hash).
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    address.verified = True
    address.primary = True
    address.save()
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    membership = invited_membership_of(user)
    record(
        actor=None,
        action=AuditAction.INVITATION_ACCEPTED,
        school=membership.school if membership else None,
        target=user,
        detail={"membership_id": membership.pk if membership else None},
    )


def invited_membership_of(user: User) -> Membership | None:
    """The active role the person was most recently invited to (shown on the welcome page)."""
    return (
        Membership.objects.active_for_user(user)
        .select_related("school")
        .order_by("-invited_at", "-created_at")
        .first()
    )


FORMER_STAFF_DETAILS = (
    "This person no longer works at your school, so their details can't be changed here. "
    "Reactivate them first if they have come back."
)
NAME_IS_THEIRS = (
    "{name} also works at another school, so their name belongs to their account, not to "
    "this school. Only the person themself can change it. You can still change their job "
    "title, role and status here."
)


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
        slt_group_of(membership.school).members.add(membership)
    elif old_role == Role.SLT:
        slt_group_of(membership.school).members.remove(membership)
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


# Groups --------------------------------------------------------------------------------


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
