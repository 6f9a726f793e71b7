"""Reading incidents: the lists of those you may see, one incident with all it carries, and
its printable copy. Opening or printing an incident is audited: each is a disclosure."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, is_lead, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.disclosure import audit_disclosure
from safeguard.incidents.forms.lists import IncidentFilterForm
from safeguard.incidents.links import incident_id_from_key, incident_key
from safeguard.incidents.models import Incident
from safeguard.incidents.selectors import (
    NEWEST_FIRST,
    NEWEST_FIRST_BY_REVIEW,
    actions_visible_to,
    alert_log_shown_to,
    as_listed,
    attachments_visible_to,
    can_see_every_incident,
    categories_as_recorded,
    categories_shown_to,
    corrections_shown_to,
    incidents_visible_to,
    linked_pupils_of,
    marks_of,
    my_alerts_on,
    my_incident_ids,
    my_incident_sources,
    my_incidents_among,
    pupils_named_in,
)
from safeguard.incidents.signals import PageSection, incident_page_sections
from safeguard.lib import keyset

PAGE_SIZE = 50
# The lists count their incidents up to here, then say "More than 1,000 incidents".
COUNT_LIMIT = 1000


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_list(request: SchoolRequest) -> HttpResponse:
    """ "Incidents": every incident in the school, for the leads, with filters.

    Anyone else who records is sent to "My incidents", the incidents they may open.
    """
    if not can_see_every_incident(request.membership):
        return redirect("incidents:my-incidents")
    filters = IncidentFilterForm(request.GET, membership=request.membership)
    incidents = filters.apply(incidents_visible_to(request.membership))
    order = NEWEST_FIRST_BY_REVIEW if filters.filters_status else NEWEST_FIRST
    page = keyset.page_of(
        as_listed(incidents, request.membership),
        order,
        size=PAGE_SIZE,
        after=_edge(request, "after"),
        before=_edge(request, "before"),
    )
    return _render_list(
        request,
        page,
        keyset.bounded_count(incidents, COUNT_LIMIT + 1),
        {"filters": filters, "filter_query": filters.query, "sees_all": True},
    )


@require_GET
@requires(Capability.RECORD_INCIDENT)
def my_incidents(request: SchoolRequest) -> HttpResponse:
    """ "My incidents": those I recorded and those I was alerted to (or only one kind).

    The page's ids are read first, newest first, from the index of each kind (my own
    incidents, my alerts), then the rows and their joins for just those ids, so a page
    costs the same however many incidents I have.
    """
    show = request.GET.get("show", "")
    if show not in ("recorded", "alerted"):
        show = ""
    membership = request.membership
    page = keyset.page_of_merged(
        my_incident_sources(membership, only=show),
        lambda ids: my_incidents_among(membership, ids),
        size=PAGE_SIZE,
        after=_edge(request, "after"),
        before=_edge(request, "before"),
    )
    return _render_list(
        request,
        page,
        keyset.bounded_count_of_ids(my_incident_ids(membership, only=show), COUNT_LIMIT + 1),
        {
            "show": show,
            "filter_query": f"{urlencode({'show': show})}&" if show else "",
            "is_my_list": True,
        },
    )


def _render_list(
    request: SchoolRequest,
    page: keyset.Page[Incident],
    count: int,
    context: dict[str, Any],
) -> HttpResponse:
    """A page of the list (found from the incident at the edge of the page the reader came
    from, `?after=` or `?before=` its address key, never by page number) and its count,
    read no further than one past `COUNT_LIMIT`."""
    # Each row with the categories its reader may see (never a restricted one for staff).
    rows = [(incident, categories_shown_to(request.membership, incident)) for incident in page.rows]
    if count > COUNT_LIMIT:
        count_label = f"More than {COUNT_LIMIT:,} incidents"
    else:
        count_label = ngettext("%(count)s incident", "%(count)s incidents", count) % {
            "count": f"{count:,}"
        }
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "rows": rows,
            "pager": keyset.links(page, lambda row: incident_key(row.pk), context["filter_query"]),
            "count_label": count_label,
            **context,
        },
    )


def _edge(request: SchoolRequest, name: str) -> tuple[object, int] | None:
    """(recorded_at, id) of the school's incident whose key is in `?after=` or `?before=`."""
    incident_id = incident_id_from_key(request.GET.get(name, ""))
    if incident_id is None:
        return None
    return (
        Incident.objects.for_school(request.membership.school)
        .filter(pk=incident_id)
        .values_list("recorded_at", "pk")
        .first()
    )


def incident_page_context(request: SchoolRequest, incident: Incident) -> dict[str, Any]:
    """Everything the incident page and its printable copy show, as the person may see it."""
    membership = request.membership
    corrections = corrections_shown_to(membership, incident)
    return {
        "incident": incident,
        "review": incident.review,
        "is_lead": is_lead(membership),
        "current_categories": categories_shown_to(membership, incident),
        "original_categories": categories_as_recorded(incident),
        "links": linked_pupils_of(incident),
        "marks": marks_of(incident),
        "actions": actions_visible_to(membership, incident),
        "attachments": attachments_visible_to(membership, incident),
        "corrections": corrections,
        "correction_pupils": pupils_named_in(corrections),
        "my_alerts": list(my_alerts_on(membership, incident)),
        "alert_log": alert_log_shown_to(membership, incident),
        "sections": _sections_from_above(membership, incident),
    }


def _sections_from_above(membership: Membership, incident: Incident) -> list[PageSection]:
    """What the apps above incidents show on its page to this reader (`signals.py`)."""
    found: list[PageSection] = []
    for _, response in incident_page_sections.send(
        sender=Incident, membership=membership, incident=incident
    ):
        if isinstance(response, PageSection):
            found.append(response)
    return sorted(found, key=lambda section: section.order)


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_detail(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    context = incident_page_context(request, incident)
    audit_disclosure(request, incident, AuditAction.INCIDENT_VIEWED)
    return render(request, "incidents/incident_detail.html", context)


@require_GET
@requires(Capability.RECORD_INCIDENT)
def incident_print(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Printing is a disclosure on paper, so it is audited like a view (school policy section 5)."""
    incident = get_incident_for(request, incident_id)
    context = incident_page_context(request, incident) | {"printed_at": timezone.now()}
    audit_disclosure(request, incident, AuditAction.INCIDENT_PRINTED)
    return render(request, "incidents/incident_print.html", context)


@requires(Capability.RECORD_INCIDENT)
def incident_old_link(request: SchoolRequest, incident_id: str) -> HttpResponse:
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
