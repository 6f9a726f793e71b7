"""Reading incidents: the list of those you may see, and one incident with all it carries."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import escape_uri_path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.models import (
    BodyMapMark,
    IncidentCategory,
    IncidentCorrection,
    LinkedPupil,
)
from safeguard.incidents.records import ReviewStatus
from safeguard.incidents.selectors import (
    actions_visible_to,
    attachments_visible_to,
    can_see_every_incident,
    categories_shown_to,
    incidents_visible_to,
)


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_list(request: HttpRequest) -> HttpResponse:
    """DSLs: every incident in the school. Everyone else: their own and those they were alerted to."""
    sees_all = can_see_every_incident(request.membership)
    incidents = (
        incidents_visible_to(request.membership)
        .prefetch_related("review__categories", "categories")
        .order_by("-recorded_at", "-id")
    )
    # Only the DSL's review status filters the list: no names ever reach the URL.
    status = request.GET.get("status", "")
    if sees_all and status in ReviewStatus.values:
        incidents = incidents.filter(review__status=status)
    else:
        status = ""
    page = Paginator(incidents, 50).get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.shown_categories = categories_shown_to(request.membership, incident)  # type: ignore[attr-defined]
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "sees_all": sees_all,
            "status": status,
            "statuses": ReviewStatus.choices,
            "filter_query": f"{urlencode({'status': status})}&" if status else "",
        },
    )


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    school = request.school
    is_lead = can_see_every_incident(request.membership)
    review = incident.review
    context = {
        "incident": incident,
        "review": review,
        "is_lead": is_lead,
        "current_categories": categories_shown_to(request.membership, incident),
        "original_categories": [
            row.category
            for row in IncidentCategory.objects.for_school(school)
            .filter(incident=incident)
            .select_related("category")
        ],
        "links": LinkedPupil.objects.for_school(school)
        .filter(incident=incident)
        .select_related("pupil"),
        "marks": BodyMapMark.objects.for_school(school).filter(incident=incident),
        "actions": actions_visible_to(request.membership, incident),
        "attachments": attachments_visible_to(request.membership, incident),
        "corrections": IncidentCorrection.objects.for_school(school)
        .filter(incident=incident)
        .select_related("made_by")
        if is_lead
        else [],
    }
    record(
        actor=request.user,
        action=AuditAction.INCIDENT_VIEWED,
        school=school,
        target=incident,
        detail={"pupil": incident.pupil_id},
    )
    return render(request, "incidents/incident_detail.html", context)


@requires(Capability.RECORD_INCIDENT)
def incident_old_link(request: HttpRequest, incident_id: str) -> HttpResponse:
    """An address by number from before incidents had opaque keys (`/incidents/41/print/`).

    Checked exactly as the incident page is (someone who may not see the incident gets
    the same 404 as for a missing one), then sent on to the same page under its key.
    """
    if request.method not in ("GET", "HEAD") or int(incident_id) >= 2**63:
        raise Http404  # forms post to the keyed addresses; nothing is changed by number
    incident = get_incident_for(request, int(incident_id))
    old_prefix = reverse("incidents:incident-old-link", kwargs={"incident_id": incident_id})
    if not request.path.startswith(old_prefix):
        raise Http404
    target = reverse("incidents:incident-detail", args=[incident.pk])
    target += escape_uri_path(request.path.removeprefix(old_prefix))
    try:
        resolve(target)
    except Resolver404:
        # "/incidents/41/x.css", "/incidents/41/edit/": no such page, so no redirect either.
        raise Http404 from None
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)
