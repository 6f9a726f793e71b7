"""Who may see which incidents: each visibility rule lives here and nowhere else.

DOMAIN.md: DSLs and deputies see every incident in their school. Everyone else
sees the incidents they recorded or were alerted to (on the incident or on an
action below it), and the actions on those. Governors see no incidents at all.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.incidents.models import Action, Alert, Category, Incident
from safeguard.incidents.records import ReviewStatus


def can_see_every_incident(membership: Membership) -> bool:
    return Capability.VIEW_ALL_INCIDENTS in membership.capabilities


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
        incident=OuterRef("pk"), recipient=membership.user
    )
    return incidents.filter(Q(author=membership.user) | Exists(alerted))


def actions_on(incident: Incident) -> QuerySet[Action]:
    return (
        Action.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("author", "assigned_to")
        .prefetch_related("attachments")
        .order_by("occurred_at", "id")
    )


def categories_offered_to(membership: Membership) -> QuerySet[Category]:
    """Categories a member may choose: restricted ones for DSLs only (policy step 4)."""
    categories = Category.objects.for_school(membership.school).filter(is_retired=False)
    if Capability.ALLOCATE_RESTRICTED_CATEGORIES not in membership.capabilities:
        categories = categories.filter(is_restricted=False)
    return categories.order_by("position", "name")


def alerts_for(membership: Membership) -> QuerySet[Alert]:
    """The member's own alerts in the current school, newest first."""
    return (
        Alert.objects.for_school(membership.school)
        .filter(recipient=membership.user)
        .select_related("incident", "incident__reference", "created_by", "action")
        .order_by("-created_at", "-id")
    )


def unread_alert_count(membership: Membership) -> int:
    return alerts_for(membership).filter(read_at__isnull=True).count()


def incidents_awaiting_review(membership: Membership) -> QuerySet[Incident]:
    """New incidents no DSL has reviewed yet, oldest first (DOMAIN.md: the DSL's dashboard)."""
    if not can_see_every_incident(membership):
        return Incident.objects.for_school(membership.school).none()
    return (
        incidents_visible_to(membership)
        .filter(review__status=ReviewStatus.NEW, review__is_withdrawn=False)
        .order_by("recorded_at", "id")
    )
