"""The second factor ("key"): who must have one, replay-safe codes, and revoking lost keys.

School policy section 3: "ALL DSL's and SLT have the Authenticator whether this is a hard
key OR soft key". A key is an authenticator app (TOTP, the soft key) or a security key or
passkey (WebAuthn, the hard key); recovery codes alone are not a key, they only stand in
for one. django-allauth's MFA app does the enrolment and the sign-in step; this module adds:

- `SecondFactorRequiredMiddleware`: someone whose current role needs a key and who has
  none reaches nothing but the enrolment pages (docs/security.md A6, ASVS 6.3.2).
- `AuthenticateForm` / `ReauthenticateForm`: allauth's code forms, plus a record of the
  last TOTP time step used, so a code can never be used twice (A7, ASVS 6.5.1), even if
  allauth's own used-code marker has left the cache.
- `revoke_keys`: a DSL or deputy removes a member of staff's keys when one is lost, and
  ends their sessions, so they must enrol again (the policy: "if a key is lost or
  misplaced… report it so it can be disabled"; A13, ASVS 6.4.4).
"""

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from safeguard.accounts.backends import KEY_TYPES
from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import ROLES_REQUIRING_MFA
from safeguard.accounts.requests import SafeguardRequest
from safeguard.audit.models import AuditAction

ENROL_MESSAGE = (
    "Your role needs a second factor: set up an authenticator app or a security key to continue."
)

# Pages someone without a key can still reach: allauth's second-factor pages (named
# "mfa_…"), confirming their password before adding a key, verifying their email (allauth
# won't add a key to an unverified address), signing out, switching to a school where
# their role needs no key, the session timer, and the invitation that set their password.
EXEMPT_VIEW_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "accounts:switch-school",
        "accounts:session-keep-alive",
        "accounts:session-status",
        "accounts:invitation-accept",
        "accounts:invitation-set-password",
    }
)

# Stored in Authenticator.data: the newest TOTP time step accepted for that app.
LAST_STEP_KEY = "safeguard_last_step"


