"""Every sign-in, failed sign-in, sign-out and password change goes into the audit trail
(SECURITY.md L2, ASVS 16.3.1)."""

from typing import Any

from allauth.account import signals as allauth_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record


@receiver(auth_signals.user_logged_in)
def audit_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(actor=user, action=AuditAction.SIGNED_IN, target=user)


@receiver(auth_signals.user_logged_out)
def audit_sign_out(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        record(actor=user, action=AuditAction.SIGNED_OUT, target=user)


@receiver(auth_signals.user_login_failed)
def audit_failed_sign_in(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password; keep only the address tried.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254].lower()
    known = User.objects.filter(email=attempted).first() if attempted else None
    record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        target=known,
        detail={"email": attempted, "known_account": known is not None},
    )


@receiver(allauth_signals.password_changed)
@receiver(allauth_signals.password_set)
def audit_password_changed(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)


@receiver(allauth_signals.password_reset)
def audit_password_reset(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(actor=user, action=AuditAction.PASSWORD_RESET, target=user)
