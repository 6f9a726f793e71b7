"""Adding, changing and removing a pupil's contacts, and a contact's history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.profile import contacts
from safeguard.casework.profile.access import get_version_for
from safeguard.casework.profile.forms import ContactForm
from safeguard.casework.profile.models import Contact
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
def contact_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contacts.add_contact(membership=request.membership, pupil=pupil, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Contact added.")
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "contact": None}
    return render(
        request, "casework/profile/contact_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def contact_edit(request: SchoolRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    contact = get_version_for(request, pupil, Contact, contact_id)
    if request.method == "GET" and (
        moved := stale(request, contact, "casework:contact-edit", "contact_id")
    ):
        return moved
    initial = ContactForm.initial_from(contacts.details_of(contact))
    form = ContactForm(request.POST or None, initial=initial, is_change=True)
    if request.method == "POST" and form.is_valid():
        try:
            contacts.change_contact(
                membership=request.membership,
                contact=contact,
                details=form.details(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Contact changed. The earlier details are kept in its history."
            )
            return back_to_profile(pupil)
    # The form shows the contact's details: a view of the profile, audited as its history is.
    audit_viewed(request, pupil, contact=contact.pk)
    context = {"pupil": pupil, "form": form, "contact": contact}
    return render(
        request, "casework/profile/contact_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def contact_remove(request: SchoolRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    contact = get_version_for(request, pupil, Contact, contact_id)
    return remove_page(
        request,
        contact,
        remove=contacts.remove_contact,
        url_name="casework:contact-remove",
        kwarg="contact_id",
        done="Contact removed. Its history is kept.",
    )


@require_GET
@requires(Capability.VIEW_PUPIL_PROFILE)
def contact_history(request: SchoolRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    """Every version of one contact, oldest first: what was recorded, when and by whom."""
    pupil = get_pupil_for(request, pupil_id)
    contact = get_version_for(request, pupil, Contact, contact_id)
    return history_page(request, contact, "casework/profile/contact_history.html")
