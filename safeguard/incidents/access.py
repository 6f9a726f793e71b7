"""Fetch an incident, action, file or alert for the person asking, or 404.

"Not found" and "not yours" look identical, so nobody can learn
whether an incident exists by guessing ids.
"""

import uuid

from django.http import Http404, HttpRequest

from safeguard.accounts.models import Membership
from safeguard.incidents.models import Action, Alert, Attachment, Category, Draft, Incident
from safeguard.incidents.selectors import (
    actions_visible_to,
    alerts_for,
    alerts_in_every_school,
    attachments_visible_to,
    incidents_visible_to,
)


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
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
        return actions_visible_to(_membership(request), incident).get(pk=action_id)
    except Action.DoesNotExist:
        raise Http404 from None


def get_attachment_for(request: HttpRequest, incident: Incident, attachment_id: int) -> Attachment:
    """A file of the incident, or of an action on it the person may read."""
    try:
        return attachments_visible_to(_membership(request), incident).get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None


def _alert_lookup(alert: int | uuid.UUID) -> dict[str, object]:
    """An alert is named by its key, or by its id on pages shown before keys were used."""
    return {"key": alert} if isinstance(alert, uuid.UUID) else {"pk": alert}


def get_alert_for(request: HttpRequest, alert: int | uuid.UUID) -> Alert:
    """Only the recipient opens their own alert, in the school they are working in."""
    try:
        return alerts_for(_membership(request)).get(**_alert_lookup(alert))
    except Alert.DoesNotExist:
        raise Http404 from None


def _own_alert_anywhere(request: HttpRequest, **lookup: object) -> Alert:
    memberships = getattr(request, "memberships", [])
    alert = alerts_in_every_school(memberships).filter(**lookup).first()
    if alert is None:
        raise Http404
    return alert


def get_own_alert_anywhere_for(request: HttpRequest, alert: int | uuid.UUID) -> Alert:
    """The person's own alert in any school where they may still see it (the alert list
    spans every school of theirs), or 404."""
    return _own_alert_anywhere(request, **_alert_lookup(alert))


def get_alert_by_key_for(request: HttpRequest, key: uuid.UUID) -> Alert:
    """The alert an emailed link names by its key: the person's own, in any school where they
    may still see it, or 404. Someone else's key looks exactly like a made-up one."""
    return _own_alert_anywhere(request, key=key)


def get_category_for(request: HttpRequest, category_id: int) -> Category:
    """A category of the current school; another school's looks exactly like a missing one."""
    try:
        return Category.objects.for_school(_membership(request).school).get(pk=category_id)
    except Category.DoesNotExist:
        raise Http404 from None


def get_draft_for(request: HttpRequest, draft_id: int) -> Draft:
    """The author's own draft in the current school; anyone else's is "not found"."""
    membership = _membership(request)
    try:
        return Draft.objects.for_school(membership.school).get(pk=draft_id, author=membership.user)
    except Draft.DoesNotExist:
        raise Http404 from None