def has_key(user: User | Any) -> bool:
    """Whether `user` has an authenticator app or a security key (recovery codes don't count)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=KEY_TYPES).exists()


def had_key_at_start(user: User | Any) -> bool:
    """`has_key`, as the backend read it with the person at the start of this request (one
    query fewer on every page); asked afresh for a user read some other way."""
    known: bool | None = getattr(user, "has_second_factor_key", None)
    return has_key(user) if known is None else known


def key_required_for(membership: Membership | None) -> bool:
    """DSLs, deputies and SLT always need a key; everyone does in a school that says so."""
    if membership is None:
        return False
    return membership.role in ROLES_REQUIRING_MFA or membership.school.mfa_required_for_all


def second_factor_passed_at(request: HttpRequest) -> float | None:
    """When this session last passed a second-factor check (sign-in or re-check), if ever.

    allauth records each step of signing in and of re-authenticating in the session; a
    second factor is recorded with method "mfa". A password alone never is.
    """
    records = get_authentication_records(request, request.user)
    times = [float(r["at"]) for r in records if r.get("method") == "mfa" and "at" in r]
    return max(times) if times else None


def enrolment_response(request: HttpRequest) -> HttpResponse:
    """Send someone without a required key to the enrolment page, whatever kind of request."""
    url = reverse("mfa_index")
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"second_factor_required": True, "url": url}, status=403)
    if getattr(request, "htmx", False):
        # A redirect would be followed inside the page's fragment; send the whole page.
        return HttpResponseClientRedirect(url)
    messages.warning(request, ENROL_MESSAGE)
    return redirect(url)


class SecondFactorRequiredMiddleware:
    """Until someone whose current role needs a key has one, every other page sends them to
    enrol (docs/security.md A6). Checked on every request, so a revoked key bites at once.

    Comes after SchoolMembershipMiddleware, which sets request.membership, and last of
    all, so its redirects still carry the no-store headers and the session timers run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: SafeguardRequest) -> HttpResponse:
        request.second_factor_required = False
        return self.get_response(request)

    def process_view(
        self,
        request: SafeguardRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        if not key_required_for(getattr(request, "membership", None)):
            return None
        if had_key_at_start(request.user):
            return None
        request.second_factor_required = True
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in EXEMPT_VIEW_NAMES or (match and (match.url_name or "").startswith("mfa_")):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return enrolment_response(request)


# TOTP codes are single-use ----------------------------------------------------------------


def matching_totp_step(secret: str, code: str) -> int | None:
    """The newest time step whose code is `code`, looking one step further back than allauth
    accepts, so a code accepted just before the step changed is still found."""
    period = mfa_settings.TOTP_PERIOD
    tolerance = mfa_settings.TOTP_TOLERANCE
    now_step = int(time.time()) // period
    for step in range(now_step + tolerance, now_step - tolerance - 2, -1):
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


def claim_totp_step(authenticator: Authenticator, code: str) -> bool:
    """Record that `code`'s time step is used; False if it, or a later one, already was.

    One conditional UPDATE, so two requests racing with the same code can't both win.
    """
    step = matching_totp_step(decrypt(authenticator.data["secret"]), code)
    if step is None:
        # Only allauth's development bypass code gets here; it has no step to claim.
        return True
    data = {**authenticator.data, LAST_STEP_KEY: step}
    unused = Q(**{f"data__{LAST_STEP_KEY}__isnull": True}) | Q(
        **{f"data__{LAST_STEP_KEY}__lt": step}
    )
    claimed = Authenticator.objects.filter(pk=authenticator.pk).filter(unused).update(data=data)
    if claimed:
        authenticator.data = data
    return bool(claimed)


class _SingleUseCodeMixin(allauth_forms.BaseAuthenticateForm):
    authenticator: Authenticator

    def clean_code(self) -> str:
        code = super().clean_code()
        if self.authenticator.type == Authenticator.Type.TOTP and not claim_totp_step(
            self.authenticator, code
        ):
            raise get_mfa_adapter().validation_error("incorrect_code")
        return code


class AuthenticateForm(_SingleUseCodeMixin, allauth_forms.AuthenticateForm):
    """The code step of signing in (settings.MFA_FORMS["authenticate"])."""


class ReauthenticateForm(_SingleUseCodeMixin, allauth_forms.ReauthenticateForm):
    """The code step of confirming it's you (settings.MFA_FORMS["reauthenticate"])."""


# Lost keys ---------------------------------------------------------------------------------

OWN_KEYS = (
    "To remove your own keys, use your Second factor page; another DSL or deputy can "
    "revoke them here if you have lost them."
)
NO_KEYS = "{name} has no second factor to revoke."


# What each kind of authenticator is called on Safeguard's pages.
KIND_LABELS = {
    Authenticator.Type.TOTP: "Authenticator app",
    Authenticator.Type.WEBAUTHN: "Security key or passkey",
    Authenticator.Type.RECOVERY_CODES: "Recovery codes",
}


def keys_of(user: User) -> list[Authenticator]:
    """Everything `user` can use as a second factor, keys first, recovery codes last."""
    authenticators = Authenticator.objects.filter(user_id=user.pk).order_by("created_at")
    order = list(KIND_LABELS)
    return sorted(authenticators, key=lambda a: order.index(a.type))


def describe(authenticator: Authenticator) -> str:
    """ "Authenticator app", or a security key's own name: "Security key (Blue YubiKey)"."""
    label = KIND_LABELS.get(authenticator.type, authenticator.type)
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        name = str(authenticator.data.get("name") or "").strip()
        return f"{label} ({name})" if name else label
    return label


FORMER_STAFF_KEYS = (
    "{name} no longer works at this school, so their keys aren't this school's to revoke."
)
SHARED_KEYS = (
    "{name} also works at another school, so their second factor belongs to their account, "
    "not to this school. Only the person themself can remove it, on their own Second factor "
    "page (a recovery code lets them sign in without the lost key)."
)


@transaction.atomic
def revoke_keys(*, membership: Membership, revoked_by: User) -> int:
    """Remove every key and recovery code of a member of staff and end their sessions.

    For a lost or misplaced key (school policy section 3; docs/security.md A13). If their role
    needs a key they must enrol a new one when they next sign in, by password and email
    as at first. They are told by email. Returns how many authenticators were removed.

    Keys and sessions belong to the person's account, so a school revokes them only for
    someone who works there alone; the event is audited in every
    school the person works at.
    """
    from safeguard.accounts.notices import Change, notify
    from safeguard.accounts.selectors import works_elsewhere
    from safeguard.accounts.services import record_account_change
    from safeguard.accounts.sessions import end_sessions_of

    user = membership.user
    name = membership.display_name or user.email
    if user.pk == revoked_by.pk:
        raise ValidationError(OWN_KEYS)
    if not membership.is_active:
        # Their keys now guard their work at other schools, not this one.
        raise ValidationError(FORMER_STAFF_KEYS.format(name=name))
    if works_elsewhere(membership):
        raise ValidationError(SHARED_KEYS.format(name=name))
    authenticators = keys_of(user)
    if not authenticators:
        raise ValidationError(NO_KEYS.format(name=name))
    types = sorted({a.type for a in authenticators})
    Authenticator.objects.filter(pk__in=[a.pk for a in authenticators]).delete()
    ended = end_sessions_of(user)
    record_account_change(
        actor=revoked_by,
        action=AuditAction.KEYS_REVOKED,
        user=user,
        detail={
            "membership": membership.pk,
            "types": types,
            "removed": len(authenticators),
            "sessions_ended": ended,
        },
    )
    transaction.on_commit(
        partial(
            notify,
            user=user,
            change=Change.KEYS_REVOKED,
            actor=revoked_by,
            at=timezone.now(),
        )
    )
    return len(authenticators)
