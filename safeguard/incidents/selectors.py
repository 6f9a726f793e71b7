"""Who may see which incidents: each visibility rule lives here and nowhere else.

DOMAIN.md: DSLs and deputies (the leads) see every incident in their school,
and all of it. Everyone else sees the incidents they recorded or were alerted
to (on the incident or on an action below it), and of those only what a
non-lead may see:

- an alert sent to someone as a lead (`Alert.is_lead_only`: the automatic DSL
  alert, a mistake report, an incident with a restricted category, a
  leads-only action) opens nothing once they are no longer a lead;
- the categories as the author recorded them, without restricted ones, and no
  hint that a lead added one;
- the actions shared with the staff alerted (every non-lead's action, and a
  lead's only when they ticked "Share"), and only the files of those.

Governors see no incidents at all.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.incidents.models import Action, Alert, Attachment, Category, Incident, ReviewStatus


def is_lead(membership: Membership) -> bool:
    """A DSL or deputy in this school: sees every incident, restricted parts included."""
    return Capability.VIEW_ALL_INCIDENTS in membership.capabilities


def can_see_every_incident(membership: Membership) -> bool:
    return is_lead(membership)


def has_restricted_category(incident: Incident) -> bool:
    """Whether the incident, as its categories stand now, carries a restricted category.

    Then only leads are alerted about it or assigned tasks on it.
    """
    return incident.review.categories.filter(is_restricted=True).exists()


def categories_seen_by_non_leads(incident: Incident) -> list[Category]:
    """The categories as the author recorded them, without any restricted one."""
    return sorted(
        (category for category in incident.categories.all() if not category.is_restricted),
        key=lambda category: (category.position, category.name),
    )


def categories_shown_to(membership: Membership, incident: Incident) -> list[Category]:
    """Leads: the categories as they stand now. Others: as recorded, never a restricted one."""
    if is_lead(membership):
        return sorted(
            incident.review.categories.all(),
            key=lambda category: (category.position, category.name),
        )
    return categories_seen_by_non_leads(incident)


def incidents_visible_to(membership: Membership) -> QuerySet[Incident]:
    """Incidents in the member's current school that they may open."""
    incidents = Incident.objects.for_school(membership.school).select_related(
        "pupil", "author", "review", "review__pupil", "reference"
    )
    if can_see_every_incident(membership):
        return incidents
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return incidents.none()
    alerted = Alert.objects.for_school(membership.school).filter(
        incident=OuterRef("pk"), recipient=membership.user, is_lead_only=False
    )
    return incidents.filter(Q(author=membership.user) | Exists(alerted))


def my_incidents(membership: Membership) -> QuerySet[Incident]:
    """The member's own incidents: those they recorded and those they were alerted to.

    For staff this is every incident they may open; for a lead it leaves out the rest
    of the school. Each carries `is_mine` (recorded it) and `was_alerted` for the list.
    """
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return Incident.objects.for_school(membership.school).none()
    alerted = alerts_for(membership).filter(incident=OuterRef("pk"))
    return (
        incidents_visible_to(membership)
        .annotate(is_mine=Q(author=membership.user), was_alerted=Exists(alerted))
        .filter(Q(author=membership.user) | Exists(alerted))
    )


def actions_on(incident: Incident) -> QuerySet[Action]:
    return (
        Action.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("author", "assigned_to")
        .prefetch_related("attachments")
        .order_by("occurred_at", "id")
    )


def shared_with_non_leads(membership: Membership) -> Q:
    """The actions a member may read on an incident they see: all for leads, else shared ones."""
    return Q() if is_lead(membership) else Q(is_shared_with_alerted=True)


def actions_visible_to(membership: Membership, incident: Incident) -> QuerySet[Action]:
    return actions_on(incident).filter(shared_with_non_leads(membership))


def attachments_visible_to(membership: Membership, incident: Incident) -> QuerySet[Attachment]:
    """The incident's files and those of the actions the member may read."""
    files = (
        Attachment.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("uploaded_by", "action")
    )
    if is_lead(membership):
        return files
    return files.filter(Q(action__isnull=True) | Q(action__is_shared_with_alerted=True))


def categories_offered_to(membership: Membership) -> QuerySet[Category]:
    """Categories a member may choose: restricted ones for DSLs only (policy step 4)."""
    categories = Category.objects.for_school(membership.school).filter(is_retired=False)
    if Capability.ALLOCATE_RESTRICTED_CATEGORIES not in membership.capabilities:
        categories = categories.filter(is_restricted=False)
    return categories.order_by("position", "name")


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


def incidents_awaiting_review(membership: Membership) -> QuerySet[Incident]:
    """New incidents no DSL has reviewed yet, oldest first (DOMAIN.md: the DSL's dashboard)."""
    if not can_see_every_incident(membership):
        return Incident.objects.for_school(membership.school).none()
    return (
        incidents_visible_to(membership)
        .filter(review__status=ReviewStatus.NEW, review__is_withdrawn=False)
        .order_by("recorded_at", "id")
    )
