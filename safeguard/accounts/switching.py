"""Working in another of one's own schools, from the school menu or from a link into it.

The school menu and an alert from another school both switch the session here, so the
switch is always to the person's own active role, audited (`services.switch_school`), and
says the same words.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest

from safeguard.accounts import services
from safeguard.accounts.models import Membership
from safeguard.accounts.requests import SafeguardRequest


@dataclass(frozen=True)
class Working:
    membership: Membership  # the person's role in the school they now work in
    switched: bool  # False if they were working there already

    def say(self, request: HttpRequest, level: int = messages.SUCCESS) -> None:
        messages.add_message(
            request, level, f"You are now working in {self.membership.school.name}."
        )


def work_in_school(request: SafeguardRequest, school_id: int) -> Working | None:
    """Work in `school_id` from the next request on, if the person holds an active role
    there (switched and audited only if they weren't working there already); None, changing
    nothing, if they hold no role there."""
    memberships = request.memberships
    membership: Membership | None = next((m for m in memberships if m.school_id == school_id), None)
    if membership is None:
        return None
    switched = services.switch_school(session=request.session, membership=membership)
    return Working(membership, switched)
