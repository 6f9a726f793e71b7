"""Recording a meeting, its page and its report file (leads only; each showing and download
audited as a view of the pupil's record)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.access import get_meeting_for
from safeguard.casework.referrals.forms import MeetingForm
from safeguard.casework.referrals.meetings import meeting_problems, record_meeting
from safeguard.incidents.services.attachments import StoredFile, StoreFailed, store_uploads
from safeguard.incidents.views.attachments import DOWNLOAD_CSP
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors


def _stored_report(request: SchoolRequest, form: MeetingForm) -> tuple[StoredFile | None, bool]:
    """The report file, checked and stored as attachments are; (None, False) with the problem
    under the field if it is refused (the rest of the form is kept; the file must be chosen
    again, as a browser never keeps one)."""
    upload = form.cleaned_data.get("report_file")
    if upload is None:
        return None, True
    try:
        stored, problems = store_uploads([upload], school=request.school)
    except StoreFailed as failed:
        form.add_error(
            "report_file",
            "The file store is full: record the meeting with a written report, or try later."
            if failed.full
            else "The file could not be stored: try again.",
        )
        return None, False
    if problems:
        form.add_error("report_file", problems)
        return None, False
    return stored[0], True


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_REFERRALS)
def meeting_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "report_file"}
        # The record's own rules first, so a refused meeting stores no file.
        problems = meeting_problems(
            pupil=pupil, **{k: v for k, v in values.items() if k != "closes_clock"}
        )
        if problems:
            apply_errors(form, ValidationError(problems))
        else:
            report_file, stored = _stored_report(request, form)
            if stored:
                meeting = record_meeting(
                    membership=request.membership, pupil=pupil, report_file=report_file, **values
                )
                messages.success(request, "Meeting recorded.")
                return redirect("casework:meeting-detail", meeting_id=meeting.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "casework/referrals/meeting_form.html",
        {"pupil": pupil, "form": form},
        status=status,
    )


@require_GET
@requires(Capability.RECORD_REFERRALS)
def meeting_detail(request: SchoolRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_id)
    record(
        actor=request.user,
        action=AuditAction.MEETING_VIEWED,
        school=request.school,
        target=meeting,
        detail={"pupil": meeting.pupil_id},
    )
    return render(
        request,
        "casework/referrals/meeting_detail.html",
        {"meeting": meeting, "pupil": meeting.pupil},
    )


@require_GET
@requires(Capability.RECORD_REFERRALS)
def meeting_report(request: SchoolRequest, meeting_id: int) -> FileResponse:
    """The meeting's report file, only as a download (as an attachment's)."""
    meeting = get_meeting_for(request, meeting_id)
    if not meeting.has_report_file:
        raise Http404
    try:
        stream = default_storage.open(meeting.report_stored_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=meeting.report_original_name,
        content_type=meeting.report_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store, private"
    record(
        actor=request.user,
        action=AuditAction.MEETING_REPORT_DOWNLOADED,
        school=request.school,
        target=meeting,
        detail={"pupil": meeting.pupil_id},
    )
    return response
