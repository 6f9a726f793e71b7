"""Reads about a school's staff and groups."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q, QuerySet

from safeguard.accounts.models import Membership, School, StaffGroup

STATUS_ACTIVE = "active"
STATUS_INVITED = "invited"
STATUS_DEACTIVATED = "deactivated"
STATUS_CHOICES = [
    (STATUS_ACTIVE, "Active"),
    (STATUS_INVITED, "Invited, not yet signed in"),
    (STATUS_DEACTIVATED, "Deactivated"),
]

# Someone who has never set a password still holds Django's unusable-password marker.
_NEVER_SET_PASSWORD = Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
_STATUS_FILTERS = {
    STATUS_ACTIVE: Q(is_active=True) & ~_NEVER_SET_PASSWORD,
    STATUS_INVITED: Q(is_active=True) & _NEVER_SET_PASSWORD,
    STATUS_DEACTIVATED: Q(is_active=False),
}


def staff_of(school: School, *, role: str = "", status: str = "") -> QuerySet[Membership]:
    """The school's staff list, by surname, optionally narrowed by role and status."""
    queryset = (
        Membership.objects.for_school(school)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    if role:
        queryset = queryset.filter(role=role)
    if status in _STATUS_FILTERS:
        queryset = queryset.filter(_STATUS_FILTERS[status])
    return queryset


def staff_status(membership: Membership) -> str:
    if not membership.is_active:
        return STATUS_DEACTIVATED
    return STATUS_ACTIVE if membership.has_signed_in else STATUS_INVITED


def active_staff_of(school: School) -> QuerySet[Membership]:
    """Who can be put in a group: the school's active staff."""
    return staff_of(school).filter(is_active=True)


def groups_of(school: School) -> QuerySet[StaffGroup]:
    """The school's groups, SLT first, each with how many active people it alerts."""
    return (
        StaffGroup.objects.for_school(school)
        .annotate(active_member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("-is_slt", "name")
    )


def members_of(group: StaffGroup) -> QuerySet[Membership]:
    """Everyone in the group, deactivated people included (shown as such)."""
    return group.members.select_related("user").order_by(
        "-is_active", "user__last_name", "user__first_name"
    )
