"""Linking a pupil to siblings or their household (found by name, or confirmed from a
suggestion), dismissing a suggestion, and removing a link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.profile import household
from safeguard.casework.profile.access import get_version_for
from safeguard.casework.profile.forms import DismissForm, LinkForm
from safeguard.casework.profile.models import HouseholdLink
from safeguard.casework.profile.views.common import back_to_profile, remove_page
from safeguard.incidents.forms.fields import intent_of
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors
from safeguard.pupils.models import Pupil
from safeguard.pupils.selectors import search_pupils

SEARCH_LIMIT = 20


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def household_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """Find a pupil by name (posted) and link them; a suggestion's Link posts here too."""
    pupil = get_pupil_for(request, pupil_id)
    data = request.POST if request.method == "POST" else None
    found: list[Pupil] = []
    # PostgreSQL refuses a null character in a query; no name holds one.
    term = str(data.get("q", "")).replace("\x00", "").strip()[:100] if data is not None else ""
    if term:
        found = [
            match
            for match in search_pupils(
                school=request.school, term=term, include_archived=True, limit=SEARCH_LIMIT + 1
            )
            if match.pk != pupil.pk
        ]
    form = LinkForm(data, pupil=pupil, found=found)
    searched = data is not None and intent_of(request.POST) == "search"
    if data is not None and not searched and form.check_link():
        other = form.cleaned_data["other_pupil"]
        try:
            household.link_pupils(
                membership=request.membership,
                pupil=pupil,
                other=other,
                relationship=form.cleaned_data["relationship"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{other.first_name} {other.last_name} linked.")
            return back_to_profile(pupil)
    if form.is_bound and not searched and form.is_valid() and not found:
        chosen = form.cleaned_data.get("other_pupil")
        if chosen is not None:  # a suggestion's pupil, offered again beside the problem
            form = LinkForm(data, pupil=pupil, found=[chosen])
            form.check_link()
    context = {
        "pupil": pupil,
        "form": form,
        "searched": searched or bool(term),
        "found": found[:SEARCH_LIMIT],
        "has_more": len(found) > SEARCH_LIMIT,
    }
    bad = form.errors and not searched
    return render(
        request, "casework/profile/household_form.html", context, status=400 if bad else 200
    )


@require_POST
@requires(Capability.KEEP_PUPIL_PROFILE)
def household_dismiss(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """ "Not related": the suggested pupil is not suggested for this one again."""
    pupil = get_pupil_for(request, pupil_id)
    form = DismissForm(request.POST, pupil=pupil)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("other_pupil", [])))
        return back_to_profile(pupil)
    other = form.cleaned_data["other_pupil"]
    household.dismiss_suggestion(membership=request.membership, pupil=pupil, other=other)
    messages.success(request, f"{other.first_name} {other.last_name} won't be suggested again.")
    return back_to_profile(pupil)


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def household_remove(request: SchoolRequest, pupil_id: int, link_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    link = get_version_for(request, pupil, HouseholdLink, link_id, either_side=True)
    other = link.other_pupil if link.pupil_id == pupil.pk else link.pupil
    return remove_page(
        request,
        link,
        remove=household.unlink_pupils,
        url_name="casework:household-remove",
        kwarg="link_id",
        done="Link removed. Its history is kept.",
        pupil=pupil,
        what=f"the link with {other.first_name} {other.last_name}",
    )
