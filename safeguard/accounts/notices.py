"""Tell people when their password, second factor or email address changes (docs/security.md A12,
ASVS 6.3.6), and put every key change in the audit trail.

allauth sends a signal for each change made on its pages; a DSL revoking someone's keys
calls `notify` itself (accounts.mfa.revoke_keys). The email goes out from the task worker
once the change has committed. It says what changed, when and, if someone else did it, who;
never a code, a secret or a link that signs anyone in.
"""

import datetime
import logging
from enum import StrEnum
from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import receiver
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from safeguard.accounts.mail import deliver, signature_for
from safeguard.accounts.models import User
from safeguard.accounts.services import record_account_change
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.lib.dates import display_date, display_time

logger = logging.getLogger(__name__)


class Change(StrEnum):
    TOTP_ADDED = "totp_added"
    TOTP_REMOVED = "totp_removed"
    WEBAUTHN_ADDED = "webauthn_added"
    WEBAUTHN_REMOVED = "webauthn_removed"
    RECOVERY_CODES_GENERATED = "recovery_codes_generated"
    KEYS_REVOKED = "keys_revoked"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a kind of change, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of change, not a password
    EMAIL_CHANGED = "email_changed"
    SIGN_IN_FAILURES = "sign_in_failures"


# Subject, and the sentence that starts the email ("... on 3 December 2026 at 10:15.").
WORDING: dict[Change, tuple[str, str]] = {
    Change.TOTP_ADDED: (
        "An authenticator app was added",
        "An authenticator app was added to your Safeguard account",
    ),
    Change.TOTP_REMOVED: (
        "Your authenticator app was removed",
        "The authenticator app was removed from your Safeguard account",
    ),
    Change.WEBAUTHN_ADDED: (
        "A security key was added",
        "A security key or passkey was added to your Safeguard account",
    ),
    Change.WEBAUTHN_REMOVED: (
        "A security key was removed",
        "A security key or passkey was removed from your Safeguard account",
    ),
    Change.RECOVERY_CODES_GENERATED: (
        "New recovery codes",
        "New recovery codes were made for your Safeguard account; the old ones no longer work",
    ),
    Change.KEYS_REVOKED: (
        "Your second factor was removed",
        "Your Safeguard second factor was removed by {actor}",
    ),
    Change.PASSWORD_CHANGED: (
        "Your password was changed",
        "Your Safeguard password was changed",
    ),
    Change.PASSWORD_RESET: (
        "Your password was reset",
        "Your Safeguard password was reset from the link we emailed you",
    ),
    Change.EMAIL_CHANGED: (
        "Your email address was changed",
        "The email address of your Safeguard account was changed",
    ),
    Change.SIGN_IN_FAILURES: (
        "Many failed sign-ins to your account",
        "Someone has tried many wrong passwords for your Safeguard account, up to",
    ),
}


def notify(
    *,
    user: User,
    change: Change,
    at: datetime.datetime,
    actor: User | None = None,
    also_to: str = "",
) -> None:
    """Queue the email telling `user` about `change` (call once the change has committed)."""
    send_security_notice.enqueue(
        user_id=user.pk,
        change=str(change),
        at=at.isoformat(),
        actor_id=actor.pk if actor is not None else None,
        also_to=also_to,
    )


