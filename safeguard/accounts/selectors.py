"""Reads about a school's staff and groups."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

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
# Invited and not signed in since (Membership.has_signed_in): someone who already had an
# account from another school shows as invited here too, like anyone new.
_NOT_SIGNED_IN_HERE = (
    Q(invited_at__isnull=True) & _NEVER_SET_PASSWORD & Q(user__last_login__isnull=True)
) | (
    Q(invited_at__isnull=False)
    & (Q(user__last_login__isnull=True) | Q(user__last_login__lt=F("invited_at")))
)
_STATUS_FILTERS = {
    STATUS_ACTIVE: Q(is_active=True) & ~_NOT_SIGNED_IN_HERE,
    STATUS_INVITED: Q(is_active=True) & _NOT_SIGNED_IN_HERE,
    STATUS_DEACTIVATED: Q(is_active=False),
}


def staff_of(school: School, *, role: str = "", status: str = "") -> QuerySet[Membership]:
    """The school's staff list, by surname (as the school knows it), optionally narrowed by
    role and status."""
    queryset = (
        Membership.objects.for_school(school)
        .select_related("user")
        .annotate(
            shown_last_name=Coalesce(NullIf("last_name", Value("")), "user__last_name"),
            shown_first_name=Coalesce(NullIf("first_name", Value("")), "user__first_name"),
        )
        .order_by("shown_last_name", "shown_first_name", "user__email")
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
    return (
        group.members.select_related("user")
        .annotate(
            shown_last_name=Coalesce(NullIf("last_name", Value("")), "user__last_name"),
            shown_first_name=Coalesce(NullIf("first_name", Value("")), "user__first_name"),
        )
        .order_by("-is_active", "shown_last_name", "shown_first_name")
    )


def works_elsewhere(membership: Membership) -> bool:
    """Whether the person also holds an active role in another school.

    Their account (name, keys, sessions) is then not one school's to change: a school
    changes only its own membership of them.
    """
    return (
        Membership.objects.active_for_user(membership.user)
        .exclude(school_id=membership.school_id)
        .exists()
    )


def staff_matching(staff: QuerySet[Membership], term: str, *, limit: int = 10) -> list[Membership]:
    """The type-ahead's matches among `staff`: each word typed in a name or job title.

    Fewer than two letters match nobody, so the list never shows the whole staff.
    """
    term = term.replace("\x00", "")  # PostgreSQL refuses a null character in a query
    if len(term.strip()) < 2:
        return []
    for word in term.split()[:4]:
        staff = staff.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(job_title__icontains=word)
        )
    return list(staff[:limit])
