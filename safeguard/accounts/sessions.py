"""How long a signed-in session lasts, and ending sessions early (docs/security.md S1-S3, ASVS 7.3).

Two limits, both checked on the server on every request:

- **Idle**: the current school's `idle_timeout_minutes` (default 20) since the last request
  that counts as activity. Polling how long is left does not count; typing does (the draft
  autosave and the page's keep-alive are requests). session.js warns a couple of minutes
  before the limit.
- **Absolute**: `settings.SESSION_ABSOLUTE_SECONDS` (default 10 hours) since signing in,
  however busy the person has been.

Past either limit the person is signed out and sent to the sign-in page with a message
saying why; once they sign in again they return to the page they were on.

Reading a page writes nothing: the activity stamp is rewritten by a read (GET, HEAD) only
once it is `ACTIVITY_STAMP_SECONDS` old, and allauth's "last seen" time of the session just
as often (`UserSessionsMiddleware` below). So the idle limit counts from the last save or
"Stay signed in", or from a page read at most a minute before the last one; the page's
warning reads the same stamp, so it still comes two minutes before the server acts.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from allauth.account.signals import authentication_step_completed
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.internal.usersessionkit import track_activity
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from safeguard.accounts.models import School, User
from safeguard.accounts.permissions import Capability, View, requires
from safeguard.accounts.requests import SafeguardRequest
from safeguard.accounts.signals import session_expired
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

SESSION_SIGNED_IN_AT_KEY = "safeguard_signed_in_at"
SESSION_LAST_ACTIVITY_KEY = "safeguard_last_activity"
SESSION_LAST_SEEN_KEY = "safeguard_last_seen"
# How stale a stamp a read may leave before it is rewritten (a session write each time).
ACTIVITY_STAMP_SECONDS = 60
READS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_IDLE_MINUTES: int = School._meta.get_field("idle_timeout_minutes").default

IDLE_MESSAGE = "You were signed out after {minutes} minutes without activity."
DRAFT_KEPT_MESSAGE = (
    " The incident you were sending was not recorded yet: it is kept as a draft. "
    "Sign in and choose it under “Carry on writing” to submit it."
)
AUTOSAVE_MESSAGE = " Anything you were writing on the Add Incident form was saved as a draft."
ABSOLUTE_MESSAGE = (
    "You were signed out because you had been signed in for {hours} hours. Please sign in again."
)
# Sign-out clears what the browser holds for this site (ASVS 14.3.1).
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def now() -> int:
    return int(time.time())


def idle_limit_seconds(request: HttpRequest) -> int:
    """The current school's idle timeout; someone in several schools gets the one they're in."""
    school = getattr(request, "school", None)
    minutes = school.idle_timeout_minutes if school is not None else DEFAULT_IDLE_MINUTES
    return int(minutes) * 60


def absolute_limit_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_SECONDS)


def warning_seconds() -> int:
    return int(settings.SESSION_IDLE_WARNING_SECONDS)


def seconds_remaining(request: HttpRequest) -> tuple[int, str]:
    """Seconds until this session ends, and which limit ends it ("idle" or "absolute")."""
    session = request.session
    at = now()
    idle = idle_limit_seconds(request) - (at - session.get(SESSION_LAST_ACTIVITY_KEY, at))
    absolute = absolute_limit_seconds() - (at - session.get(SESSION_SIGNED_IN_AT_KEY, at))
    if absolute < idle:
        return max(0, absolute), "absolute"
    return max(0, idle), "idle"


def _status(request: HttpRequest) -> dict[str, object]:
    seconds, limit = seconds_remaining(request)
    return {"signed_in": True, "seconds_remaining": seconds, "limit": limit}


def not_activity(view: View) -> View:
    """Mark a view whose requests must not keep the session alive (status polling)."""
    view.__dict__["counts_as_activity"] = False
    return view


@receiver(user_logged_in, dispatch_uid="safeguard-session-signed-in-at")
def stamp_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Start both clocks when someone signs in (after Django has given the session a new key)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SIGNED_IN_AT_KEY] = now()
        request.session[SESSION_LAST_ACTIVITY_KEY] = now()


@receiver(authentication_step_completed, dispatch_uid="safeguard-session-new-key-per-step")
def new_key_per_step(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """A new session id after each step: password, second factor, re-authentication (ASVS
    7.2.4). Django's login() gives another when the last step signs the person in, so an id
    planted or seen before a step is worthless after it."""
    if hasattr(request, "session"):
        request.session.cycle_key()


class SessionTimeoutMiddleware:
    """Signs out idle and over-age sessions; records activity.

    Comes after SchoolMembershipMiddleware, which sets request.school (whose timeout
    applies), and before allauth's UserSessionsMiddleware, so a session ended here is
    not recorded as seen.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: SafeguardRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._end_if_expired(request)
            # Already on the way to sign in (the page's script): show that page, with the reason.
            if ended is not None and request.path != reverse(settings.LOGIN_URL):
                return ended
        response = self.get_response(request)
        if _is_sign_out(request, response):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        if request.user.is_authenticated and getattr(view_func, "counts_as_activity", True):
            stamp(request, SESSION_LAST_ACTIVITY_KEY)

    def _end_if_expired(self, request: SafeguardRequest) -> HttpResponse | None:
        session = request.session
        at = now()
        # Sessions from before these limits existed start their clocks now.
        signed_in_at = session.setdefault(SESSION_SIGNED_IN_AT_KEY, at)
        last_activity = session.setdefault(SESSION_LAST_ACTIVITY_KEY, at)
        if at - signed_in_at >= absolute_limit_seconds():
            hours = round(absolute_limit_seconds() / 3600)
            message = ABSOLUTE_MESSAGE.format(hours=hours)
        elif at - last_activity >= idle_limit_seconds(request):
            message = IDLE_MESSAGE.format(minutes=idle_limit_seconds(request) // 60)
        else:
            return None
        # An incident posted just as the session ended is kept, not lost (no-JS submit):
        # the incidents app answers this signal (IncidentsConfig.ready).
        replies = session_expired.send(sender=SessionTimeoutMiddleware, request=request)
        # django-stubs types a receiver's reply as a string; ours answer True, False or None.
        if any(kept is True for _, kept in cast("list[tuple[object, object]]", replies)):
            message += DRAFT_KEPT_MESSAGE
        elif message != ABSOLUTE_MESSAGE.format(hours=round(absolute_limit_seconds() / 3600)):
            message += AUTOSAVE_MESSAGE
        logout(request)
        messages.warning(request, message)
        return _signed_out_response(request)


def stamp(request: HttpRequest, key: str, *, on_every_write: bool = True) -> bool:
    """Set the session's `key` to now, unless it is under a minute old and this is a read
    (or any request, with `on_every_write=False`): then the session is left unchanged, and
    not saved. True if it was set."""
    session = request.session
    at = now()
    throttled = request.method in READS or not on_every_write
    if throttled and at - session.get(key, 0) < ACTIVITY_STAMP_SECONDS:
        return False
    session[key] = at
    return True


class UserSessionsMiddleware:
    """allauth's record of the session for "Your sessions" (address, browser, last seen),
    updated at most once a minute instead of on every request.

    In MIDDLEWARE where allauth's own middleware would be: after SessionTimeoutMiddleware,
    so a session ended there is not recorded as seen.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key
            and request.user.is_authenticated
            and stamp(request, SESSION_LAST_SEEN_KEY, on_every_write=False)
        ):
            track_activity(request, user=request.user, session=session)
        return self.get_response(request)


def _signed_out_response(request: HttpRequest) -> HttpResponse:
    """Where an ended session goes: the sign-in page, then back to where the person was."""
    sign_in = reverse(settings.LOGIN_URL)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"signed_in": False, "sign_in_url": sign_in}, status=401)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(sign_in)
    if request.method == "GET":
        return redirect_to_login(request.get_full_path(), sign_in)
    return redirect_to_login(request.path, sign_in)


def _is_sign_out(request: HttpRequest, response: HttpResponse) -> bool:
    """The sign-out POST that worked: the person is no longer signed in."""
    match = request.resolver_match
    return (
        request.method == "POST"
        and match is not None
        and match.url_name == "account_logout"
        and not request.user.is_authenticated
        and response.status_code in (200, 302, 303)
    )


def session_timing(request: HttpRequest) -> dict[str, object]:
    """Template context for session.js: how long is left and when to warn."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {
        "session_timing": {
            "remaining": seconds_remaining(request)[0],
            "warning": warning_seconds(),
        }
    }


@require_GET
@not_activity
@requires(Capability.USE_APP)
def session_status(request: HttpRequest) -> HttpResponse:
    """How many seconds are left, for the warning; asking does not reset the clock."""
    return JsonResponse(_status(request))


@require_POST
@requires(Capability.USE_APP)
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the request itself is the activity that resets the idle clock."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(_status(request))
    messages.success(request, "You're still signed in.")
    return redirect_back(request)


def redirect_back(request: HttpRequest) -> HttpResponse:
    """Back to the page the button was on, if it is one of ours; else the dashboard."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("dashboard")


def end_sessions_of(user: User) -> int:
    """End every open session of `user` at once (deactivation); returns how many ended."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Ending one's other sessions from the "Your sessions" page goes into the audit trail."""

    def end_sessions(self, sessions: Iterable[UserSession]) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        for user in {session.user for session in sessions}:
            record(
                actor=user,
                action=AuditAction.SIGNED_OUT,
                target=user,
                detail={
                    "sessions_ended": sum(1 for s in sessions if s.user_id == user.pk),
                    "by": "user",
                },
            )
