"""Fetch an incident, action, file or alert for the person asking, or 404.

"Not found" and "not yours" look identical (DOMAIN.md), so nobody can learn
whether an incident exists by guessing ids.
"""

from django.http import Http404, HttpRequest

from safeguard.incidents.models import Action, Alert, Attachment, Incident
from safeguard.incidents.selectors import incidents_visible_to


def _membership(request: HttpRequest):
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def get_incident_for(request: HttpRequest, incident_id: int) -> Incident:
    try:
        return incidents_visible_to(_membership(request)).get(pk=incident_id)
    except Incident.DoesNotExist:
        raise Http404 from None


def get_action_for(request: HttpRequest, incident: Incident, action_id: int) -> Action:
    try:
        return (
            Action.objects.for_school(incident.school_id)
            .select_related("author", "assigned_to")
            .get(pk=action_id, incident=incident)
        )
    except Action.DoesNotExist:
        raise Http404 from None


def get_attachment_for(request: HttpRequest, incident: Incident, attachment_id: int) -> Attachment:
    try:
        return Attachment.objects.for_school(incident.school_id).get(
            pk=attachment_id, incident=incident
        )
    except Attachment.DoesNotExist:
        raise Http404 from None


def get_alert_for(request: HttpRequest, alert_id: int) -> Alert:
    """Only the recipient opens their own alert."""
    membership = _membership(request)
    try:
        return (
            Alert.objects.for_school(membership.school)
            .select_related("incident", "created_by")
            .get(pk=alert_id, recipient=membership.user)
        )
    except Alert.DoesNotExist:
        raise Http404 from None
