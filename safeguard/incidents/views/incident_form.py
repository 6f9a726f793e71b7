"""Showing the Add Incident form: its fields as typed, the messages and who will be told.

Every view of the form (a first visit, a search without JavaScript, a problem on submit,
a draft resumed) shows it through `render_incident_form`, so the page reads the same.
"""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import is_lead
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.selectors import staff_matching
from safeguard.incidents.forms.recording import IncidentForm
from safeguard.incidents.models import AlertReason, Draft, LinkRole
from safeguard.incidents.selectors import alertable_staff
from safeguard.incidents.services import alerting, bodymap
from safeguard.pupils.models import Pupil
from safeguard.pupils.selectors import search_pupils

SEARCH_LIMIT = 10
MIN_SEARCH_LENGTH = 2
# Where each field's message in the error summary takes you.
ANCHORS = {
    "pupil": "pupil-search",
    "kind": "id_kind_0",
    "text": "id_text",
    "occurred_on": "id_occurred_on",
    "occurred_time": "id_occurred_time",
    "location": "id_location",
    "spoke_to_dsl": "id_spoke_to_dsl_0",
    "dsl_spoken_to": "id_dsl_spoken_to",
    "categories": "categories-fieldset",
    "links": "link-search",
    "groups": "groups-fieldset",
    "people": "people-search",
}


def render_incident_form(
    request: SchoolRequest,
    form: IncidentForm,
    *,
    show_errors: bool = True,
    draft: Draft | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    membership: Membership = request.membership
    errors = form.errors if form.is_bound else {}
    shown = errors if show_errors else {}
    summary = [
        (ANCHORS.get(field, ""), message)
        for field, problems in shown.items()
        for message in problems
        if field not in ("submit_key", "marks")
    ]
    summary += [("", message) for message in shown.get("submit_key", [])]
    summary += [("body-map-section", message) for message in shown.get("marks", [])]
    summary += [("id_files", message) for message in extra.get("file_errors", [])]
    context = {
        "form": form,
        "errors": shown,
        "error_summary": summary,
        "draft": draft,
        "is_lead": is_lead(membership),
        "chosen_pupil": form.chosen_pupil(),
        "link_rows": _link_rows(form),
        "chosen_people": form.chosen_people(),
        "link_roles": LinkRole.choices,
        "recipients": recipients_for_form(request, form) if form.is_bound else [],
        "mark_rows": bodymap.mark_rows_for_form(form.data if form.is_bound else None),
        **extra,
    }
    return render(request, "incidents/incident_form.html", context, status=status)


def _link_rows(form: IncidentForm) -> list[dict[str, Any]]:
    if not form.is_bound:
        return []
    form.errors  # noqa: B018 - cleaning collects the rows, including ones with problems
    return [{"pupil": row.pupil, "role": row.role} for row in form.link_rows]


def recipients_for_form(request: SchoolRequest, form: IncidentForm) -> list[dict[str, Any]]:
    """Who would be told if the form were submitted now, from the choices that are valid."""
    form.errors  # noqa: B018 - runs the cleaning that collects the valid choices
    data = form.cleaned_data
    recipients = alerting.recipients_for(
        school=request.school,
        author=request.user,
        categories=data.get("categories") or [],
        groups=data.get("groups") or [],
        people=data.get("people") or [],
    )
    return [{"user": r.user, "reason_label": _reason(r)} for r in recipients]


def _reason(recipient: alerting.Recipient) -> str:
    if recipient.reason == AlertReason.DSL:
        return "safeguarding lead"
    if recipient.reason == AlertReason.GROUP:
        return f"in {recipient.reason_detail}"
    if recipient.reason == AlertReason.CATEGORY:
        return f"always told about {recipient.reason_detail}"
    return "chosen by name"


# Type-ahead searches (POST, so names stay out of addresses and logs) ---------------------


def pupils_matching(membership: Membership, term: str) -> list[Pupil]:
    # PostgreSQL refuses a null character in a query; no name holds one.
    term = term.replace("\x00", "").strip()[:100]
    if len(term) < MIN_SEARCH_LENGTH:
        return []
    return list(
        search_pupils(
            school=membership.school,
            term=term,
            include_archived=True,
            limit=SEARCH_LIMIT,
            reader=membership,
        )
    )


def staff_matching_for(membership: Membership, term: str) -> list[Membership]:
    return staff_matching(alertable_staff(membership), term, limit=SEARCH_LIMIT)
