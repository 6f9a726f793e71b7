"""A person's own alerts, in one school or in all of theirs, and the leads' alert log."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, is_lead
from safeguard.incidents.models import (
    Action,
    Alert,
    Incident,
)
from safeguard.lib.keyset import Order

# A person's alerts, newest first (the index alert_recipient_newest).
ALERTS_NEWEST_FIRST = Order("created_at", "id")
# The header counts incidents with an unread alert up to here, then says "99+".
UNREAD_COUNT_LIMIT = 100


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


def _alerted_memberships(memberships: Iterable[Membership]) -> list[Membership]:
    return [m for m in memberships if m.is_active and Capability.RECORD_INCIDENT in m.capabilities]


def _seen_by(memberships: Iterable[Membership]) -> Q:
    """In each school, the rule of `alerts_for`: no alert sent as a lead where they aren't one."""
    seen = Q(pk__in=[])
    for membership in _alerted_memberships(memberships):
        in_school = Q(school_id=membership.school_id)
        seen |= in_school if is_lead(membership) else in_school & Q(is_lead_only=False)
    return seen


def alerts_in_every_school(memberships: Iterable[Membership]) -> QuerySet[Alert]:
    """The person's own alerts in every school where they hold an active role, newest first.

    `memberships` are one person's active memberships (`request.memberships`); in each
    school the rule of `alerts_for` applies: no alert sent as a lead where they aren't one.
    """
    memberships = _alerted_memberships(memberships)
    if not memberships:
        return Alert.objects.for_schools([]).none()
    return (
        Alert.objects.for_schools(m.school_id for m in memberships)
        .filter(_seen_by(memberships), recipient_id=memberships[0].user_id)
        .select_related("incident", "incident__reference", "created_by", "action", "school")
        .order_by("-created_at", "-id")
    )


def newest_alert_per_incident(memberships: Iterable[Membership]) -> QuerySet[Alert]:
    """The person's newest alert on each incident they were alerted to, in every school.

    Ordered by the caller (newest first: `ALERTS_NEWEST_FIRST`), it is read by walking the
    person's alerts in the index's order and skipping any with a newer one on the same
    incident, so a page costs the same however many alerts the person has had.
    """
    alerts = alerts_in_every_school(memberships)
    newer = alerts_in_every_school(memberships).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id")),
        incident=OuterRef("incident"),
    )
    return alerts.filter(~Exists(newer.order_by().values("pk")))


def alert_totals(memberships: Iterable[Membership], incident_ids: Iterable[int]) -> dict[int, Any]:
    """For each of these incidents: `total`, `unread` and `unacknowledged` alerts of the
    person's on it, by incident id."""
    rows = (
        alerts_in_every_school(memberships)
        .filter(incident_id__in=list(incident_ids))
        .order_by()
        .values("incident_id")
        .annotate(
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            unacknowledged=Count("id", filter=Q(acknowledged_at__isnull=True)),
        )
    )
    return {row["incident_id"]: row for row in rows}


def alerts_by_id(memberships: Iterable[Membership], ids: Iterable[int]) -> dict[int, Alert]:
    """The person's own alerts with these ids, in any of their schools, by id."""
    return alerts_in_every_school(memberships).in_bulk(list(ids))


def unread_incident_count(memberships: Iterable[Membership], *, limit: int | None = None) -> int:
    """How many incidents, in every school of the person, carry an alert they haven't read
    (counting no further than `limit`, if given)."""
    incidents = (
        alerts_in_every_school(memberships)
        .filter(read_at__isnull=True)
        .order_by()
        .values("incident_id")
        .distinct()
    )
    return (incidents[:limit] if limit is not None else incidents).count()


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
    return unread_incident_count(memberships, limit=UNREAD_COUNT_LIMIT)


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
