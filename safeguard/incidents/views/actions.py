"""Adding an action below an incident, and the actions assigned to me ("Your tasks")."""

import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.selectors import staff_matching
from safeguard.incidents import links
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.forms.actions import ActionForm, now_for_input
from safeguard.incidents.forms.fields import intent_of
from safeguard.incidents.models import Action, Incident
from safeguard.incidents.selectors import (
    TASKS_DUE_FIRST,
    open_assignments_for,
    task_edge,
)
from safeguard.incidents.services import attachments
from safeguard.incidents.services.actions import submit_action
from safeguard.lib import keyset

PAGE_SIZE = 50
# "Your tasks" counts them up to here, then says "More than 1,000 open tasks".
COUNT_LIMIT = 1000


def _incident_url(incident: Incident, anchor: str = "") -> str:
    url = reverse("incidents:incident-detail", args=[incident.pk])
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_INCIDENT)
def action_add(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Anyone who can see the incident adds an action below it (policy section 5 step 10)."""
    incident = get_incident_for(request, incident_id)
    membership = request.membership
    file_errors: list[str] = []
    button = intent_of(request.POST)
    if request.method == "POST" and button != "submit":
        return _after_search_button(request, incident, button)
    if request.method == "POST":
        form = ActionForm(request.POST, request.FILES, membership=membership, incident=incident)
        if form.is_valid():
            try:
                submitted = submit_action(
                    membership=membership, incident=incident, **form.service_arguments
                )
            except attachments.StoreFailed as failure:
                problem = "full" if failure.full else "not working"
                form.add_error(
                    None,
                    f"The file store is {problem}, so your action has not been added and no "
                    "file was stored. Tell your IT support. Your text is below: add the action "
                    "without the files, or try again later.",
                )
                return _render_form(request, incident, form, status=503)
            except attachments.FilesRefused as refused:
                file_errors = refused.problems
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # A double click or a retried request lands on the action already there.
                if submitted.is_new:
                    messages.success(request, _added_message(submitted.told))
                anchor = f"action-{links.key_for('action', submitted.record.pk)}"
                return redirect(_incident_url(incident, anchor))
    else:
        form = ActionForm(
            membership=membership,
            incident=incident,
            initial={
                "submit_key": uuid.uuid4(),
                "occurred_at": now_for_input(),
                "follows_up": request.GET.get("follows_up") or None,
            },
        )
    return _render_form(
        request, incident, form, file_errors=file_errors, status=400 if form.is_bound else 200
    )


def _added_message(told: int) -> str:
    if not told:
        return "Action added."
    return f"Action added. {told} {'person' if told == 1 else 'people'} alerted."


def _render_form(
    request: SchoolRequest,
    incident: Incident,
    form: ActionForm,
    *,
    file_errors: Sequence[str] = (),
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "incidents/action_form.html",
        {
            "incident": incident,
            "form": form,
            "errors": form.errors if form.is_bound else {},
            "file_errors": file_errors,
            "is_lead": form.is_lead,
            "chosen_people": form.chosen_people(form.data) if form.is_bound else [],
            "staff_search_url": reverse("incidents:action-staff-search", args=[incident.pk]),
            **extra,
        },
        status=status,
    )


def _after_search_button(request: SchoolRequest, incident: Incident, button: str) -> HttpResponse:
    """The buttons that stand in for the type-ahead without JavaScript. Nothing is saved,
    no problem is shown yet, and everything typed is kept (files must be chosen again)."""
    data = request.POST.copy()
    if button.startswith("remove-person-"):
        gone = button.removeprefix("remove-person-")
        data.setlist("people", [v for v in data.getlist("people") if v != gone])
    # Unbound, showing what was posted: no problem is shown until "Add action" is pressed.
    form = ActionForm(
        membership=request.membership,
        incident=incident,
        initial={
            name: data.getlist(name) if name in ("groups", "people") else data.get(name)
            for name in data
        },
    )
    extra: dict[str, Any] = {"chosen_people": form.chosen_people(data)}
    if button == "search-people":
        chosen = set(data.getlist("people"))
        offered = form.offered_people(is_shared=_is_shared(request))
        extra["people_matches"] = [
            person
            for person in staff_matching(offered, data.get("people_query", ""))
            if str(person.pk) not in chosen
        ]
        extra["searched"] = "people"
    return _render_form(request, incident, form, **extra)


def _is_shared(request: SchoolRequest) -> bool:
    return bool(request.POST.get("is_shared_with_alerted"))


@require_POST
@requires(Capability.RECORD_INCIDENT)
def action_staff_search(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Suggestions for "alert someone by name" on the add action form: only whom this
    action may alert (leads only about a restricted incident or for a lead's own action
    that isn't shared). POSTed, so the letters typed never reach an address or a log."""
    incident = get_incident_for(request, incident_id)
    form = ActionForm(membership=request.membership, incident=incident)
    term = request.POST.get("term", "")
    return render(
        request,
        "incidents/recording/staff_options.html",
        {"people": staff_matching(form.offered_people(is_shared=_is_shared(request)), term)},
    )


@require_GET
@requires(Capability.RECORD_INCIDENT)
def assignment_list(request: SchoolRequest) -> HttpResponse:
    """ "Your tasks": the actions assigned to me with no follow-up yet, the longest overdue
    first. Paged from the task at the page's edge (`?after=` or `?before=` its key), never
    by page number, and counted up to a bound, so a page costs the same however many tasks
    the school or the person has had."""
    assignments = open_assignments_for(request.membership)
    page = keyset.page_of(
        assignments,
        TASKS_DUE_FIRST,
        size=PAGE_SIZE,
        after=_task_edge(request, "after"),
        before=_task_edge(request, "before"),
    )
    return render(
        request,
        "incidents/assignment_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "pager": keyset.links(page, lambda task: links.key_for("action", task.pk)),
            "count_label": open_task_count_label(assignments, limit=COUNT_LIMIT),
        },
    )


def open_task_count_label(assignments: QuerySet[Action], *, limit: int) -> str:
    """ "3 open tasks", or beyond `limit` "More than 1,000 open tasks" (counted no further)."""
    count = keyset.bounded_count(assignments, limit + 1)
    if count > limit:
        return f"More than {limit:,} open tasks"
    return ngettext("%(count)s open task", "%(count)s open tasks", count) % {"count": f"{count:,}"}


def _task_edge(request: SchoolRequest, name: str) -> tuple[object, ...] | None:
    """Where the reader's task named by `?after=` or `?before=` (its key) stands in the list."""
    action_id = links.id_from_key("action", request.GET.get(name, ""))
    return None if action_id is None else task_edge(request.membership, action_id)
