"""The signed-in person's alerts: the list, the emailed link, mark as read and acknowledge.

An alert belongs to its recipient alone. Anyone else asking for it, by id or
by the key in the emailed link, gets the same 404 as for an alert that
doesn't exist, so a forwarded link tells its reader nothing.

The buttons and the list's links name an alert by its random key, never by its id (ids are
shared by every school, so they would count other schools' alerts); the addresses by id
that pages shown before answer as they did. The list and the buttons work per incident: one row per incident,
and one "Mark as read" or "I have read and understood" covers every alert of the
person's on it up to the newest the page showed. The list shows the person's alerts
in every school where they hold an active role; opening one from another
school switches to it first, as the school menu does.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.switching import work_in_school
from safeguard.incidents.access import (
    get_alert_by_key_for,
    get_alert_for,
    get_own_alert_anywhere_for,
)
from safeguard.incidents.models import Alert
from safeguard.incidents.selectors import (
    ALERTS_NEWEST_FIRST,
    alert_totals,
    alerts_in_every_school,
    newest_alert_on,
    newest_alert_per_incident,
)
from safeguard.incidents.services import alerting
from safeguard.lib import keyset

PAGE_SIZE = 50


@dataclass(frozen=True)
class AlertRow:
    """One incident in the person's alert list: its newest alert and what is new."""

    alert: Alert
    total: int
    unread: int
    unacknowledged: int

    @property
    def incident_id(self) -> int:
        return self.alert.incident_id


def _alert_on_incident_url(alert: Alert) -> str:
    return reverse("incidents:incident-detail", args=[alert.incident_id]) + "#alert-bar"


def _named(key: uuid.UUID | None, alert_id: int | None) -> uuid.UUID | int:
    """The alert a button names: by its key, or by its id from a page shown before keys."""
    if key is not None:
        return key
    if alert_id is None:
        raise Http404
    return alert_id


def _work_in_school_of(request: SchoolRequest, alert: Alert) -> Membership:
    """Work in the alert's school (its recipient holds a role there: `access` made sure)."""
    working = work_in_school(request, alert.school_id)
    if working is None:
        raise Http404
    if working.switched:
        working.say(request, messages.INFO)
    return working.membership


@require_GET
@requires(Capability.RECORD_INCIDENT)
def alert_list(request: SchoolRequest) -> HttpResponse:
    """My alerts in every school I work in, one row per incident, newest first.

    Paged by the newest alert of the row at the page's edge (`?after=` or `?before=` its
    id, as the alert's buttons carry it), never by page number.
    """
    page = keyset.page_of(
        newest_alert_per_incident(request.memberships),
        ALERTS_NEWEST_FIRST,
        size=PAGE_SIZE,
        after=_edge(request, "after"),
        before=_edge(request, "before"),
    )
    totals = alert_totals(request.memberships, [alert.incident_id for alert in page.rows])
    rows = [
        AlertRow(
            alert=alert,
            total=totals[alert.incident_id]["total"],
            unread=totals[alert.incident_id]["unread"],
            unacknowledged=totals[alert.incident_id]["unacknowledged"],
        )
        for alert in page.rows
    ]
    schools = {m.school_id for m in request.memberships}
    pager = keyset.links(page, lambda alert: str(alert.key))
    page.rows = rows
    return render(
        request,
        "incidents/alert_list.html",
        {
            "page": page,
            "rows": rows,
            "pager": pager,
            "shows_school": len(schools) > 1,
        },
    )


def _edge(request: SchoolRequest, name: str) -> tuple[object, int] | None:
    """The (created_at, id) of the person's own alert named by `?after=` or `?before=`: its
    random key, never its number, which every school's alerts share."""
    try:
        key = uuid.UUID(request.GET.get(name, ""))
    except ValueError:
        return None
    found = (
        alerts_in_every_school(request.memberships)
        .filter(key=key)
        .values_list("created_at", "pk")
        .first()
    )
    return found


@require_GET
@requires(Capability.RECORD_INCIDENT)
def alert_incident(
    request: SchoolRequest, key: uuid.UUID | None = None, alert_id: int | None = None
) -> HttpResponse:
    """From the alert list: the alert's incident, in the alert's school. Marks nothing."""
    alert = get_own_alert_anywhere_for(request, _named(key, alert_id))
    _work_in_school_of(request, alert)
    return redirect(_alert_on_incident_url(alert))


@require_GET
@requires(Capability.RECORD_INCIDENT)
def alert_open(request: SchoolRequest, key: uuid.UUID) -> HttpResponse:
    """The emailed link: take the recipient to the incident, in the alert's school.

    Following it marks the person's alerts on the incident read (each audited), up to
    the newest there is now: the page they land on shows every one of them.
    """
    # An alert sent to someone as a lead opens nothing once they aren't one.
    alert = get_alert_by_key_for(request, key)
    membership = _work_in_school_of(request, alert)
    newest = newest_alert_on(membership, alert.incident)
    if newest is not None:
        alerting.mark_alerts_read(membership=membership, alert=newest)
    # The top of the incident: read it first; the acknowledge button follows it.
    return redirect("incidents:incident-detail", incident_id=alert.incident_id)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def alert_read(
    request: SchoolRequest, key: uuid.UUID | None = None, alert_id: int | None = None
) -> HttpResponse:
    """Mark read the person's alerts on the incident, up to this one (the newest shown)."""
    alert = get_alert_for(request, _named(key, alert_id))
    if alerting.mark_alerts_read(membership=request.membership, alert=alert):
        messages.success(request, "Marked as read.")
    return redirect(_alert_on_incident_url(alert))


@require_POST
@requires(Capability.RECORD_INCIDENT)
def alert_acknowledge(
    request: SchoolRequest, key: uuid.UUID | None = None, alert_id: int | None = None
) -> HttpResponse:
    """Acknowledge ("I have read and understood") the person's alerts on the incident, up
    to this one (the newest shown), which also marks them read."""
    alert = get_alert_for(request, _named(key, alert_id))
    if alerting.acknowledge_alerts(membership=request.membership, alert=alert):
        messages.success(request, "Acknowledged: you have read and understood this alert.")
    return redirect(_alert_on_incident_url(alert))
