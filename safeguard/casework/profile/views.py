"""The profile's pages: adding, changing and removing contacts and professionals, and each
record's history. For the leads only; what they show is audited as a view of the pupil's
profile, so the pupil's access log lists it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.profile import contacts
from safeguard.casework.profile.access import get_version_for
from safeguard.casework.profile.forms import ContactForm, RemovalForm
from safeguard.casework.profile.models import Contact, Versioned
from safeguard.casework.profile.selectors import current_version
from safeguard.casework.profile.versions import history
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors
from safeguard.pupils.models import Pupil

PROFILE_ANCHOR = "#profile-title"


def back_to_profile(pupil: Pupil) -> HttpResponse:
    response = redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    response["Location"] += PROFILE_ANCHOR
    return response


def audit_viewed(request: SchoolRequest, pupil: Pupil, **detail: object) -> None:
    """A view of (part of) the pupil's profile, against the pupil like the chronology's."""
    record(
        actor=request.user,
        action=AuditAction.PROFILE_VIEWED,
        school=request.school,
        target=pupil,
        detail=dict(detail),
    )


def _stale(
    request: SchoolRequest, version: Versioned, url_name: str, kwarg: str
) -> HttpResponse | None:
    """A version someone has since changed: say so and go to the record's current page."""
    now = current_version(version)
    if now is None or now.pk == version.pk:
        return None
    messages.info(request, "This was changed since you opened it: here are the current details.")
    if now.is_removed:
        return back_to_profile(version.pupil)
    return redirect(url_name, pupil_id=version.pupil_id, **{kwarg: now.pk})


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
        moved := _stale(request, contact, "casework:contact-edit", "contact_id")
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
    context = {"pupil": pupil, "form": form, "contact": contact}
    return render(
        request, "casework/profile/contact_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def contact_remove(request: SchoolRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    contact = get_version_for(request, pupil, Contact, contact_id)
    if request.method == "GET" and (
        moved := _stale(request, contact, "casework:contact-remove", "contact_id")
    ):
        return moved
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contacts.remove_contact(
                membership=request.membership, contact=contact, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Contact removed. Its history is kept.")
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "record": contact, "kind": "contact"}
    return render(
        request, "casework/profile/remove_form.html", context, status=400 if form.errors else 200
    )


@require_GET
@requires(Capability.VIEW_PUPIL_PROFILE)
def contact_history(request: SchoolRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    """Every version of one contact, oldest first: what was recorded, when and by whom."""
    pupil = get_pupil_for(request, pupil_id)
    contact = get_version_for(request, pupil, Contact, contact_id)
    rows = list(history(contact))
    audit_viewed(request, pupil, contact=contact.pk)
    return render(
        request,
        "casework/profile/contact_history.html",
        {"pupil": pupil, "versions": rows, "current": rows[-1]},
    )
