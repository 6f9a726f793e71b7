"""The colleagues a member may alert or assign, and the school's leads (by the rules in
`accounts/permissions.py`)."""

from django.db.models import QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, roles_with


def _staff(school_id: int, *capabilities: Capability) -> QuerySet[Membership]:
    """The school's active staff whose role grants `capabilities`, by name."""
    return (
        Membership.objects.for_school(school_id)
        .filter(is_active=True, user__is_active=True, role__in=roles_with(*capabilities))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def alertable_staff(membership: Membership, *, leads_only: bool = False) -> QuerySet[Membership]:
    """The colleagues the member may alert by name (`permissions.may_be_alerted`)."""
    needed = (Capability.RECEIVE_ALERTS, *([Capability.SEE_RESTRICTED] if leads_only else []))
    return _staff(membership.school_id, *needed).exclude(user=membership.user)


def assignable_staff(school_id: int, *, leads_only: bool = False) -> QuerySet[Membership]:
    """Who an action may be assigned to (`permissions.may_be_assigned`)."""
    needed = (Capability.BE_ASSIGNED, *([Capability.SEE_RESTRICTED] if leads_only else []))
    return _staff(school_id, *needed)


def leads_of(school_id: int) -> QuerySet[Membership]:
    """The school's active DSLs and deputies (`permissions.is_lead`)."""
    return _staff(school_id, Capability.SEE_RESTRICTED)
