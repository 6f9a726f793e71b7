"""A person's own alerts, in one school or in all of theirs, and the leads' alert log."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, is_lead
from safeguard.incidents.models import (
    Action,
    Alert,
    Incident,
)


def alerts_for(membership: Membership) -> QuerySet[Alert]:
    """The member's own alerts in the current school, newest first.

    Someone who is not a lead (any more) doesn't see those sent to them as a lead.
    """
    alerts = Alert.objects.for_school(membership.school).filter(recipient=membership.user)
    if not is_lead(membership):
        alerts = alerts.filter(is_lead_only=False)
    return alerts.select_related(
        "incident", "incident__reference", "created_by", "action"
    ).order_by("-created_at", "-id")


def alerts_in_every_school(memberships: Iterable[Membership]) -> QuerySet[Alert]:
    """The person's own alerts in every school where they hold an active role, newest first.

    `memberships` are one person's active memberships (`request.memberships`); in each
    school the rule of `alerts_for` applies: no alert sent as a lead where they aren't one.
    """
    memberships = [
        m for m in memberships if m.is_active and Capability.RECORD_INCIDENT in m.capabilities
    ]
    if not memberships:
        return Alert.objects.for_schools([]).none()
    seen = Q()
    for membership in memberships:
        in_school = Q(school_id=membership.school_id)
        seen |= in_school if is_lead(membership) else in_school & Q(is_lead_only=False)
    return (
        Alert.objects.for_schools(m.school_id for m in memberships)
        .filter(seen, recipient_id=memberships[0].user_id)
        .select_related("incident", "incident__reference", "created_by", "action", "school")
        .order_by("-created_at", "-id")
    )


def alerts_by_incident(memberships: Iterable[Membership]) -> QuerySet[Any]:
    """One row per incident the person was alerted to, in every school, newest first.

    Each row: `incident_id`, `newest_id` (the newest alert), `total`, `unread` and
    `unacknowledged` counts.
    """
    return (
        alerts_in_every_school(memberships)
        .order_by()
        .values("incident_id")
        .annotate(
            newest_id=Max("id"),
            newest_at=Max("created_at"),
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            unacknowledged=Count("id", filter=Q(acknowledged_at__isnull=True)),
        )
        .order_by("-newest_at", "-newest_id")
    )


def alerts_by_id(memberships: Iterable[Membership], ids: Iterable[int]) -> dict[int, Alert]:
    """The person's own alerts with these ids, in any of their schools, by id."""
    return alerts_in_every_school(memberships).in_bulk(list(ids))


def unread_incident_count(memberships: Iterable[Membership]) -> int:
    """How many incidents, in every school of the person, carry an alert they haven't read."""
    return (
        alerts_in_every_school(memberships)
        .filter(read_at__isnull=True)
        .order_by()
        .values("incident_id")
        .distinct()
        .count()
    )


def unread_alert_count(membership: Membership) -> int:
    """Incidents in the member's current school with an alert they haven't read."""
    return unread_incident_count([membership])


def unread_alerts_shown_to(
    membership: Membership | None, memberships: Iterable[Membership]
) -> int | None:
    """The header's count of incidents with an unread alert, in every school of the person;
    None for people who get no alerts (governors, the operator)."""
    if membership is None or Capability.RECORD_INCIDENT not in membership.capabilities:
        return None
    return unread_incident_count(memberships)


def alerted_about(record: Incident | Action) -> int:
    """How many people were alerted when the action, or the incident itself, was submitted."""
    alerts = Alert.objects.for_school(record.school_id)
    if isinstance(record, Action):
        return alerts.filter(action=record).count()
    return alerts.filter(incident=record, action__isnull=True).count()


def my_alerts_on(membership: Membership, incident: Incident) -> QuerySet[Alert]:
    """The member's own alerts on this incident (and on its actions), oldest first."""
    return alerts_for(membership).filter(incident=incident).order_by("created_at", "id")


def newest_alert_on(membership: Membership, incident: Incident) -> Alert | None:
    return my_alerts_on(membership, incident).last()


def alert_log_shown_to(membership: Membership, incident: Incident) -> list[Alert] | None:
    """Everyone alerted to this incident or an action on it, for the leads' alert log;
    None for anyone else (they see no log at all)."""
    if not is_lead(membership):
        return None
    alerts = Alert.objects.for_school(incident.school_id).filter(incident=incident)
    return list(
        alerts.select_related("recipient", "created_by", "action").order_by("created_at", "id")
    )
