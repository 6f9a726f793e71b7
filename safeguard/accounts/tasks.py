"""Emails about staff accounts, sent by the task worker after the change has committed.

Tasks receive ids only and build the link when they run, so no token is ever stored in the
task queue. A send the mail server refuses is tried again later (accounts.mail.deliver). Each task re-checks the state first: an invitation whose person has since been
deactivated, or has already set a password, is not sent. Emails name the school and the
sender only, never a pupil.
"""

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from safeguard.accounts.mail import deliver
from safeguard.accounts.models import Membership, School, User

logger = logging.getLogger(__name__)

INVITATION_VALID_DAYS = settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)


def invitation_url(user: User) -> str:
    """An absolute, single-use link for `user` to set their first password."""
    path = reverse(
        "accounts:invitation-accept",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _active_membership(school_id: int, user_id: int) -> Membership | None:
    return (
        Membership.objects.for_school(school_id)
        .select_related("user", "school")
        .filter(user_id=user_id, is_active=True)
        .first()
    )


def _message(*, to: str, subject: str, template: str, context: dict[str, object]) -> EmailMessage:
    body = render_to_string(template, context)
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body, to=[to]
    )


@task
def send_invitation_email(*, school_id: int, user_id: int, sender_id: int, attempt: int = 1) -> str:
    """Email a new member of staff their link to set a password (tried again if refused)."""
    membership = _active_membership(school_id, user_id)
    if membership is None or membership.user.has_usable_password():
        logger.info("Invitation for user %s not sent: no longer pending", user_id)
        return "skipped"
    sender = User.objects.filter(pk=sender_id).first()
    school: School = membership.school
    message = _message(
        to=membership.user.email,
        subject=f"Your invitation to {school.name}",
        template="accounts/email/invitation.txt",
        context={
            "sender_name": (sender.full_name if sender else "") or "Your DSL",
            "school": school,
            "link": invitation_url(membership.user),
            "valid_days": INVITATION_VALID_DAYS,
        },
    )
    arguments = {"school_id": school_id, "user_id": user_id, "sender_id": sender_id}
    return deliver(
        message,
        retry=send_invitation_email,
        arguments=arguments,
        attempt=attempt,
        kind="invitation",
        user_id=user_id,
        school_id=school_id,
    )


@task
def send_added_to_school_email(
    *, school_id: int, user_id: int, sender_id: int, attempt: int = 1
) -> str:
    """Tell someone who already has a password that they now also work in this school."""
    membership = _active_membership(school_id, user_id)
    if membership is None:
        return "skipped"
    sender = User.objects.filter(pk=sender_id).first()
    message = _message(
        to=membership.user.email,
        subject=f"You have been added to {membership.school.name}",
        template="accounts/email/added_to_school.txt",
        context={
            "sender_name": (sender.full_name if sender else "") or "Your DSL",
            "school": membership.school,
            "role": membership.get_role_display(),
            "link": f"{settings.SITE_URL}{reverse('account_login')}",
        },
    )
    arguments = {"school_id": school_id, "user_id": user_id, "sender_id": sender_id}
    return deliver(
        message,
        retry=send_added_to_school_email,
        arguments=arguments,
        attempt=attempt,
        kind="added_to_school",
        user_id=user_id,
        school_id=school_id,
    )
