"""Downloading an attached file: only through this view, only as a download."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.access import get_attachment_for, get_incident_for

# The file is never rendered by the browser as a page of ours: no scripts, no
# plugins, no requests, no framing, even if a browser ignores "attachment".
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


@require_GET
@requires(Capability.RECORD_INCIDENT)
def attachment_download(
    request: SchoolRequest, incident_id: int, attachment_id: int
) -> FileResponse:
    incident = get_incident_for(request, incident_id)
    attachment = get_attachment_for(request, incident, attachment_id)
    try:
        stream = default_storage.open(attachment.stored_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store, private"
    record(
        actor=request.user,
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        school=request.school,
        target=attachment,
        detail={
            "incident": incident.pk,
            "action": attachment.action_id,
            "pupil": incident.review.pupil_id,
        },
    )
    return response
