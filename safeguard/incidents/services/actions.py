"""Adding actions below an incident, and the tasks they assign (school policy section 5 step 10).

Anyone who can see an incident may add an action to it: what was done, when,
who should be told, optionally a task for a colleague with a date it is due
by, and files. Like the incident, an action never changes once added (the
database refuses UPDATE and DELETE), so a task is "done" when its assignee
adds the follow-up action that names it, never by editing the task.

An action added by a DSL or deputy is for the leads unless they tick "Share
this action with the staff alerted to this incident"; anyone else's is always
shared. About an incident with a restricted category, or a
leads-only action, only leads are alerted or assigned: naming anyone else is refused with a message saying why.

`add_action` re-checks every rule the form checks, because a crafted request
can skip the form. The same submit key twice returns the first action.
"""

import datetime
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import is_lead, may_be_alerted, may_be_assigned
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import MAX_TEXT_LENGTH, Action, Attachment, Incident
from safeguard.incidents.selectors import has_restricted_category, incidents_visible_to
from safeguard.incidents.services import alerting
from safeguard.incidents.services.attachments import StoredFile
from safeguard.incidents.services.recording import CLOCK_SKEW
from safeguard.lib import clock
from safeguard.lib.dates import display_datetime
from safeguard.lib.text import text_problem

RESTRICTED_INCIDENT = (
    "This incident has a restricted category, so only the school's DSLs and deputies can "
    "be alerted or given a task."
)
# What staff who are not leads are told: a restricted category is for the leads alone, and
# staff alerted before it was added must not learn that one was (docs/alerts.md).
LIMITED_BY_LEADS = (
    "The DSL has limited who can be told about this incident: only the school's DSLs and "
    "deputies can be alerted or given a task."
)
LEADS_ONLY_ACTION = (
    "This action is for the DSLs and deputies only, so only they can be alerted or given a "
    "task. Tick “Share this action with the staff alerted to this incident” to alert others."
)


def _check(
    *,
    membership: Membership,
    incident: Incident,
    text: str,
    occurred_at: datetime.datetime,
    assigned_to: Membership | None,
    due_on: datetime.date | None,
    follows_up: Action | None,
    groups: Sequence[StaffGroup],
    people: Sequence[Membership],
    is_restricted: bool,
    is_shared: bool,
) -> None:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

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
    leads_only = is_restricted or not is_shared
    if is_restricted:
        why_leads_only = RESTRICTED_INCIDENT if is_lead(membership) else LIMITED_BY_LEADS
    else:
        why_leads_only = LEADS_ONLY_ACTION
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
    for group in groups:
        if group.school_id != school_id:
            fail("groups", "Choose groups from your school.")
    for person in people:
        if person.school_id != school_id or not person.is_active:
            fail("people", "Choose people from your school.")
        elif leads_only and not may_be_alerted(person, leads_only=True):
            fail("people", f"{_name(person)} isn't a DSL or deputy. {why_leads_only}")
    if errors:
        raise ValidationError(errors)


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def add_action(
    *,
    membership: Membership,
    incident: Incident,
    submit_key: uuid.UUID,
    text: str,
    occurred_at: datetime.datetime,
    assigned_to: Membership | None = None,
    due_on: datetime.date | None = None,
    follows_up: Action | None = None,
    tell_leads: bool = False,
    groups: Sequence[StaffGroup] = (),
    people: Sequence[Membership] = (),
    files: Sequence[StoredFile] = (),
    is_shared_with_alerted: bool = False,
) -> tuple[Action, bool]:
    """Add the action below the incident; return it and whether this call created it.

    `is_shared_with_alerted` is the lead's choice; a non-lead's action is always shared.
    """
    existing = _already_added(membership, incident, submit_key)
    if existing is not None:
        return existing, False
    is_shared = is_shared_with_alerted or not is_lead(membership)
    is_restricted = has_restricted_category(incident)
    _check(
        membership=membership,
        incident=incident,
        text=text,
        occurred_at=occurred_at,
        assigned_to=assigned_to,
        due_on=due_on,
        follows_up=follows_up,
        groups=groups,
        people=people,
        is_restricted=is_restricted,
        is_shared=is_shared,
    )
    try:
        action = _create(
            membership=membership,
            incident=incident,
            submit_key=submit_key,
            text=text,
            occurred_at=occurred_at,
            assigned_to=assigned_to,
            due_on=due_on,
            follows_up=follows_up,
            tell_leads=tell_leads,
            groups=groups,
            people=people,
            files=files,
            is_shared=is_shared,
            leads_only=is_restricted or not is_shared,
        )
    except IntegrityError:
        # A concurrent submit with the same key won the race: return its action.
        existing = _already_added(membership, incident, submit_key)
        if existing is None:
            # The key was used in another school (the author switched school mid-form).
            raise ValidationError(
                "This form was already used. Reload the page to add a new action."
            ) from None
        return existing, False
    return action, True


def already_added(membership: Membership, submit_key: uuid.UUID) -> Action | None:
    """The action this member already added with this submit key, if any."""
    return (
        Action.objects.for_school(membership.school)
        .filter(submit_key=submit_key, author=membership.user)
        .first()
    )


def _already_added(
    membership: Membership, incident: Incident, submit_key: uuid.UUID
) -> Action | None:
    action = Action.objects.for_school(membership.school).filter(submit_key=submit_key).first()
    if action is not None and (
        action.author_id != membership.user_id or action.incident_id != incident.pk
    ):
        raise ValidationError("This form was already used. Reload the page to add a new action.")
    return action


@transaction.atomic
def _create(
    *,
    membership: Membership,
    incident: Incident,
    submit_key: uuid.UUID,
    text: str,
    occurred_at: datetime.datetime,
    assigned_to: Membership | None,
    due_on: datetime.date | None,
    follows_up: Action | None,
    tell_leads: bool,
    groups: Sequence[StaffGroup],
    people: Sequence[Membership],
    files: Sequence[StoredFile],
    is_shared: bool,
    leads_only: bool,
) -> Action:
    school = membership.school
    author = membership.user
    now = clock.now()
    action = Action.objects.create(
        school=school,
        incident=incident,
        author=author,
        text=text,
        occurred_at=min(occurred_at, now),
        recorded_at=now,
        assigned_to=assigned_to.user if assigned_to is not None else None,
        due_on=due_on,
        follows_up=follows_up,
        is_shared_with_alerted=is_shared,
        submit_key=submit_key,
    )
    attached = Attachment.objects.bulk_create(
        Attachment(
            school=school,
            incident=incident,
            action=action,
            uploaded_by=author,
            uploaded_at=now,
            **vars(f),
        )
        for f in files
    )
    recipients = alerting.recipients_for_action(
        school=school,
        author=author,
        incident=incident,
        assignee=assigned_to,
        tell_leads=tell_leads,
        groups=groups,
        people=people,
        leads_only=leads_only,
    )
    alerting.create_alerts(
        incident=incident,
        action=action,
        created_by=author,
        recipients=recipients,
        label=alerting.category_label(list(incident.review.categories.order_by("position"))),
        leads_only=leads_only,
    )
    record(
        actor=author,
        action=AuditAction.ACTION_ADDED,
        school=school,
        target=action,
        detail={
            "incident": incident.pk,
            "assigned_to": action.assigned_to_id,
            "due_on": due_on.isoformat() if due_on else None,
            "follows_up": follows_up.pk if follows_up else None,
            "shared": is_shared,
            "files": len(files),
            "alerted": [r.user.pk for r in recipients],
        },
        seal=[action, *attached],
    )
    return action
