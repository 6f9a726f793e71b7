"""The leads' review queue and review page, and the school's list of decision options."""

from typing import Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.casework.access import get_decision_option_for
from safeguard.casework.chronology.rows import name_and_initial
from safeguard.casework.forms import DecisionOptionForm, LinkedCategoriesForm, ReviewForm
from safeguard.casework.models import DecisionOption
from safeguard.casework.sections import review_context
from safeguard.casework.selectors import (
    OLDEST_FIRST,
    decision_options_of,
    next_in_queue,
    review_queue,
    triage_entries_of,
    triage_state,
)
from safeguard.casework.services import decisions, triage
from safeguard.casework.services.linked_categories import (
    allocate_linked_categories,
    current_allocations,
)
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.disclosure import audit_disclosure
from safeguard.incidents.links import incident_id_from_key, incident_key
from safeguard.incidents.models import Incident, IncidentReview
from safeguard.incidents.selectors import (
    categories_shown_to,
    incidents_awaiting_review,
    linked_pupils_of,
)
from safeguard.lib import keyset
from safeguard.pupils.access import get_pupil_for

PAGE_SIZE = 50
COUNT_LIMIT = 1000


@require_GET
@requires(Capability.REVIEW_INCIDENTS)
def review_queue_page(request: SchoolRequest) -> HttpResponse:
    """Incidents awaiting review, oldest first, a page at a time from the row at its edge."""
    membership = request.membership
    page = keyset.page_of(
        review_queue(membership),
        OLDEST_FIRST,
        size=PAGE_SIZE,
        after=_edge(request, "after"),
        before=_edge(request, "before"),
    )
    count = keyset.bounded_count(incidents_awaiting_review(membership), COUNT_LIMIT + 1)
    if count > COUNT_LIMIT:
        count_label = f"More than {COUNT_LIMIT:,} incidents awaiting review"
    else:
        count_label = ngettext(
            "%(count)s incident awaiting review", "%(count)s incidents awaiting review", count
        ) % {"count": f"{count:,}"}
    rows = [(incident, categories_shown_to(membership, incident)) for incident in page.rows]
    return render(
        request,
        "casework/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "count": count,
            "count_label": count_label,
            "pager": keyset.links(page, lambda row: incident_key(row.pk)),
        },
    )


