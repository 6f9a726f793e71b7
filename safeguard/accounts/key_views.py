"""A member of staff's keys, as their DSL sees them: what they have, and revoking them when
one is lost (school policy section 3: "if a key is lost or misplaced… report it so it can
be disabled"). Holders manage their own keys on allauth's Second factor pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts import mfa, selectors
from safeguard.accounts.access import get_membership_for
from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.stepup import requires_recent_second_factor


@require_GET
@requires(Capability.CHANGE_ROLES)
def staff_keys(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    # Someone who also works elsewhere: their keys are their account's, not this school's
    # to see or revoke.
    works_elsewhere = selectors.works_elsewhere(membership)
    keys = [] if works_elsewhere else mfa.keys_of(membership.user)
    return render(
        request,
        "accounts/staff_keys.html",
        {
            "member": membership,
            "works_elsewhere": works_elsewhere,
            "keys": [(mfa.describe(key), key) for key in keys],
            "key_required": mfa.key_required_for(membership),
            "is_self": membership.user_id == request.user.pk,
        },
    )


@require_POST
@requires(Capability.CHANGE_ROLES)
@requires_recent_second_factor
def staff_keys_revoke(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    try:
        mfa.revoke_keys(membership=membership, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("school:staff-keys", membership_id=membership.pk)
    name = membership.display_name or membership.user.email
    messages.success(
        request,
        f"{name}'s second factor has been removed and they have been signed out everywhere. "
        "They have been told by email, and will set up a new one when they next sign in.",
    )
    return redirect("school:staff-detail", membership_id=membership.pk)
