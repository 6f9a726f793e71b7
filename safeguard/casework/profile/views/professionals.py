"""Adding, changing and removing the professionals involved with a pupil, and a record's
history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.profile import professionals
from safeguard.casework.profile.access import get_version_for
from safeguard.casework.profile.forms import ProfessionalForm
from safeguard.casework.profile.models import Professional
from safeguard.casework.profile.views.common import (
    audit_viewed,
    back_to_profile,
    history_page,
    remove_page,
    stale,
)
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def professional_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    form = ProfessionalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            professionals.add_professional(
                membership=request.membership, pupil=pupil, details=form.details()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Professional added.")
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "professional": None}
    return render(
        request,
        "casework/profile/professional_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def professional_edit(request: SchoolRequest, pupil_id: int, professional_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    professional = get_version_for(request, pupil, Professional, professional_id)
    if request.method == "GET" and (
        moved := stale(request, professional, "casework:professional-edit", "professional_id")
    ):
        return moved
    initial = ProfessionalForm.initial_from(professionals.details_of(professional))
    form = ProfessionalForm(request.POST or None, initial=initial, is_change=True)
    if request.method == "POST" and form.is_valid():
        try:
            professionals.change_professional(
                membership=request.membership,
                professional=professional,
                details=form.details(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Professional changed. The earlier details are kept in its history."
            )
            return back_to_profile(pupil)
    # The form shows the professional's details: a view of the profile, audited.
    audit_viewed(request, pupil, professional=professional.pk)
    context = {"pupil": pupil, "form": form, "professional": professional}
    return render(
        request,
        "casework/profile/professional_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def professional_remove(
    request: SchoolRequest, pupil_id: int, professional_id: int
) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    professional = get_version_for(request, pupil, Professional, professional_id)
    return remove_page(
        request,
        professional,
        remove=professionals.remove_professional,
        url_name="casework:professional-remove",
        kwarg="professional_id",
        done="Professional removed. Its history is kept.",
    )


@require_GET
@requires(Capability.VIEW_PUPIL_PROFILE)
def professional_history(
    request: SchoolRequest, pupil_id: int, professional_id: int
) -> HttpResponse:
    """Every version of one professional, oldest first: what was recorded, when and by whom."""
    pupil = get_pupil_for(request, pupil_id)
    professional = get_version_for(request, pupil, Professional, professional_id)
    return history_page(request, professional, "casework/profile/professional_history.html")
