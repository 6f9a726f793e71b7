"""Working in another of one's own schools, from the school menu or from a link into it.

The school menu and an alert from another school both switch the session here, so the
switch is always the person's own active role, audited (`services.switch_school`), and
announced the same way.
"""

from django.contrib import messages
from django.http import HttpRequest

from safeguard.accounts import services
from safeguard.accounts.models import Membership


def work_in_school(
    request: HttpRequest, school_id: int, *, level: int = messages.SUCCESS
) -> Membership | None:
    """Work in `school_id` from now on, saying so, if the person holds an active role there.

    Returns that membership, or None (changing nothing) if they hold no role there. The
    message, at `level`, is shown only when the school actually changed.
    """
    memberships = request.memberships  # type: ignore[attr-defined]
    membership: Membership | None = next((m for m in memberships if m.school_id == school_id), None)
    if membership is not None and services.switch_school(
        session=request.session, membership=membership
    ):
        messages.add_message(request, level, f"You are now working in {membership.school.name}.")
    return membership
