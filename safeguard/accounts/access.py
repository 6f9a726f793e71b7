"""Fetch a school's staff and groups for the current request: 404 for missing and not yours."""

from django.shortcuts import get_object_or_404

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.requests import SchoolRequest


def get_membership_for(request: SchoolRequest, membership_id: int) -> Membership:
    """A member of staff of the request's school, or Http404."""
    queryset = Membership.objects.for_school(request.school).select_related("user", "school")
    return get_object_or_404(queryset, pk=membership_id)


def get_group_for(request: SchoolRequest, group_id: int) -> StaffGroup:
    """A staff group of the request's school, or Http404."""
    queryset = StaffGroup.objects.for_school(request.school).select_related("school")
    return get_object_or_404(queryset, pk=group_id)
