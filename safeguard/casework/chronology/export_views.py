"""A chronology's PDF once asked for: its page, which asks every few seconds until the worker
has made it, and its one download, audited as the printed copy's showing is. Only the lead
who asked sees either; anyone else, or another pupil's address, finds nothing there."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.stepup import requires_recent_second_factor
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.chronology.exports import EXPIRES, state_of, take_pdf
from safeguard.casework.chronology.forms import ChronologyFilterForm
from safeguard.casework.models import ChronologyExport, ExportState
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.models import Pupil


def _export_for(request: SchoolRequest, pupil: Pupil, export_id: int) -> ChronologyExport:
    exports = ChronologyExport.objects.for_school(request.school).filter(
        pupil=pupil, requested_by=request.user
    )
    return get_object_or_404(exports, pk=export_id)


def _page(request: SchoolRequest, pupil: Pupil, export: ChronologyExport) -> HttpResponse:
    template = (
        "casework/includes/chronology_pdf_state.html"
        if getattr(request, "htmx", False)
        else "casework/chronology_pdf_status.html"
    )
    context = {
        "pupil": pupil,
        "export": export,
        "state": state_of(export),
        "states": ExportState,
        "expires_minutes": int(EXPIRES.total_seconds() // 60),
    }
    return render(request, template, context)


@require_GET
@requires(Capability.VIEW_CHRONOLOGY)
def chronology_pdf_status(request: SchoolRequest, pupil_id: int, export_id: int) -> HttpResponse:
    """Whether the PDF is ready; the page asks again every few seconds while it is not."""
    pupil = get_pupil_for(request, pupil_id)
    return _page(request, pupil, _export_for(request, pupil, export_id))


@require_POST
@requires(Capability.VIEW_CHRONOLOGY)
@requires_recent_second_factor
def chronology_pdf_download(request: SchoolRequest, pupil_id: int, export_id: int) -> HttpResponse:
    """The PDF, once: audited as downloaded with the filters it was made with."""
    pupil = get_pupil_for(request, pupil_id)
    export = _export_for(request, pupil, export_id)
    document = take_pdf(export) if state_of(export) == ExportState.READY else None
    if document is None:  # not ready, failed, or downloaded already: say which
        export.refresh_from_db()
        return _page(request, pupil, export)
    form = ChronologyFilterForm(export.form_data, school=request.school)
    filters = form.filters() if form.is_valid() else None
    record(
        actor=request.user,
        action=AuditAction.CHRONOLOGY_DOWNLOADED,
        school=request.school,
        target=pupil,
        detail={
            "filters": filters.audit_detail() if filters is not None else "as asked",
            "export": export.pk,
            "entries": export.entries,
        },
        shown=export.incidents_shown,
    )
    response = HttpResponse(document, content_type="application/pdf")
    # A name without the child's: the file may be saved where others see file names.
    response["Content-Disposition"] = f'attachment; filename="chronology-{pupil.pk}.pdf"'
    return response
