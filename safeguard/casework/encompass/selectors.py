"""Reading Operation Encompass notifications: for the school's key adults (its leads) only."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.casework.encompass.models import (
    EncompassAcknowledgement,
    EncompassChild,
    EncompassNotification,
)
from safeguard.lib import keyset

NEWEST_FIRST = keyset.Order("received_at", "id")


def notifications_for(membership: Membership) -> QuerySet[EncompassNotification]:
    """The school's notifications, each with `is_acknowledged`; none for anyone but a lead."""
    notifications = EncompassNotification.objects.for_school(membership.school_id)
    if Capability.HANDLE_ENCOMPASS not in membership.capabilities:
        return notifications.none()
    acknowledged = EncompassAcknowledgement.objects.for_school(membership.school_id).filter(
        notification=OuterRef("pk")
    )
    return notifications.annotate(is_acknowledged=Exists(acknowledged))


def unacknowledged_for(membership: Membership) -> QuerySet[EncompassNotification]:
    """Notifications no lead has acknowledged yet, oldest received first: the dashboard's top."""
    acknowledged = EncompassAcknowledgement.objects.for_school(membership.school_id).filter(
        notification=OuterRef("pk")
    )
    return (
        notifications_for(membership)
        .filter(~Exists(acknowledged))
        .order_by("received_at", "id")
        .prefetch_related(_children(membership))
    )


def with_details(
    notifications: QuerySet[EncompassNotification], membership: Membership
) -> QuerySet[EncompassNotification]:
    """The notifications with their children (and pupils), acknowledgements, and people."""
    acknowledgements = (
        EncompassAcknowledgement.objects.for_school(membership.school_id)
        .select_related("acknowledged_by")
        .order_by("acknowledged_at", "id")
    )
    return notifications.select_related("key_adult", "recorded_by").prefetch_related(
        _children(membership), Prefetch("acknowledgements", queryset=acknowledgements)
    )


def _children(membership: Membership) -> Prefetch[str, QuerySet[EncompassChild]]:
    children = (
        EncompassChild.objects.for_school(membership.school_id)
        .select_related("pupil")
        .order_by("id")
    )
    return Prefetch("children", queryset=children)


def notifications_about(pupil_id: int, membership: Membership) -> QuerySet[EncompassNotification]:
    """The notifications naming this pupil (for their chronology)."""
    named = EncompassChild.objects.for_school(membership.school_id).filter(pupil_id=pupil_id)
    return notifications_for(membership).filter(pk__in=named.values("notification_id"))
