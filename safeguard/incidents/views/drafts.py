"""Drafts of an incident: the autosave, "Save draft and finish later", resuming and
discarding one, and keeping the form as a draft when the session ends mid-submit."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SafeguardRequest, SchoolRequest
from safeguard.incidents.access import get_draft_for
from safeguard.incidents.forms.fields import INTENT_FIELDS
from safeguard.incidents.forms.recording import IncidentForm, as_form_data
from safeguard.incidents.links import key_for
from safeguard.incidents.models import Draft
from safeguard.incidents.services import drafts
from safeguard.incidents.views.incident_form import render_incident_form

# Fields a draft never keeps: the CSRF token, which button was pressed, and the key itself.
NOT_DRAFTED = {"csrfmiddlewaretoken", *INTENT_FIELDS, "submit_key", "files"}


def draft_data(data: QueryDict) -> dict[str, list[str]]:
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


def keep_as_draft(request: SafeguardRequest) -> bool:
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
    return keep_posted_draft(request, membership) is not None


def submit_key_of(data: QueryDict) -> uuid.UUID | None:
    try:
        return uuid.UUID(data.get("submit_key", ""))
    except ValueError:
        return None


def _save_posted_draft(
    request: SafeguardRequest, membership: Membership, key: uuid.UUID
) -> Draft | None:
    """`drafts.save_draft` for the incident form in this POST, under `key`."""
    return drafts.save_draft(membership=membership, submit_key=key, data=draft_data(request.POST))


def keep_posted_draft(request: SafeguardRequest, membership: Membership) -> Draft | None:
    """Keep the incident form in this POST as the member's draft, if it can be kept: None
    when its key is missing or the draft is refused (the caller says what happened)."""
    key = submit_key_of(request.POST)
    if key is None:
        return None
    try:
        return _save_posted_draft(request, membership, key)
    except ValidationError:
        return None


@require_POST
@requires(Capability.RECORD_INCIDENT)
def draft_save(request: SchoolRequest) -> HttpResponse:
    """Autosave while the author types (JavaScript, including sendBeacon on leaving)."""
    key = submit_key_of(request.POST)
    if key is None:
        return JsonResponse({"error": "This form has expired: start a new incident."}, status=400)
    try:
        draft = _save_posted_draft(request, request.membership, key)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if draft is None:
        # Nothing written or chosen yet (drafts.is_worth_keeping): no draft to show.
        return JsonResponse({"kept": False})
    saved_at = timezone.localtime(draft.updated_at)
    answer = {"kept": True, "saved_at": f"{saved_at:%H:%M}", "draft": key_for("draft", draft.pk)}
    if draft.submit_key != key:
        # The page carries on with the new key (recording.js), so the next save updates it.
        answer |= {"submit_key": str(draft.submit_key), "notice": _moved_notice(request)}
    return JsonResponse(answer)


def _moved_notice(request: SchoolRequest) -> str:
    school = request.school
    return (
        f"This form was started in another school, so what you typed has been saved as a "
        f"new draft in {school.name}. The draft in the other school is unchanged."
    )


def save_draft_and_leave(request: SchoolRequest) -> HttpResponse:
    """The "Save draft and finish later" button, which works without JavaScript."""
    key = submit_key_of(request.POST)
    if key is not None:
        try:
            draft = _save_posted_draft(request, request.membership, key)
        except ValidationError as error:
            form = IncidentForm(request.POST, membership=request.membership)
            form.add_error(None, error.messages)
            return render_incident_form(request, form, show_errors=True)
        if draft is None:
            messages.info(request, "Nothing to save yet: no draft was kept.")
        elif draft.submit_key != key:
            messages.success(request, f"{_moved_notice(request)} Carry on from your dashboard.")
        else:
            messages.success(request, "Draft saved. Carry on writing from your dashboard.")
    return redirect("dashboard")


@require_GET
@requires(Capability.RECORD_INCIDENT)
def draft_resume(request: SchoolRequest, draft_id: int) -> HttpResponse:
    draft = get_draft_for(request, draft_id)
    data = as_form_data(draft.data)
    data.setlist("submit_key", [str(draft.submit_key)])
    form = IncidentForm(data, membership=request.membership)
    return render_incident_form(request, form, show_errors=False, draft=draft)


@require_POST
@requires(Capability.RECORD_INCIDENT)
def draft_discard(request: SchoolRequest, draft_id: int) -> HttpResponse:
    draft = get_draft_for(request, draft_id)
    drafts.discard_draft(membership=request.membership, draft=draft)
    messages.success(request, "Draft discarded.")
    return redirect("dashboard")
