"""Adding actions below an incident, and the assignments they give (policy section 5 step 10).

Anyone who can see an incident may add an action to it: what was done, when,
who should be told, optionally an assignment for a colleague with a date it is due
by, and files. Like the incident, an action never changes once added (the
database refuses UPDATE and DELETE), so an assignment is "done" when its assignee
adds the follow-up action that names it, never by editing the assignment.

An action added by a DSL or deputy is for the leads unless they tick "Share
this action with the staff alerted to this incident"; anyone else's is always
shared. About an incident kept with the leads (by a lead, or by a restricted
category: `selectors.is_kept_with_leads`), or a leads-only action, only leads are
alerted or assigned: naming anyone else is refused with a message saying why. Staff
who are not leads get one message whatever keeps the incident with the leads.

`submit_action` re-checks every rule the form checks, because a crafted request
can skip the form. The same submit key twice returns the first action (`submitting.py`).
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import is_lead, may_be_assigned
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import MAX_TEXT_LENGTH, Action, Incident, IncidentReview
from safeguard.incidents.selectors import (
    alerted_about,
    has_restricted_category,
    incidents_visible_to,
    is_kept_with_leads,
    review_is_kept_with_leads,
)
from safeguard.incidents.services import alerting, attachments
from safeguard.incidents.services.submitting import (
    CLOCK_SKEW,
    OncePerForm,
    Problems,
    Submitted,
    check_alert_choices,
)
from safeguard.lib import clock
from safeguard.lib.dates import display_datetime
from safeguard.lib.text import text_problem

ALREADY_USED = "This form was already used. Reload the page to add a new action."

RESTRICTED_INCIDENT = (
    "This incident has a restricted category, so only the school's DSLs and deputies can "
    "be alerted or given a task."
)
KEPT_BY_A_LEAD = (
    "A DSL or deputy has kept this incident with the leads, so only the school's DSLs and "
    "deputies can be alerted or given a task."
)
# What staff who are not leads are told, the same whatever keeps the incident with the
# leads: they must not learn that a restricted category was added, nor why a lead kept it
# (docs/alerts.md).
ONLY_LEADS = "Only the safeguarding leads can be told about this incident."
LEADS_ONLY_ACTION = (
    "This action is for the DSLs and deputies only, so only they can be alerted or given a "
    "task. Tick “Share this action with the staff alerted to this incident” to alert others."
)


class ActionChoices(TypedDict):
    """What the author chose on the add action form, as `submit_action` takes it."""

    incident: Incident
    submit_key: uuid.UUID
    text: str
    occurred_at: datetime.datetime
    assigned_to: NotRequired[Membership | None]
    due_on: NotRequired[datetime.date | None]
    follows_up: NotRequired[Action | None]
    tell_leads: NotRequired[bool]
    groups: NotRequired[Sequence[StaffGroup]]
    people: NotRequired[Sequence[Membership]]
    # A lead's choice; anyone else's action is always shared.
    is_shared_with_alerted: NotRequired[bool]


@dataclass(frozen=True)
class _Audience:
    """Who may read the action and be told of it."""

    is_shared: bool  # read by the staff alerted to the incident, not only by the leads
    is_kept_with_leads: bool  # the incident is kept with the leads now

    @property
    def leads_only(self) -> bool:
        """Only leads may be alerted or assigned: an incident kept with the leads or a
        lead's own action kept for the leads."""
        return self.is_kept_with_leads or not self.is_shared


ONCE_PER_FORM = OncePerForm(Action, refusal=ALREADY_USED, used_elsewhere=ALREADY_USED)


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def submit_action(
    *,
    membership: Membership,
    files: Sequence[UploadedFile[Any]] = (),
    **choices: Unpack[ActionChoices],
) -> Submitted[Action]:
    """Add the action below the incident, with its assignment, files and alerts.

    Raises as `recording.submit_incident` does; nothing is added then.
    """
    sent: ActionChoices = {
        "assigned_to": None,
        "due_on": None,
        "follows_up": None,
        "tell_leads": False,
        "groups": (),
        "people": (),
        **choices,
    }
    incident = sent["incident"]
    audience = _Audience(
        is_shared=choices.get("is_shared_with_alerted", False) or not is_lead(membership),
        is_kept_with_leads=is_kept_with_leads(incident),
    )
    action, is_new = ONCE_PER_FORM.submit(
        membership,
        sent["submit_key"],
        is_same_form=lambda earlier: (
            earlier.author_id == membership.user_id and earlier.incident_id == incident.pk
        ),
        check=lambda: _check(membership, sent, audience),
        create=lambda: _create(
            membership, sent, audience, attachments.store_or_refuse(files, school=membership.school)
        ),
    )
    return Submitted(action, is_new, told=alerted_about(action))


