"""Views about the signed-in person's own account."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from safeguard.accounts.middleware import SESSION_SCHOOL_KEY
from safeguard.accounts.permissions import Capability, requires


@require_POST
@requires(Capability.USE_APP)
def switch_school(request: HttpRequest) -> HttpResponse:
    """Work in another school the person belongs to; anything else is refused."""
    wanted = request.POST.get("school", "")
    target = next((m for m in request.memberships if str(m.school_id) == wanted), None)
    if target is None:
        messages.error(request, "You don't have a role in that school.")
    else:
        request.session[SESSION_SCHOOL_KEY] = target.school_id
        request.session.cycle_key()
        messages.success(request, f"You are now working in {target.school.name}.")
    return redirect("dashboard")