def _edge(request: SchoolRequest, name: str) -> tuple[object, int] | None:
    """(recorded_at, id) from the review of the school's incident named in `?after=`/`?before=`."""
    incident_id = incident_id_from_key(request.GET.get(name, ""))
    if incident_id is None:
        return None
    return (
        IncidentReview.objects.for_school(request.school)
        .filter(incident_id=incident_id)
        .values_list("recorded_at", "incident_id")
        .first()
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.REVIEW_INCIDENTS)
def review_incident(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Review one incident in one form; then on to the next in the queue, or back to it."""
    incident = get_incident_for(request, incident_id)
    membership = request.membership
    form = None
    if request.method == "POST":
        entries = triage_entries_of(incident)
        form = ReviewForm(
            request.POST,
            membership=membership,
            incident=incident,
            current_categories=categories_shown_to(membership, incident),
            state=triage_state(entries),
        )
        if form.is_valid():
            try:
                triage.review_incident(
                    membership=membership, incident=incident, **form.service_arguments()
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                return _after_review(request, incident, form.cleaned_data["return_to"])
        form.show_current()
    # The page shows the incident's account: a disclosure, audited as the incident page is,
    # each time it is shown (a refused review shows it again).
    audit_disclosure(request, incident, AuditAction.INCIDENT_VIEWED)
    context = review_context(membership, incident, form=form)
    context |= {
        "review": incident.review,
        "current_categories": categories_shown_to(membership, incident),
        "links": linked_pupils_of(incident),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "casework/review_incident.html", context, status=status)


def _after_review(request: SchoolRequest, incident: Incident, return_to: str) -> HttpResponse:
    if return_to == "incident":
        messages.success(request, "Review saved.")
        return redirect("incidents:incident-detail", incident_id=incident.pk)
    following = next_in_queue(request.membership, incident)
    if following is None:
        messages.success(request, "Review saved. No incidents are waiting for review.")
        return redirect("casework:review-queue")
    messages.success(request, f"Review of {incident.reference} saved. Here is the next one.")
    return redirect("casework:review-incident", incident_id=following.pk)


# The school's decision options -------------------------------------------------------------


@require_GET
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_list(request: SchoolRequest) -> HttpResponse:
    return render(
        request,
        "casework/decision_option_list.html",
        {"options": list(decision_options_of(request.school))},
    )


def _form_errors(form: DecisionOptionForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_add(request: SchoolRequest) -> HttpResponse:
    form = DecisionOptionForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            option = decisions.add_decision_option(
                actor=request.user, school=request.school, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Decision “{option.name}” added at the end of the list.")
            return redirect("casework:decision-option-list")
    return _option_form(request, form, None)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_edit(request: SchoolRequest, option_id: int) -> HttpResponse:
    option = get_decision_option_for(request, option_id)
    form = DecisionOptionForm(request.POST or None, school=request.school, option=option)
    if request.method == "POST" and form.is_valid():
        try:
            renamed = decisions.rename_decision_option(
                actor=request.user, option=option, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if renamed:
                messages.success(request, f"Renamed to “{option.name}”.")
            else:
                messages.info(request, f"Nothing changed in “{option.name}”.")
            return redirect("casework:decision-option-list")
    return _option_form(request, form, option)


def _option_form(
    request: SchoolRequest, form: DecisionOptionForm, option: DecisionOption | None
) -> HttpResponse:
    return render(
        request,
        "casework/decision_option_form.html",
        {"form": form, "option": option},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_retire(request: SchoolRequest, option_id: int) -> HttpResponse:
    option = get_decision_option_for(request, option_id)
    if decisions.set_decision_option_retired(actor=request.user, option=option, is_retired=True):
        messages.success(request, f"“{option.name}” retired: old reviews keep it.")
    else:
        messages.info(request, f"“{option.name}” was already retired.")
    return redirect("casework:decision-option-list")


@require_POST
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_reinstate(request: SchoolRequest, option_id: int) -> HttpResponse:
    option = get_decision_option_for(request, option_id)
    if decisions.set_decision_option_retired(actor=request.user, option=option, is_retired=False):
        messages.success(request, f"“{option.name}” can be chosen again.")
    else:
        messages.info(request, f"“{option.name}” was already in use.")
    return redirect("casework:decision-option-list")


@require_POST
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_move_up(request: SchoolRequest, option_id: int) -> HttpResponse:
    return _move(request, option_id, "up")


@require_POST
@requires(Capability.MANAGE_DECISION_OPTIONS)
def decision_option_move_down(request: SchoolRequest, option_id: int) -> HttpResponse:
    return _move(request, option_id, "down")


def _move(request: SchoolRequest, option_id: int, direction: Literal["up", "down"]) -> HttpResponse:
    option = get_decision_option_for(request, option_id)
    if decisions.move_decision_option(actor=request.user, option=option, direction=direction):
        messages.success(request, f"Moved “{option.name}” {direction}.")
    else:
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"“{option.name}” is already {edge}.")
    return redirect(f"{reverse('casework:decision-option-list')}#option-{option.pk}")


@require_http_methods(["GET", "POST"])
@requires(Capability.REVIEW_INCIDENTS)
def linked_categories(request: SchoolRequest, incident_id: int, pupil_id: int) -> HttpResponse:
    """Allocate categories to one pupil linked to the incident, for their chronology; then
    back to the incident's review section."""
    incident = get_incident_for(request, incident_id)
    pupil = get_pupil_for(request, pupil_id)  # (an id out of range is a 404 here too)
    link = (
        linked_pupils_of(incident)
        .filter(pupil=pupil)
        .exclude(pupil_id=incident.review.pupil_id)
        .first()
    )
    if link is None:
        raise Http404
    allocation = current_allocations(incident, [link.pupil_id]).get(link.pupil_id)
    current = list(allocation.categories.all()) if allocation is not None else []
    data = request.POST if request.method == "POST" else None  # none ticked: still a post
    form = LinkedCategoriesForm(data, school=request.school, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            allocate_linked_categories(
                membership=request.membership,
                incident=incident,
                pupil=link.pupil,
                categories=form.cleaned_data["categories"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"Categories for {name_and_initial(link.pupil)} saved.")
            return redirect(f"{reverse('incidents:incident-detail', args=[incident.pk])}#review")
    context = {
        "incident": incident,
        "link": link,
        "name": name_and_initial(link.pupil),
        "allocation": allocation,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "casework/linked_categories_form.html", context, status=status)
