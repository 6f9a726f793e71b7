"""Add Incident (school policy section 5, steps 1-8): the form, its searches and drafts.

The form works without JavaScript: the searches are plain submit buttons that
show the form again with the matches, and nothing typed is lost. With
JavaScript the same fields gain type-ahead searches (POSTed, so no name ever
appears in a URL), a live "who will be told" summary, and a draft saved as
the author types.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.selectors import staff_matching
from safeguard.incidents import alerting, attachments, bodymap, recording
from safeguard.incidents.access import get_draft_for
from safeguard.incidents.models import Alert, AlertReason, Draft, Incident, LinkRole
from safeguard.incidents.recording_forms import (
    IncidentForm,
    alertable_staff,
    as_form_data,
    is_lead,
    parse_id,
)
from safeguard.pupils.models import Pupil
from safeguard.pupils.selectors import search_pupils

SEARCH_LIMIT = 10
MIN_SEARCH_LENGTH = 2
# Fields a draft never keeps: the CSRF token, which button was pressed, and the key itself.
NOT_DRAFTED = {"csrfmiddlewaretoken", "action", "submit_key", "files"}
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


# The form -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_INCIDENT)
def incident_add(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    if request.method == "GET":
        form = IncidentForm(initial=IncidentForm.initial_for(), membership=membership)
        return _render_form(request, form)

    action = request.POST.get("action", "submit")
    if action == "save-draft":
        return _save_draft_and_leave(request)
    if action != "submit":
        data, matches = _apply_search_action(request, action)
        form = IncidentForm(data, membership=membership)
        return _render_form(request, form, show_errors=False, **matches)

    form = IncidentForm(request.POST, membership=membership)
    # A retried or double-clicked submit lands on the incident the first one recorded.
    earlier = _recorded_with(membership, request.POST.get("submit_key", ""))
    if earlier is not None:
        return _recorded(request, earlier)
    marks, mark_errors = bodymap.parse_marks(request.POST)
    form_is_valid = form.is_valid()
    stored: list[recording.StoredFile] = []
    file_errors: list[str] = []
    if form_is_valid and not mark_errors:
        try:
            stored, file_errors = attachments.store_uploads(
                request.FILES.getlist("files"),
                school=request.school,  # type: ignore[attr-defined]
            )
        except attachments.StoreFailed as failure:
            return _kept_as_draft_after_store_failed(request, form, failure, mark_errors)
    if form_is_valid and not mark_errors and not file_errors:
        try:
            incident, _ = recording.record_incident(
                membership=membership, marks=marks, files=stored, **form.service_arguments
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            return _recorded(request, incident)
    return _render_form(
        request,
        form,
        mark_errors=mark_errors,
        file_errors=file_errors,
        files_not_kept=bool(request.FILES.getlist("files")),
    )


def _kept_as_draft_after_store_failed(
    request: HttpRequest,
    form: IncidentForm,
    failure: attachments.StoreFailed,
    mark_errors: list[str],
) -> HttpResponse:
    """The files could not be stored: nothing is recorded, what was typed is kept as a draft
    (and stays on the page, to submit without the files)."""
    problem = "The file store is full" if failure.full else "The file store isn't working"
    key = _submit_key(request.POST)
    kept = None
    if key is not None:
        try:
            kept = recording.save_draft(
                membership=request.membership,  # type: ignore[attr-defined]
                submit_key=key,
                data=_draft_data(request.POST),
            )
        except ValidationError:
            kept = None
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
    return _render_form(
        request,
        form,
        mark_errors=mark_errors,
        files_not_kept=True,
        status=503,
        draft=kept,
    )


def _recorded_with(membership: Membership, submit_key: str) -> Incident | None:
    try:
        key = uuid.UUID(submit_key)
    except ValueError:
        return None
    return (
        Incident.objects.for_school(membership.school)
        .filter(submit_key=key, author=membership.user)
        .first()
    )


def _recorded(request: HttpRequest, incident: Incident) -> HttpResponse:
    alerted = (
        Alert.objects.for_school(incident.school_id)
        .filter(incident=incident, action__isnull=True)
        .count()
    )
    if alerted == 0:
        told = "Nobody else has been alerted."
    elif alerted == 1:
        told = "1 person has been alerted."
    else:
        told = f"{alerted} people have been alerted."
    messages.success(request, f"Incident recorded. {told}")
    return redirect("incidents:incident-detail", incident_id=incident.pk)


def _apply_service_errors(form: IncidentForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        if field == "occurred_at":
            field = "occurred_on"
        form.add_error(field if field in form.fields else None, problems)


def _apply_search_action(request: HttpRequest, action: str) -> tuple[QueryDict, dict[str, Any]]:
    """The buttons that stand in for type-ahead without JavaScript. Nothing is saved."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    data = request.POST.copy()
    found: dict[str, Any] = {}
    if action == "search-pupil":
        found["pupil_matches"] = _pupils_matching(membership, data.get("pupil_query", ""))
        found["searched"] = "pupil"
    elif action == "change-pupil":
        data["pupil"] = ""
        data["pupil_query"] = ""
    elif action == "search-links":
        chosen = set(data.getlist("link_pupil")) | {data.get("pupil", "")}
        found["link_matches"] = [
            pupil
            for pupil in _pupils_matching(membership, data.get("link_query", ""))
            if str(pupil.pk) not in chosen
        ]
        found["searched"] = "links"
    elif action.startswith("remove-link-"):
        gone = action.removeprefix("remove-link-")
        data.setlist("link_pupil", [v for v in data.getlist("link_pupil") if v != gone])
    elif action == "search-people":
        chosen = set(data.getlist("people"))
        found["people_matches"] = [
            person
            for person in _staff_matching(membership, data.get("people_query", ""))
            if str(person.pk) not in chosen
        ]
        found["searched"] = "people"
    elif action.startswith("remove-person-"):
        gone = action.removeprefix("remove-person-")
        data.setlist("people", [v for v in data.getlist("people") if v != gone])
    return data, found


