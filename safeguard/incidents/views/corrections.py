"""DSL corrections to an incident, and "Report a mistake to the DSL".

Each page shows its form on GET and applies it on POST, then returns to the
incident. The incident itself never changes: see `corrections.py`.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.incidents.access import get_incident_for
from safeguard.incidents.forms.corrections import (
    KeepWithLeadsForm,
    MistakeForm,
    MoveForm,
    MoveSearchForm,
    RecategoriseForm,
    StatusForm,
    WithdrawForm,
)
from safeguard.incidents.models import Incident
from safeguard.incidents.selectors import categories_shown_to, pupils_to_move_to
from safeguard.incidents.services import corrections
from safeguard.pupils.models import Pupil
from safeguard.pupils.selectors import search_pupils


def _apply(form: forms.Form, change: Callable[[], Any]) -> bool:
    """Run the service; put its refusals next to the right fields. True if it worked."""
    try:
        change()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
        return False
    return True


def _page(
    request: SchoolRequest, incident: Incident, form: forms.Form, **context: Any
) -> HttpResponse:
    return render(
        request,
        "incidents/correction_form.html",
        {"incident": incident, "review": incident.review, "form": form, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


def _done(request: SchoolRequest, incident: Incident, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("incidents:incident-detail", incident_id=incident.pk)


@require_http_methods(["GET", "POST"])
@requires(Capability.ALLOCATE_RESTRICTED_CATEGORIES)
def incident_recategorise(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    membership = request.membership
    form = RecategoriseForm(
        request.POST or None,
        membership=membership,
        initial={"categories": categories_shown_to(membership, incident)},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: corrections.recategorise(
                membership=membership,
                incident=incident,
                categories=list(form.cleaned_data["categories"]),
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        return _done(request, incident, "Categories changed. The original categories are kept.")
    return _page(
        request,
        incident,
        form,
        title="Change the categories",
        intro="Choose the full set of categories this incident should have, including "
        "restricted ones. The categories it was recorded with are kept and stay visible to DSLs.",
        submit="Change categories",
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.VIEW_ALL_INCIDENTS)
def incident_move(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Find the right child by a posted search, then move the incident to them."""
    incident = get_incident_for(request, incident_id)
    school = request.school
    review = incident.review
    searching = request.method == "POST" and request.POST.get("step") != "move"
    search_form = MoveSearchForm(request.POST if request.method == "POST" else None)
    form = MoveForm(
        request.POST if request.method == "POST" and not searching else None,
        pupils=pupils_to_move_to(incident),
    )
    if request.method == "POST" and not searching and form.is_valid():
        pupil = form.cleaned_data["pupil"]
        if _apply(
            form,
            lambda: corrections.move_to_pupil(
                membership=request.membership,
                incident=incident,
                pupil=pupil,
                reason=form.cleaned_data["reason"],
            ),
        ):
            return _done(
                request, incident, "Incident moved. It still shows the pupil it was recorded on."
            )
    found: list[Pupil] = []
    if search_form.is_bound and search_form.is_valid():
        found = [
            pupil
            for pupil in search_pupils(
                school=school, term=search_form.cleaned_data["search"], include_archived=True
            )
            if pupil.pk != review.pupil_id
        ]
    chosen = getattr(form, "cleaned_data", {}).get("pupil")
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    form.offer_only(found)
    has_errors = (searching and search_form.errors) or (form.is_bound and form.errors)
    return render(
        request,
        "incidents/correction_move.html",
        {
            "incident": incident,
            "review": review,
            "search_form": search_form,
            "form": form,
            "found": found,
            "searched": search_form.is_bound and not search_form.errors,
        },
        status=400 if has_errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.VIEW_ALL_INCIDENTS)
def incident_withdraw(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    form = WithdrawForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: corrections.withdraw(
                membership=request.membership,
                incident=incident,
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        return _done(request, incident, "Record withdrawn. It is kept, unchanged, for the audit.")
    return _page(
        request,
        incident,
        form,
        title="Withdraw this record",
        intro="Withdraw a record made on the wrong child. Nothing is deleted: the record is "
        "kept, marked withdrawn, and its author still sees it with that notice. If it belongs "
        "to another child, move it instead.",
        submit="Withdraw record",
        danger=True,
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.VIEW_ALL_INCIDENTS)
def incident_status(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    form = StatusForm(request.POST or None, initial={"status": incident.review.status})
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: corrections.set_status(
                membership=request.membership,
                incident=incident,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        return _done(request, incident, "Status changed.")
    return _page(
        request,
        incident,
        form,
        title="Change the status",
        intro="Open, monitor or close this incident. Record your decision and its rationale, "
        "including any decision not to refer.",
        submit="Change status",
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.VIEW_ALL_INCIDENTS)
def incident_keep_with_leads(request: SchoolRequest, incident_id: int) -> HttpResponse:
    """Keep the incident with the leads, or release it: only leads are alerted or assigned
    on it while it is kept. The page offers whichever the incident is not now."""
    incident = get_incident_for(request, incident_id)
    kept = incident.review.is_kept_with_leads
    form = KeepWithLeadsForm(request.POST or None, initial={"keep": "no" if kept else "yes"})
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["keep"] == "yes"
        change = corrections.keep_with_leads if keep else corrections.release_from_leads
        if _apply(
            form,
            lambda: change(
                membership=request.membership,
                incident=incident,
                reason=form.cleaned_data["reason"],
            ),
        ):
            return _done(
                request,
                incident,
                "Kept with the leads: only DSLs and deputies can be alerted or given a task."
                if keep
                else "Released: staff can be alerted and given tasks again.",
            )
    if kept:
        title, submit = "Release from the leads", "Release from the leads"
        intro = (
            "Staff can then be alerted about this incident and given tasks on it again, "
            "unless it has a restricted category."
        )
    else:
        title, submit = "Keep with the leads", "Keep with the leads"
        intro = (
            "Only the school's DSLs and deputies can then be alerted about this incident or "
            "given a task on it. Staff already alerted still see what they saw; they are "
            "told only that the safeguarding leads alone can be told, never your reason."
        )
    return _page(request, incident, form, title=title, intro=intro, submit=submit)


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_INCIDENT)
def incident_report_mistake(request: SchoolRequest, incident_id: int) -> HttpResponse:
    incident = get_incident_for(request, incident_id)
    form = MistakeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: corrections.report_mistake(
                membership=request.membership, incident=incident, note=form.cleaned_data["note"]
            ),
        )
    ):
        return _done(request, incident, "Thank you. The DSLs have been alerted to the mistake.")
    return _page(
        request,
        incident,
        form,
        title="Report a mistake to the DSL",
        intro="A submitted incident can't be edited, by anyone. Tell the DSLs what is wrong "
        "and they will correct it; your note is kept with the incident.",
        submit="Send to the DSL",
    )
