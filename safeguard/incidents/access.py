"""Fetch an incident, action, file or alert for the person asking, or 404.

"Not found" and "not yours" look identical (DOMAIN.md), so nobody can learn
whether an incident exists by guessing ids.
"""

from django.http import Http404

from safeguard.accounts.models import Membership
from safeguard.accounts.requests import SchoolRequest
from safeguard.incidents.models import Action, Alert, Attachment, Category, Draft, Incident
from safeguard.incidents.selectors import (
    actions_visible_to,
    alerts_for,
    alerts_in_every_school,
    attachments_visible_to,
    incidents_visible_to,
)


def _membership(request: SchoolRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def get_incident_for(request: SchoolRequest, incident_id: int) -> Incident:
    try:
        return incidents_visible_to(_membership(request)).get(pk=incident_id)
    except Incident.DoesNotExist:
        raise Http404 from None


def get_action_for(request: SchoolRequest, incident: Incident, action_id: int) -> Action:
    try:
        return actions_visible_to(_membership(request), incident).get(pk=action_id)
    except Action.DoesNotExist:
        raise Http404 from None


def get_attachment_for(
    request: SchoolRequest, incident: Incident, attachment_id: int
) -> Attachment:
    """A file of the incident, or of an action on it the person may read."""
    try:
        return attachments_visible_to(_membership(request), incident).get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None


def get_alert_for(request: SchoolRequest, alert_id: int) -> Alert:
    """Only the recipient opens their own alert."""
    try:
        return alerts_for(_membership(request)).get(pk=alert_id)
    except Alert.DoesNotExist:
        raise Http404 from None


def get_own_alert_anywhere_for(request: SchoolRequest, **lookup: object) -> Alert:
    """The person's own alert in any school where they may still see it (the alert list and
    emailed links span every school of theirs), or 404."""
    alert = alerts_in_every_school(request.memberships).filter(**lookup).first()
    if alert is None:
        raise Http404
    return alert


def get_category_for(request: SchoolRequest, category_id: int) -> Category:
    """A category of the current school; another school's looks exactly like a missing one."""
    try:
        return Category.objects.for_school(_membership(request).school).get(pk=category_id)
    except Category.DoesNotExist:
        raise Http404 from None


def get_draft_for(request: SchoolRequest, draft_id: int) -> Draft:
    """The author's own draft in the current school; anyone else's is "not found"."""
    membership = _membership(request)
    try:
        return Draft.objects.for_school(membership.school).get(pk=draft_id, author=membership.user)
    except Draft.DoesNotExist:
        raise Http404 from None
