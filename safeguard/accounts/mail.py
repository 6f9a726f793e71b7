"""How Safeguard sends an email about an account: from the background worker, tried again when
the mail server refuses, and in Safeguard's own words.

Every email is sent by `manage.py db_worker`, never by the web process: a request only queues
it, so a slow or broken mail server never holds up a page, and a reset request for a known
address takes as long as one for an unknown address. A send the server refuses is tried again
after 1, 5, 15, 60 and 240 minutes, as alert emails are (incidents/tasks.py); after the sixth
failure it is given up, logged and audited (`email_failed`, with the kind of email and the
error's class, never the address or the text).

allauth's emails (password reset, "no account for this address", email confirmation) come
through the account adapter's `send_mail`, which calls `queue_allauth_email`. Their wording is
ours (templates/account/email/), signed with the person's school when they work in exactly one,
otherwise with SITE_NAME; never with the request's host. A reset or confirmation link is a
secret, so it is not put in the queue (the task's arguments are stored in the database): the
queue holds the person's id and address, and the worker makes a fresh link from them when it
sends. Other allauth emails hold no secret and are rendered in the request and queued whole.
No email names a pupil.
"""

import datetime
import logging
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import Task, task
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

logger = logging.getLogger(__name__)

# How long to wait after the 1st, 2nd, ... refused attempt before the next (as alert emails).
RETRY_DELAYS = tuple(datetime.timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 240))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

PREFIX = "account/email/"
# allauth's emails whose link is made by the worker, so the secret in it is never queued.
RESET = "password_reset_key"
CONFIRMATIONS = frozenset({"email_confirmation", "email_confirmation_signup"})


def signature_for(user: User | None) -> str:
    """Who an email is signed by: the person's school if they work in just one, else the site."""
    if user is None or user.pk is None:
        return settings.SITE_NAME
    schools = {
        membership.school.name
        for membership in Membership.objects.active_for_user(user).select_related("school")
    }
    return schools.pop() if len(schools) == 1 else settings.SITE_NAME


def deliver(
    message: EmailMessage,
    *,
    retry: Task[..., Any],
    arguments: dict[str, Any],
    attempt: int,
    kind: str,
    user_id: int | None = None,
    school_id: int | None = None,
) -> str:
    """Send `message` now; if the server refuses, queue `retry(**arguments)` for later.

    Returns "sent", "retrying" or "failed" (given up after MAX_ATTEMPTS, and audited).
    """
    try:
        message.send()
    except Exception as error:  # refused, timed out, unreachable: try again later
        return _failed(
            error,
            retry=retry,
            arguments=arguments,
            attempt=attempt,
            kind=kind,
            user_id=user_id,
            school_id=school_id,
        )
    return "sent"


def _failed(
    error: Exception,
    *,
    retry: Task[..., Any],
    arguments: dict[str, Any],
    attempt: int,
    kind: str,
    user_id: int | None,
    school_id: int | None,
) -> str:
    if attempt >= MAX_ATTEMPTS:
        user = User.objects.filter(pk=user_id).first() if user_id else None
        school = None
        if school_id is not None:
            from safeguard.accounts.models import School

            school = School.objects.filter(pk=school_id).first()
        record(
            actor=None,
            action=AuditAction.EMAIL_FAILED,
            school=school,
            target=user,
            detail={"email": kind, "attempts": attempt, "error": type(error).__name__},
        )
        logger.warning("A %s email failed for good: %s", kind, type(error).__name__)
        return "failed"
    logger.info("A %s email was refused (%s); trying again", kind, type(error).__name__)
    queue = retry
    if retry.get_backend().supports_defer:
        queue = retry.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
    # A backend that can't defer (the immediate one, in tests and demos) tries again at once.
    queue.enqueue(**arguments, attempt=attempt + 1)
    return "retrying"


# allauth's emails --------------------------------------------------------------------------


def queue_allauth_email(*, template_prefix: str, to: str, context: dict[str, Any]) -> None:
    """Queue one of allauth's emails for the worker (called by AccountAdapter.send_mail)."""
    from safeguard.accounts.adapter import on_site, site_url

    name = template_prefix.removeprefix(PREFIX)
    user = context.get("user")
    user_id = user.pk if isinstance(user, User) else None
    if name == RESET or name in CONFIRMATIONS:
        address = EmailAddress.objects.filter(user_id=user_id, email__iexact=to).first()
        if user_id is None or (name != RESET and address is None):
            logger.warning("A %s email was not queued: no account to send it for", name)
            return
        if name == RESET:
            send_account_email.enqueue(kind=RESET, to=to, user_id=user_id)
        else:
            send_account_email.enqueue(kind=name, to=to, email_address_id=address.pk)
        return
    # No secret in these ("no account here"): render now, from our templates, and queue.
    safe = {
        key: (
            on_site(value) if key.endswith("_url") and isinstance(value, str) and value else value
        )
        for key, value in context.items()
        if key not in {"request", "current_site", "key", "code"}
    }
    safe |= {
        "email": to,
        "signature": signature_for(user if user_id else None),
        "sign_in_url": site_url(reverse("account_login")),
    }
    message = get_adapter().render_mail(template_prefix, to, safe)
    send_account_email.enqueue(
        kind=name, to=to, user_id=user_id, subject=message.subject, body=str(message.body)
    )


def _reset_email(user: User, to: str) -> EmailMessage:
    """The password reset email with a fresh link, as allauth's reset form would make it."""
    adapter = get_adapter()
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    url = adapter.get_reset_password_from_key_url(f"{user_pk_to_url_str(user)}-{token}")
    context = {
        "user": user,
        "email": to,
        "password_reset_url": url,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "signature": signature_for(user),
    }
    return adapter.render_mail(PREFIX + RESET, to, context)


def _confirmation_email(kind: str, address: EmailAddress, to: str) -> EmailMessage:
    adapter = get_adapter()
    confirmation = EmailConfirmationHMAC.create(address)
    context = {
        "user": address.user,
        "email": to,
        "activate_url": adapter.get_email_confirmation_url(None, confirmation),
        "signature": signature_for(address.user),
    }
    return adapter.render_mail(PREFIX + kind, to, context)


def _build(
    *,
    kind: str,
    to: str,
    user_id: int | None,
    email_address_id: int | None,
    subject: str,
    body: str,
) -> EmailMessage | None:
    if kind == RESET:
        if user_id is None:
            return None
        user = User.objects.filter(pk=user_id, is_active=True).first()
        return _reset_email(user, to) if user is not None else None
    if kind in CONFIRMATIONS:
        address = EmailAddress.objects.select_related("user").filter(pk=email_address_id).first()
        if address is None or address.verified:
            return None
        return _confirmation_email(kind, address, to)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


@task
def send_account_email(
    *,
    kind: str,
    to: str,
    user_id: int | None = None,
    email_address_id: int | None = None,
    subject: str = "",
    body: str = "",
    attempt: int = 1,
) -> str:
    """Send one of allauth's emails (queued by `queue_allauth_email`)."""
    arguments = {
        "kind": kind,
        "to": to,
        "user_id": user_id,
        "email_address_id": email_address_id,
        "subject": subject,
        "body": body,
    }
    message = _build(
        kind=kind,
        to=to,
        user_id=user_id,
        email_address_id=email_address_id,
        subject=subject,
        body=body,
    )
    if message is None:
        logger.info("A %s email was not sent: no longer needed", kind)
        return "skipped"
    return deliver(
        message,
        retry=send_account_email,
        arguments=arguments,
        attempt=attempt,
        kind="password_reset" if kind == RESET else kind,
        user_id=user_id,
    )
