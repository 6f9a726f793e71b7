"""The DSL's audit screens: who has seen a child's record, and the school's trail.

Reading the trail is itself audited (AUDIT_VIEWED, AUDIT_EXPORTED), and each screen asks
for a fresh second-factor check first (accounts/stepup.py). The event is appended in a
transaction of its own, before the page renders, so the school's audit chain is held
only for that moment. Pages go "Newer" and "Older" by cursor (oversight/paging.py).
"""

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.stepup import requires_recent_second_factor
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record
from safeguard.oversight import selectors
from safeguard.oversight.export import csv_lines
from safeguard.oversight.forms import TrailFilterForm
from safeguard.oversight.paging import read_page
from safeguard.pupils.access import get_pupil_for, school_of
from safeguard.pupils.models import Pupil


def _rows(
    request: SchoolRequest, events: list[AuditEvent], about: Pupil | None = None
) -> list[dict[str, object]]:
    school = school_of(request)
    subjects = selectors.subjects_of(school=school, events=events, about=about)
    roles = selectors.roles_at_the_time(school=school, events=events)
    return [
        {"event": event, "subject": subjects[event.pk], "role": roles.get(event.pk, "")}
        for event in events
    ]


@require_GET
@requires(Capability.VIEW_AUDIT)
@requires_recent_second_factor
def pupil_access(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """Who has seen this child's record and incidents, and when."""
    pupil = get_pupil_for(request, pupil_id)
    school = school_of(request)
    page = read_page(selectors.access_parts(school=school, pupil=pupil), request.GET)
    rows = _rows(request, page.events, about=pupil)
    record(
        actor=request.user,
        action=AuditAction.AUDIT_VIEWED,
        school=school,
        target=pupil,
        detail={"view": "pupil_access", "page": page.position},
    )
    return render(
        request, "oversight/pupil_access.html", {"pupil": pupil, "page": page, "rows": rows}
    )


@require_GET
@requires(Capability.VIEW_AUDIT)
@requires_recent_second_factor
def trail(request: SchoolRequest) -> HttpResponse:
    """The school's audit trail for a period, by person and by action."""
    school = school_of(request)
    form = TrailFilterForm(request.GET, school=school)
    if not form.is_valid():
        return render(request, "oversight/trail.html", {"form": form})
    start, end = form.period()
    parts = selectors.trail_parts(
        school=school,
        start=start,
        end=end,
        person_id=form.cleaned_data["person"],
        action=form.cleaned_data["action"],
    )
    page = read_page(parts, request.GET)
    rows = _rows(request, page.events)
    record(
        actor=request.user,
        action=AuditAction.AUDIT_VIEWED,
        school=school,
        detail={"view": "trail", **form.detail(), "page": page.position},
    )
    return render(
        request,
        "oversight/trail.html",
        {"form": form, "page": page, "rows": rows, "query": form.query()},
    )


@require_GET
@requires(Capability.VIEW_AUDIT)
@requires_recent_second_factor
def export_csv(request: SchoolRequest) -> HttpResponseBase:
    """The same filter as the trail, every matching event, as CSV. The export is audited
    before a byte leaves, with the number of rows it holds."""
    school = school_of(request)
    form = TrailFilterForm(request.GET, school=school)
    if not form.is_valid():
        return render(request, "oversight/trail.html", {"form": form}, status=400)
    start, end = form.period()
    events = selectors.school_trail(
        school=school,
        start=start,
        end=end,
        person_id=form.cleaned_data["person"],
        action=form.cleaned_data["action"],
    )
    exported = record(
        actor=request.user,
        action=AuditAction.AUDIT_EXPORTED,
        school=school,
        detail={"view": "trail", **form.detail(), "rows": events.count()},
    )
    # Exactly the rows counted: not the export's own event, nor any written since.
    events = events.filter(pk__lt=exported.pk)
    filename = f"audit-trail-{form.cleaned_data['from']}-to-{form.cleaned_data['to']}.csv"
    return StreamingHttpResponse(
        csv_lines(events.iterator(chunk_size=2000)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
