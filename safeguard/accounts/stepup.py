"""Step-up: a fresh second-factor check before the most sensitive actions.

Exporting, printing a whole chronology, reading the audit trail, changing someone's role
and revoking keys each need a second factor passed within the last
`settings.STEP_UP_SECONDS` (10 minutes by default). Signing in with a key counts; so does
allauth's "Confirm it's you" page for an authenticator app, recovery code or security
key. A password alone never does (ASVS 6.3.2: a sensitive action needs the second factor,
not just the first one again).

    @require_POST
    @requires(Capability.CHANGE_ROLES)
    @requires_recent_second_factor
    def staff_change_role(request, membership_id): ...

Put it below `@requires`, so someone without the capability is refused before being asked
for a code. A POST that needs the check is kept and carried out once the check is passed,
so nothing typed is lost.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from safeguard.accounts.mfa import has_key, second_factor_passed_at

STEP_UP_MESSAGE = "Confirm it's you with your second factor to continue."
NO_KEY_MESSAGE = "This needs a second factor. Set up an authenticator app or a security key first."


def step_up_seconds() -> int:
    return int(settings.STEP_UP_SECONDS)


def has_recent_second_factor(request: HttpRequest) -> bool:
    """Whether this session passed a second-factor check within the step-up window."""
    passed_at = second_factor_passed_at(request)
    return passed_at is not None and time.time() - passed_at < step_up_seconds()


def confirm_url_for(request: HttpRequest) -> str:
    """allauth's "Confirm it's you" page for the kind of key this person has."""
    codes = Authenticator.objects.filter(
        user_id=request.user.pk,
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
    ).exists()
    return reverse("mfa_reauthenticate" if codes else "mfa_reauthenticate_webauthn")


def requires_recent_second_factor(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Decorate a view: its user must have passed a second factor within STEP_UP_SECONDS."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if has_recent_second_factor(request):
            return view(request, *args, **kwargs)
        if not has_key(request.user):
            target = reverse("mfa_index")
            message = NO_KEY_MESSAGE
        else:
            target = confirm_url_for(request)
            message = STEP_UP_MESSAGE
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"second_factor_required": True, "url": target}, status=403)
        if getattr(request, "htmx", False):
            # A fragment can't be replayed after the check: send the whole page there and back.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "")
            back = back or request.get_full_path()
            return HttpResponseClientRedirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: back})}")
        messages.info(request, message)
        if target == reverse("mfa_index"):
            return redirect(target)
        # Keeps a POST in the session; allauth replays it once the check is passed.
        return suspend_request(request, target)

    wrapper.__dict__["requires_recent_second_factor"] = True
    return wrapper
