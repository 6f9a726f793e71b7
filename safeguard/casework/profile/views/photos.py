"""The pupil's photo: uploading or replacing it, removing it, and the picture itself, sent
only through this permission-checked view (never from a public address)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.profile import photos
from safeguard.casework.profile.forms import PhotoForm, RemovalForm
from safeguard.casework.profile.views.common import back_to_profile
from safeguard.incidents.views.attachments import DOWNLOAD_CSP
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def photo_change(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            photos.add_photo(
                membership=request.membership, pupil=pupil, upload=form.cleaned_data["photo"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Photo saved.")
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "photo": photos.current_photo(pupil)}
    status = 400 if form.errors else 200
    return render(request, "casework/profile/photo_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@requires(Capability.KEEP_PUPIL_PROFILE)
def photo_remove(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    if photos.current_photo(pupil) is None:
        messages.info(request, "There is no photo to remove.")
        return back_to_profile(pupil)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            photos.remove_photo(
                membership=request.membership, pupil=pupil, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Photo removed. It is kept in the history.")
            return back_to_profile(pupil)
    context = {"pupil": pupil, "form": form, "what": "the photo"}
    status = 400 if form.errors else 200
    return render(request, "casework/profile/remove_form.html", context, status=status)


@require_GET
@requires(Capability.VIEW_PUPIL_PROFILE)
def photo_file(request: SchoolRequest, pupil_id: int) -> FileResponse:
    """The current photo's image, for the profile page's <img>; 404 when there is none. The
    profile page's showing is what is audited: the image comes with it."""
    pupil = get_pupil_for(request, pupil_id)
    photo = photos.current_photo(pupil)
    if photo is None:
        raise Http404
    try:
        stream = default_storage.open(photo.stored_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="photo-{pupil.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store, private"
    return response
