"""Adding a person to a school's staff: the invitation, re-sending it, accepting it."""

from functools import partial

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, School, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services.groups import slt_group_of
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

ALREADY_ON_STAFF = "This person is already on your staff list."


def email_domain_error(school: School, email: str) -> str | None:
    """The message to show if `email` is outside the school's staff domains, else None."""
    domains = school.allowed_email_domains
    if not domains or email.rsplit("@", 1)[-1].lower() in domains:
        return None
    endings = " or ".join(f"@{domain}" for domain in domains)
    return f"Use an address ending {endings}."


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
        slt_group_of(school, actor=invited_by).members.add(membership)
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