def _render_form(
    request: HttpRequest,
    form: IncidentForm,
    *,
    show_errors: bool = True,
    draft: Draft | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    errors = form.errors if form.is_bound else {}
    shown = errors if show_errors else {}
    summary = [
        (ANCHORS.get(field, ""), message)
        for field, problems in shown.items()
        for message in problems
        if field != "submit_key"
    ]
    summary += [("", message) for message in shown.get("submit_key", [])]
    summary += [("body-map-section", message) for message in extra.get("mark_errors", [])]
    summary += [("id_files", message) for message in extra.get("file_errors", [])]
    context = {
        "form": form,
        "errors": shown,
        "error_summary": summary,
        "draft": draft,
        "is_lead": is_lead(membership),
        "chosen_pupil": _chosen_pupil(form),
        "link_rows": _link_rows(form),
        "chosen_people": _chosen_people(form),
        "link_roles": LinkRole.choices,
        "recipients": _recipients(request, form) if form.is_bound else [],
        "mark_rows": bodymap.mark_rows_for_form(form.data if form.is_bound else None),
        **extra,
    }
    return render(request, "incidents/incident_form.html", context, status=status)


def _chosen_pupil(form: IncidentForm) -> Pupil | None:
    if not form.is_bound:
        return None
    pupil = form.cleaned_data.get("pupil") if hasattr(form, "cleaned_data") else None
    if pupil is not None:
        return pupil
    pk = parse_id(form.data.get("pupil", ""))
    if pk is None:
        return None
    return Pupil.objects.for_school(form.membership.school).filter(pk=pk).first()


def _link_rows(form: IncidentForm) -> list[dict[str, Any]]:
    if not form.is_bound:
        return []
    form.errors  # noqa: B018 - cleaning collects the rows, including ones with problems
    return [{"pupil": row.pupil, "role": row.role} for row in form.link_rows]


def _chosen_people(form: IncidentForm) -> list[Membership]:
    if not form.is_bound:
        return []
    ids = [pk for pk in (parse_id(v) for v in form.data.getlist("people")) if pk is not None]
    if not ids:
        return []
    people = alertable_staff(form.membership).in_bulk(ids)
    return [people[pk] for pk in dict.fromkeys(ids) if pk in people]


def _recipients(request: HttpRequest, form: IncidentForm) -> list[dict[str, Any]]:
    """Who would be told if the form were submitted now, from the choices that are valid."""
    form.errors  # noqa: B018 - runs the cleaning that collects the valid choices
    data = form.cleaned_data
    recipients = alerting.recipients_for(
        school=request.school,  # type: ignore[attr-defined]
        author=request.user,  # type: ignore[arg-type]
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


def _pupils_matching(membership: Membership, term: str) -> list[Pupil]:
    # PostgreSQL refuses a null character in a query; no name holds one.
    term = term.replace("\x00", "").strip()[:100]
    if len(term) < MIN_SEARCH_LENGTH:
        return []
    return list(
        search_pupils(
            school=membership.school, term=term, include_archived=True, limit=SEARCH_LIMIT
        )
    )


def _staff_matching(membership: Membership, term: str) -> list[Membership]:
    return staff_matching(alertable_staff(membership), term, limit=SEARCH_LIMIT)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def pupil_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for the pupil pickers: name, class and year, archived marked."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    term = request.POST.get("term", "")
    return render(
        request,
        "incidents/recording/pupil_options.html",
        {
            "pupils": _pupils_matching(membership, term),
            "is_lead": is_lead(membership),
            "too_short": len(term.strip()) < MIN_SEARCH_LENGTH,
        },
    )


@require_POST
@requires(Capability.RECORD_INCIDENT)
def staff_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for "alert someone by name": the school's active staff."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    term = request.POST.get("term", "")
    return render(
        request,
        "incidents/recording/staff_options.html",
        {
            "people": _staff_matching(membership, term),
            "too_short": len(term.strip()) < MIN_SEARCH_LENGTH,
        },
    )


@require_POST
@requires(Capability.RECORD_INCIDENT)
def recipients_preview(request: HttpRequest) -> HttpResponse:
    """The form's live "who will be told" summary."""
    form = IncidentForm(request.POST, membership=request.membership)  # type: ignore[attr-defined]
    return render(
        request,
        "incidents/recording/recipients.html",
        {"recipients": _recipients(request, form)},
    )


# Drafts -----------------------------------------------------------------------------------


def _draft_data(data: QueryDict) -> dict[str, list[str]]:
    """What a draft keeps: every field as typed, except files, the token and the button.

    Null characters can't be stored in PostgreSQL's JSON; the submit says what's wrong.
    No field of the form has one in its name, so such a field is not kept at all.
    """
    return {
        key: [value.replace("\x00", "") for value in data.getlist(key)]
        for key in data
        if key not in NOT_DRAFTED and "\x00" not in key
    }


# Where a POST carries an incident being written: if the session ends just as it arrives,
# it is kept as a draft rather than lost (safeguard.accounts.sessions).
DRAFTABLE_URL_NAMES = frozenset({"incidents:incident-add", "incidents:draft-save"})


def keep_as_draft(request: HttpRequest) -> bool:
    """Save the incident form in this POST as its author's draft; True if one was saved.

    Called when a session times out with the form in flight (no JavaScript autosave), so
    the author finds their words in "Carry on writing" after signing in again.
    """
    membership = getattr(request, "membership", None)
    if request.method != "POST" or membership is None:
        return False
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return False
    try:
        if resolve(request.path_info).view_name not in DRAFTABLE_URL_NAMES:
            return False
    except Resolver404:
        return False
    key = _submit_key(request.POST)
    if key is None:
        return False
    try:
        kept = recording.save_draft(
            membership=membership, submit_key=key, data=_draft_data(request.POST)
        )
    except ValidationError:
        return False
    return kept is not None


def _submit_key(data: QueryDict) -> uuid.UUID | None:
    try:
        return uuid.UUID(data.get("submit_key", ""))
    except ValueError:
        return None


@require_POST
@requires(Capability.RECORD_INCIDENT)
def draft_save(request: HttpRequest) -> HttpResponse:
    """Autosave while the author types (JavaScript, including sendBeacon on leaving)."""
    key = _submit_key(request.POST)
    if key is None:
        return JsonResponse({"error": "This form has expired: start a new incident."}, status=400)
    try:
        draft = recording.save_draft(
            membership=request.membership,  # type: ignore[attr-defined]
            submit_key=key,
            data=_draft_data(request.POST),
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if draft is None:
        # Nothing written or chosen yet (recording.is_worth_keeping): no draft to show.
        return JsonResponse({"kept": False})
    saved_at = timezone.localtime(draft.updated_at)
    answer = {"kept": True, "saved_at": f"{saved_at:%H:%M}", "draft_id": draft.pk}
    if draft.submit_key != key:
        # The page carries on with the new key (recording.js), so the next save updates it.
        answer |= {"submit_key": str(draft.submit_key), "notice": _moved_notice(request)}
    return JsonResponse(answer)


def _moved_notice(request: HttpRequest) -> str:
    school = request.school  # type: ignore[attr-defined]
    return (
        f"This form was started in another school, so what you typed has been saved as a "
        f"new draft in {school.name}. The draft in the other school is unchanged."
    )


def _save_draft_and_leave(request: HttpRequest) -> HttpResponse:
    """The "Save draft and finish later" button, which works without JavaScript."""
    key = _submit_key(request.POST)
    if key is not None:
        try:
            draft = recording.save_draft(
                membership=request.membership,  # type: ignore[attr-defined]
                submit_key=key,
                data=_draft_data(request.POST),
            )
        except ValidationError as error:
            form = IncidentForm(request.POST, membership=request.membership)  # type: ignore[attr-defined]
            form.add_error(None, error.messages)
            return _render_form(request, form, show_errors=True)
        if draft is None:
            messages.info(request, "Nothing to save yet: no draft was kept.")
        elif draft.submit_key != key:
            messages.success(request, f"{_moved_notice(request)} Carry on from your dashboard.")
        else:
            messages.success(request, "Draft saved. Carry on writing from your dashboard.")
    return redirect("dashboard")


@require_GET
@requires(Capability.RECORD_INCIDENT)
def draft_resume(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_draft_for(request, draft_id)
    data = as_form_data(draft.data)
    data.setlist("submit_key", [str(draft.submit_key)])
    form = IncidentForm(data, membership=request.membership)  # type: ignore[attr-defined]
    return _render_form(request, form, show_errors=False, draft=draft)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_draft_for(request, draft_id)
    recording.discard_draft(membership=request.membership, draft=draft)  # type: ignore[attr-defined]
    messages.success(request, "Draft discarded.")
    return redirect("dashboard")
