"""Pages that belong to no single app: the dashboard and the error pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.clocks.due import casework_due_items
from safeguard.casework.encompass.selectors import unacknowledged_for
from safeguard.incidents.selectors import (
    AWAITING_REVIEW_COUNT_LIMIT,
    OPEN_TASK_COUNT_LIMIT,
    drafts_shown_to,
    incidents_awaiting_review,
    open_assignments_for,
)
from safeguard.lib import clock
from safeguard.lib.keyset import bounded_count

ENCOMPASS_SHOWN = 10


@require_GET
@requires(Capability.USE_APP)
def dashboard(request: SchoolRequest) -> HttpResponse:
    membership = request.membership
    awaiting = incidents_awaiting_review(membership)
    # Counted no further than the limit: a backlog that long is news enough ("100+").
    waiting = bounded_count(awaiting, AWAITING_REVIEW_COUNT_LIMIT + 1)
    context: dict[str, Any] = {
        "awaiting_review": awaiting[:10],
        "awaiting_review_count": _up_to(waiting, AWAITING_REVIEW_COUNT_LIMIT),
        "open_assignment_count": _up_to(
            bounded_count(open_assignments_for(membership), OPEN_TASK_COUNT_LIMIT + 1),
            OPEN_TASK_COUNT_LIMIT,
        ),
        "drafts": drafts_shown_to(membership),
        # Leads only (anyone else gets none): referrals awaiting a response, conferences and
        # the school's reports due, next meetings.
        "due_items": casework_due_items(membership, clock.localdate()),
    }
    if Capability.HANDLE_ENCOMPASS in membership.capabilities:
        # The police's notifications no key adult has acknowledged: first on the page.
        unacknowledged = unacknowledged_for(membership)
        context["encompass"] = unacknowledged[:ENCOMPASS_SHOWN]
        context["encompass_count"] = _up_to(
            bounded_count(unacknowledged, ENCOMPASS_SHOWN + 1), ENCOMPASS_SHOWN
        )
    return render(request, "dashboard.html", context)


def _up_to(count: int, limit: int) -> int | str:
    """A count read no further than one past `limit`: the number, or "100+" beyond it."""
    return f"{limit}+" if count > limit else count


@require_GET
@requires(Capability.USE_APP)
def ping(request: SchoolRequest) -> HttpResponse:
    """The smallest signed-in page: the session, the sign-in checks and the middleware every
    page passes through, and nothing else. The benchmark's "floor" (docs/performance.md):
    each page's time is read against it. It counts as activity, like any page."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may lie in it. No details, ever.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
