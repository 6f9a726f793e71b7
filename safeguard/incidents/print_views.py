"""A printable copy of one incident: everything recorded, nothing interactive."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.models import BodyMapMark, IncidentCategory, LinkedPupil
from safeguard.incidents.selectors import (
    actions_visible_to,
    attachments_visible_to,
    can_see_every_incident,
    categories_shown_to,
)


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_print(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Printing is a disclosure on paper, so it is audited like a view (school policy section 5)."""
    incident = get_incident_for(request, incident_id)
    school = request.school
    review = incident.review
    context = {
        "incident": incident,
        "review": review,
        "is_lead": can_see_every_incident(request.membership),
        "current_categories": categories_shown_to(request.membership, incident),
        "original_categories": [
            row.category
            for row in IncidentCategory.objects.for_school(school)
            .filter(incident=incident)
            .select_related("category")
            .order_by("category__position", "category__name")
        ],
        "links": LinkedPupil.objects.for_school(school)
        .filter(incident=incident)
        .select_related("pupil"),
        "marks": BodyMapMark.objects.for_school(school).filter(incident=incident),
        "actions": actions_visible_to(request.membership, incident),
        "files": attachments_visible_to(request.membership, incident),
        "printed_at": timezone.now(),
    }
    record(
        actor=request.user,
        action=AuditAction.INCIDENT_PRINTED,
        school=school,
        target=incident,
        detail={"pupil": incident.pupil_id},
    )
    return render(request, "incidents/incident_print.html", context)