def _check(membership: Membership, sent: ActionChoices, audience: _Audience) -> None:
    problems = Problems()
    fail = problems.add
    incident, text, occurred_at = sent["incident"], sent["text"], sent["occurred_at"]
    assigned_to, due_on, follows_up = sent["assigned_to"], sent["due_on"], sent["follows_up"]
    leads_only = audience.leads_only
    school_id = membership.school_id
    if incident.school_id != school_id or not (
        incidents_visible_to(membership).filter(pk=incident.pk).exists()
    ):
        fail("__all__", "You can't add actions to this incident.")
    if not text.strip():
        fail("text", "Write what was done: this can't be empty.")
    else:
        problem = text_problem(text, max_length=MAX_TEXT_LENGTH)
        if problem:
            fail("text", problem)
    now = clock.now()
    if occurred_at > now + CLOCK_SKEW:
        fail("occurred_at", "The time of the action can't be in the future.")
    elif occurred_at < incident.occurred_at.replace(second=0, microsecond=0):
        # Compared to the minute: the form gives times to the minute.
        fail(
            "occurred_at",
            "The action can't be earlier than the incident it follows "
            f"({display_datetime(incident.occurred_at)}).",
        )
    why_leads_only = _why_leads_only(membership, incident, audience)
    if assigned_to is not None and (
        assigned_to.school_id != school_id or not may_be_assigned(assigned_to)
    ):
        fail("assigned_to", "Assign it to a member of staff at your school who records incidents.")
    elif assigned_to is not None and not may_be_assigned(assigned_to, leads_only=leads_only):
        fail("assigned_to", f"{_name(assigned_to)} isn't a DSL or deputy. {why_leads_only}")
    if assigned_to is not None and due_on is None:
        fail("due_on", "Give the date it is due by.")
    if due_on is not None:
        if assigned_to is None:
            fail("assigned_to", "Choose who the task is for, or clear the due date.")
        if due_on < clock.localdate():
            fail("due_on", "The due date can't be in the past.")
    if follows_up is not None and (
        follows_up.school_id != school_id
        or follows_up.incident_id != incident.pk
        or follows_up.assigned_to_id != membership.user_id
        or not (follows_up.is_shared_with_alerted or is_lead(membership))
    ):
        fail(
            "follows_up", "You can only follow up a task on this incident that was assigned to you."
        )
    check_alert_choices(
        problems,
        membership=membership,
        groups=sent["groups"],
        people=sent["people"],
        leads_only=leads_only,
        not_a_lead=lambda person: f"{_name(person)} isn't a DSL or deputy. {why_leads_only}",
    )
    problems.raise_any()


def _why_leads_only(membership: Membership, incident: Incident, audience: _Audience) -> str:
    """Why only leads may be told: a lead learns which rule applies, anyone else only that
    the leads alone can be told."""
    if not audience.is_kept_with_leads:
        return LEADS_ONLY_ACTION
    if not is_lead(membership):
        return ONLY_LEADS
    return RESTRICTED_INCIDENT if has_restricted_category(incident) else KEPT_BY_A_LEAD


def _audience_now(membership: Membership, sent: ActionChoices, audience: _Audience) -> _Audience:
    """Whether the incident is kept with the leads, read again under the lock that keeping,
    releasing and recategorising take (`corrections._locked_review`): a lead may have kept
    it since the form was checked, and then the checks run again as if it had been kept
    before, so nobody else is told."""
    incident = sent["incident"]
    review = (
        IncidentReview.objects.for_school(incident.school_id)
        .select_for_update()
        .get(incident=incident)
    )
    kept = review_is_kept_with_leads(review)
    if kept == audience.is_kept_with_leads:
        return audience
    now = _Audience(is_shared=audience.is_shared, is_kept_with_leads=kept)
    _check(membership, sent, now)
    return now


@transaction.atomic
def _create(
    membership: Membership,
    sent: ActionChoices,
    audience: _Audience,
    files: Sequence[attachments.StoredFile],
) -> Action:
    audience = _audience_now(membership, sent, audience)
    author = membership.user
    incident, assigned_to = sent["incident"], sent["assigned_to"]
    due_on, follows_up = sent["due_on"], sent["follows_up"]
    now = clock.now()
    action = Action.objects.create(
        school=membership.school,
        incident=incident,
        author=author,
        text=sent["text"],
        occurred_at=min(sent["occurred_at"], now),
        recorded_at=now,
        assigned_to=assigned_to.user if assigned_to is not None else None,
        due_on=due_on,
        follows_up=follows_up,
        is_shared_with_alerted=audience.is_shared,
        submit_key=sent["submit_key"],
    )
    attached = attachments.attach(
        files, incident=incident, action=action, uploaded_by=author, at=now
    )
    recipients = alerting.alert_about_action(
        action,
        assignee=assigned_to,
        tell_leads=sent["tell_leads"],
        groups=sent["groups"],
        people=sent["people"],
        leads_only=audience.leads_only,
    )
    record(
        actor=author,
        action=AuditAction.ACTION_ADDED,
        school=membership.school,
        target=action,
        detail={
            "incident": incident.pk,
            "assigned_to": action.assigned_to_id,
            "due_on": due_on.isoformat() if due_on else None,
            "follows_up": follows_up.pk if follows_up else None,
            "shared": audience.is_shared,
            "files": len(files),
            "alerted": [r.user.pk for r in recipients],
        },
        seal=[action, *attached],
    )
    return action
