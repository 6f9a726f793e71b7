"""Add Incident (school policy section 5, steps 1-8): the form and its searches.

The form works without JavaScript: the searches are plain submit buttons that
show the form again with the matches, and nothing typed is lost. With
JavaScript the same fields gain type-ahead searches (POSTed, so no name ever
appears in a URL), a live "who will be told" summary, and a draft saved as
the author types.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, is_lead, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.incidents.forms.fields import intent_of
from safeguard.incidents.forms.recording import IncidentForm
from safeguard.incidents.models import Incident
from safeguard.incidents.services import attachments, recording
from safeguard.incidents.services.submitting import Submitted
from safeguard.incidents.views.drafts import (
    keep_posted_draft,
    save_draft_and_leave,
    submit_key_of,
)
from safeguard.incidents.views.incident_form import (
    MIN_SEARCH_LENGTH,
    pupils_matching,
    recipients_for_form,
    render_incident_form,
    staff_matching_for,
)
from safeguard.pupils.markers import markers_for

# The form -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_INCIDENT)
def incident_add(request: SchoolRequest) -> HttpResponse:
    membership: Membership = request.membership
    if request.method == "GET":
        form = IncidentForm(initial=IncidentForm.initial_for(), membership=membership)
        return render_incident_form(request, form)

    # Which button was pressed: the form's buttons all post `intent`.
    intent = intent_of(request.POST)
    if intent == "save-draft":
        return save_draft_and_leave(request)
    if intent != "submit":
        data, matches = _apply_search_intent(request, intent)
        form = IncidentForm(data, membership=membership)
        return render_incident_form(request, form, show_errors=False, **matches)

    form = IncidentForm(request.POST, request.FILES, membership=membership)
    # A retried or double-clicked submit lands on the incident the first one recorded.
    key = submit_key_of(request.POST)
    if key is not None:
        earlier = recording.submitted_earlier(membership=membership, submit_key=key)
        if earlier is not None:
            return _recorded(request, earlier)
    file_errors: list[str] = []
    if form.is_valid():
        try:
            submitted = recording.submit_incident(membership=membership, **form.service_arguments)
        except attachments.StoreFailed as failure:
            return _kept_as_draft_after_store_failed(request, form, failure)
        except attachments.FilesRefused as refused:
            file_errors = refused.problems
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            return _recorded(request, submitted)
    return render_incident_form(
        request,
        form,
        file_errors=file_errors,
        files_not_kept=bool(request.FILES.getlist("files")),
    )


def _kept_as_draft_after_store_failed(
    request: SchoolRequest,
    form: IncidentForm,
    failure: attachments.StoreFailed,
) -> HttpResponse:
    """The files could not be stored: nothing is recorded, what was typed is kept as a draft
    (and stays on the page, to submit without the files)."""
    problem = "The file store is full" if failure.full else "The file store isn't working"
    kept = keep_posted_draft(request, request.membership)
    if kept is not None:
        message = (
            f"{problem}; your incident has been kept as a draft and nothing has been "
            "recorded or stored. Tell your IT support. You can submit it now without the "
            "files, and add them as an action later."
        )
    else:
        message = (
            f"{problem}, so your incident has not been recorded and no file was stored. "
            "Tell your IT support. Your text is below: submit it without the files."
        )
    form.add_error(None, message)
    return render_incident_form(request, form, files_not_kept=True, status=503, draft=kept)


def _recorded(request: SchoolRequest, submitted: Submitted[Incident]) -> HttpResponse:
    if submitted.told == 0:
        told = "Nobody else has been alerted."
    elif submitted.told == 1:
        told = "1 person has been alerted."
    else:
        told = f"{submitted.told} people have been alerted."
    messages.success(request, f"Incident recorded. {told}")
    return redirect("incidents:incident-detail", incident_id=submitted.record.pk)


def _apply_service_errors(form: IncidentForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        if field == "occurred_at":
            field = "occurred_on"
        form.add_error(field if field in form.fields else None, problems)


def _apply_search_intent(request: SchoolRequest, intent: str) -> tuple[QueryDict, dict[str, Any]]:
    """The buttons that stand in for type-ahead without JavaScript. Nothing is saved."""
    membership: Membership = request.membership
    data = request.POST.copy()
    found: dict[str, Any] = {}
    if intent == "search-pupil":
        found["pupil_matches"] = pupils_matching(membership, data.get("pupil_query", ""))
        found["searched"] = "pupil"
    elif intent == "change-pupil":
        data["pupil"] = ""
        data["pupil_query"] = ""
    elif intent == "search-links":
        chosen = set(data.getlist("link_pupil")) | {data.get("pupil", "")}
        found["link_matches"] = [
            pupil
            for pupil in pupils_matching(membership, data.get("link_query", ""))
            if str(pupil.pk) not in chosen
        ]
        found["searched"] = "links"
    elif intent.startswith("remove-link-"):
        gone = intent.removeprefix("remove-link-")
        data.setlist("link_pupil", [v for v in data.getlist("link_pupil") if v != gone])
    elif intent == "search-people":
        chosen = set(data.getlist("people"))
        found["people_matches"] = [
            person
            for person in staff_matching_for(membership, data.get("people_query", ""))
            if str(person.pk) not in chosen
        ]
        found["searched"] = "people"
    elif intent.startswith("remove-person-"):
        gone = intent.removeprefix("remove-person-")
        data.setlist("people", [v for v in data.getlist("people") if v != gone])
    return data, found


def _suggestions(
    request: SchoolRequest,
    template: str,
    name: str,
    search: Callable[[Membership, str], list[Any]],
    **context: Any,
) -> HttpResponse:
    """The type-ahead's options for the term typed, or a note that it is too short."""
    term = request.POST.get("term", "")
    found = search(request.membership, term)
    too_short = len(term.strip()) < MIN_SEARCH_LENGTH
    return fragment(template, {name: found, "too_short": too_short, **context})


@require_POST
@requires(Capability.RECORD_INCIDENT)
def pupil_search(request: SchoolRequest) -> HttpResponse:
    """Suggestions for the pupil pickers: name, class and year, archived marked."""
    lead = is_lead(request.membership)
    template = "incidents/recording/pupil_options.html"
    markers = markers_for(request.membership)
    return _suggestions(
        request, template, "pupils", pupils_matching, is_lead=lead, pupil_markers=markers
    )


@require_POST
@requires(Capability.RECORD_INCIDENT)
def staff_search(request: SchoolRequest) -> HttpResponse:
    """Suggestions for "alert someone by name": the school's active staff."""
    template = "incidents/recording/staff_options.html"
    return _suggestions(request, template, "people", staff_matching_for)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def recipients_preview(request: SchoolRequest) -> HttpResponse:
    """The form's live "who will be told" summary."""
    form = IncidentForm(request.POST, membership=request.membership)
    return fragment(
        "incidents/recording/recipients.html", {"recipients": recipients_for_form(request, form)}
    )


def fragment(template: str, context: dict[str, Any]) -> HttpResponse:
    """A piece of a page for htmx to swap in, typed as fast as people type: rendered from
    its own context only, without the context processors' work for the whole page (the
    header's alert count, the session timer), which a fragment never shows."""
    return HttpResponse(render_to_string(template, context))