@task
def send_security_notice(
    *,
    user_id: int,
    change: str,
    at: str,
    actor_id: int | None = None,
    also_to: str = "",
    attempt: int = 1,
) -> str:
    """Email a person that something about how they sign in has changed (tried again if
    the mail server refuses: accounts.mail.deliver)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    subject, sentence = WORDING[Change(change)]
    when = timezone.localtime(datetime.datetime.fromisoformat(at))
    body = render_to_string(
        "accounts/email/security_notice.txt",
        {
            "name": user.first_name,
            "what": sentence.format(actor=(actor.full_name if actor else "") or "your DSL"),
            "when": f"{display_date(when)} at {display_time(when)}",
            "by_someone_else": actor is not None and actor.pk != user.pk,
            "must_enrol": change == Change.KEYS_REVOKED,
            "failed_sign_ins": change == Change.SIGN_IN_FAILURES,
            "signature": signature_for(user),
        },
    )
    recipients = [user.email] + ([also_to] if also_to and also_to != user.email else [])
    message = EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body, to=recipients
    )
    arguments = {
        "user_id": user_id,
        "change": change,
        "at": at,
        "actor_id": actor_id,
        "also_to": also_to,
    }
    return deliver(
        message,
        retry=send_security_notice,
        arguments=arguments,
        attempt=attempt,
        kind="security_notice",
        user_id=user_id,
    )


def _notify_after_commit(**kwargs: Any) -> None:
    transaction.on_commit(lambda: notify(**kwargs))


def _school(request: Any) -> Any:
    return getattr(request, "school", None)


# Keys added, removed or renewed by their holder on the Second factor pages --------------

_ADDED = {
    Authenticator.Type.TOTP: Change.TOTP_ADDED,
    Authenticator.Type.WEBAUTHN: Change.WEBAUTHN_ADDED,
}
_REMOVED = {
    Authenticator.Type.TOTP: Change.TOTP_REMOVED,
    Authenticator.Type.WEBAUTHN: Change.WEBAUTHN_REMOVED,
}


@receiver(mfa_signals.authenticator_added, dispatch_uid="safeguard-key-added")
def key_added(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **_: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        # Made along with a first key, which has its own email.
        record_account_change(
            actor=user,
            action=AuditAction.RECOVERY_CODES_GENERATED,
            user=user,
            detail={"authenticator": authenticator.pk},
        )
        return
    record_account_change(
        actor=user,
        action=AuditAction.KEY_ADDED,
        user=user,
        detail={"authenticator": authenticator.pk, "type": authenticator.type},
    )
    _notify_after_commit(user=user, change=_ADDED[authenticator.type], at=timezone.now())


@receiver(mfa_signals.authenticator_removed, dispatch_uid="safeguard-key-removed")
def key_removed(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **_: Any
) -> None:
    record_account_change(
        actor=user,
        action=AuditAction.KEY_REMOVED,
        user=user,
        detail={"authenticator": authenticator.pk, "type": authenticator.type},
    )
    if authenticator.type in _REMOVED:
        # Recovery codes left with no key are removed with it; one email is enough.
        _notify_after_commit(user=user, change=_REMOVED[authenticator.type], at=timezone.now())


@receiver(mfa_signals.authenticator_reset, dispatch_uid="safeguard-recovery-codes-reset")
def recovery_codes_generated(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **_: Any
) -> None:
    record_account_change(
        actor=user,
        action=AuditAction.RECOVERY_CODES_GENERATED,
        user=user,
        detail={"authenticator": authenticator.pk},
    )
    _notify_after_commit(user=user, change=Change.RECOVERY_CODES_GENERATED, at=timezone.now())


@receiver(mfa_signals.authentication_failed, dispatch_uid="safeguard-second-factor-failed")
def second_factor_failed(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    """A wrong code is a failed sign-in (or a failed re-check), and goes in the trail."""
    record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        school=_school(request),
        target=user,
        detail={
            "step": "second_factor",
            "type": authenticator.type,
            "reauthentication": bool(kwargs.get("reauthentication")),
        },
    )


# Password and email (accounts.signals audits the password changes) ------------------------


@receiver(account_signals.password_changed, dispatch_uid="safeguard-notice-password-changed")
@receiver(account_signals.password_set, dispatch_uid="safeguard-notice-password-set")
def password_changed(sender: Any, request: Any, user: User, **_: Any) -> None:
    _notify_after_commit(user=user, change=Change.PASSWORD_CHANGED, at=timezone.now())


@receiver(account_signals.password_reset, dispatch_uid="safeguard-notice-password-reset")
def password_reset(sender: Any, request: Any, user: User, **_: Any) -> None:
    _notify_after_commit(user=user, change=Change.PASSWORD_RESET, at=timezone.now())


@receiver(account_signals.email_changed, dispatch_uid="safeguard-notice-email-changed")
def email_changed(
    sender: Any, request: Any, user: User, from_email_address: Any, to_email_address: Any, **_: Any
) -> None:
    """Both addresses hear of it: the old one is where the owner would notice a takeover."""
    record_account_change(
        actor=user,
        action=AuditAction.EMAIL_CHANGED,
        user=user,
        detail={"email_address": getattr(to_email_address, "pk", None)},
    )
    _notify_after_commit(
        user=user,
        change=Change.EMAIL_CHANGED,
        at=timezone.now(),
        also_to=getattr(from_email_address, "email", "") or "",
    )
