"""The signals accounts sends to the apps above it, and the receivers that put every sign-in,
failed sign-in, sign-out and password change into the audit trail (docs/security.md L2, ASVS 16.3.1).

Accounts imports no app above it. Where something that happens here must set off work in an
app above (a new school needs its categories; a session ending mid-form should keep what was
typed), accounts sends one of these signals and the upper app connects a receiver in its
`AppConfig.ready()`.
"""

from typing import Any

from allauth.account import signals as allauth_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

# Sent by services.create_school, inside its transaction, before the school's creation is
# audited; arguments: school. Receivers give the school what it starts with and write in
# the same transaction, so a failure leaves no half-made school.
school_created = Signal()

# Sent by the session middleware when a session has just passed a limit and is about to be
# signed out, before anything is undone; arguments: request (still signed in, with its
# membership). A receiver that keeps what the request carried (an incident posted as the
# session ended, kept as a draft) returns True, and the sign-in page says so.
session_expired = Signal()


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
