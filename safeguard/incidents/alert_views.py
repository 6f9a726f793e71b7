"""The signed-in person's alerts: the list, the emailed link, mark as read and acknowledge.

An alert belongs to its recipient alone. Anyone else asking for it, by id or
by the key in the emailed link, gets the same 404 as for an alert that
doesn't exist, so a forwarded link tells its reader nothing.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.middleware import SESSION_SCHOOL_KEY
from safeguard.accounts.permissions import Capability, requires
from safeguard.incidents import alerting
from safeguard.incidents.access import get_alert_for
from safeguard.incidents.models import Alert
from safeguard.incidents.selectors import alerts_for


def _alert_on_incident_url(alert: Alert) -> str:
    return reverse("incidents:incident-detail", args=[alert.incident_id]) + "#alert-bar"


@require_GET
@requires(Capability.RECORD_INCIDENT)
def alert_list(request: HttpRequest) -> HttpResponse:
    """My alerts in this school, newest first."""
    alerts = alerts_for(request.membership).select_related(
        "incident__review", "incident__reference"
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(request, "incidents/alert_list.html", {"page": page})


@require_GET
@requires(Capability.RECORD_INCIDENT)
def alert_open(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """The emailed link: take the recipient to the incident, in the alert's school."""
    memberships = {membership.school_id: membership for membership in request.memberships}
    alert = (
        Alert.objects.for_schools(memberships)
        .filter(key=key, recipient=request.user)
        .select_related("school")
        .first()
    )
    # An alert sent to someone as a lead opens nothing once they aren't one.
    if alert is None or not alerts_for(memberships[alert.school_id]).filter(pk=alert.pk).exists():
        raise Http404
    if alert.school_id != request.school.pk:
        request.session[SESSION_SCHOOL_KEY] = alert.school_id
        request.session.cycle_key()
        messages.info(request, f"You are now working in {alert.school.name}.")
    # The top of the incident: read it first; the read and acknowledge buttons follow it.
    return redirect("incidents:incident-detail", incident_id=alert.incident_id)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_alert_for(request, alert_id)
    if alerting.mark_alert_read(membership=request.membership, alert=alert):
        messages.success(request, "Marked as read.")
    return redirect(_alert_on_incident_url(alert))


@require_POST
@requires(Capability.RECORD_INCIDENT)
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge ("I have read and understood"), which also marks the alert read."""
    alert = get_alert_for(request, alert_id)
    if alerting.acknowledge_alert(membership=request.membership, alert=alert):
        messages.success(request, "Acknowledged: you have read and understood this alert.")
    return redirect(_alert_on_incident_url(alert))
