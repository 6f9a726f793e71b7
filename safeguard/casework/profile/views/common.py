"""What the profile's pages share. For the leads only; what they show is audited as a view
of the pupil's profile, so the pupil's access log lists it."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.profile.forms import RemovalForm
from safeguard.casework.profile.models import Versioned
from safeguard.casework.profile.selectors import current_version
from safeguard.casework.profile.versions import history
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


def stale(
    request: SchoolRequest,
    version: Versioned,
    url_name: str,
    kwarg: str,
    pupil: Pupil | None = None,
) -> HttpResponse | None:
    """A version someone has since changed: say so and go to the record's current page."""
    now = current_version(version)
    if now is None or now.pk == version.pk:
        return None
    messages.info(request, "This was changed since you opened it: here are the current details.")
    pupil = pupil or version.pupil
    if now.is_removed:
        return back_to_profile(pupil)
    return redirect(url_name, pupil_id=pupil.pk, **{kwarg: now.pk})


def remove_page(
    request: SchoolRequest,
    version: Versioned,
    *,
    remove: Callable[..., Versioned],
    url_name: str,
    kwarg: str,
    done: str,
    pupil: Pupil | None = None,
    what: str = "",
) -> HttpResponse:
    """Confirm taking a record off the profile of `pupil` (the record's own unless given),
    with a reason; it stays in its history."""
    pupil = pupil or version.pupil
    if request.method == "GET" and (moved := stale(request, version, url_name, kwarg, pupil)):
        return moved
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove(
                membership=request.membership, version=version, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "what": what or str(version)}
    return render(
        request, "casework/profile/remove_form.html", context, status=400 if form.errors else 200
    )


def history_page(request: SchoolRequest, version: Versioned, template: str) -> HttpResponse:
    """Every version of one record, oldest first; audited as a view of the profile."""
    rows = list(history(version))
    audit_viewed(request, version.pupil, **{type(version)._meta.model_name or "": version.pk})
    return render(
        request, template, {"pupil": version.pupil, "versions": rows, "current": rows[-1]}
    )
