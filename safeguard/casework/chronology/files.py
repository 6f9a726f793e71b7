"""Downloading a file of a key event: only through this view, only as a download, for the
leads who read chronologies, audited against the pupil as an attachment's download is
(incidents/views/attachments.py), so the pupil's access log lists it."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.access import get_key_event_file_for
from safeguard.incidents.views.attachments import DOWNLOAD_CSP
from safeguard.pupils.access import get_pupil_for


@require_GET
@requires(Capability.VIEW_CHRONOLOGY)
def key_event_file_download(request: SchoolRequest, key_event_file_id: int) -> FileResponse:
    file = get_key_event_file_for(request, key_event_file_id)
    pupil = get_pupil_for(request, file.key_event.pupil_id)
    try:
        stream = default_storage.open(file.stored_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream, as_attachment=True, filename=file.original_name, content_type=file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store, private"
    record(
        actor=request.user,
        action=AuditAction.KEY_EVENT_FILE_DOWNLOADED,
        school=request.school,
        target=file,
        detail={"key_event": file.key_event_id, "pupil": pupil.pk},
    )
    return response
