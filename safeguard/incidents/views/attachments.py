"""Downloading an attached file: only through this view, only as a download.

A file's address carries an opaque key (`<file:attachment_id>`, links.py), not its id,
which every school's files share. An address by number, from a page shown before, is
checked as the download is and then sent on to the keyed one.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
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


@require_GET
@requires(Capability.RECORD_INCIDENT)
def attachment_old_link(
    request: SchoolRequest, incident_id: int, attachment_id: int
) -> HttpResponse:
    """`/incidents/<key>/files/57/`: the same 404 as the download for anyone who may not
    have the file, else a redirect to its keyed address. Nothing is downloaded or audited
    here; the download it leads to is."""
    if attachment_id >= 2**63:
        raise Http404
    incident = get_incident_for(request, incident_id)
    attachment = get_attachment_for(request, incident, attachment_id)
    return redirect("incidents:attachment-download", incident.pk, attachment.pk)
