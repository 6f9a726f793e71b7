"""The actions below an incident a member may read, the assignments, and the files.

An assignment is an action assigned to someone, due by a date ("a task" on the pages);
it is open until its assignee adds an action that follows it up.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import is_lead
from safeguard.incidents.models import (
    Action,
    Attachment,
    Incident,
)
from safeguard.incidents.selectors.incidents import incidents_visible_to
from safeguard.lib.keyset import Order

# "Your tasks" in its order, the longest overdue first: the index action_task_due_first.
TASKS_DUE_FIRST = Order("due_on", "recorded_at", "id", ascending=True)
# The dashboard counts the open tasks up to here, then says "100+".
OPEN_TASK_COUNT_LIMIT = 100


def actions_on(incident: Incident) -> QuerySet[Action]:
    return (
        Action.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("author", "assigned_to")
        .prefetch_related("attachments")
        .order_by("occurred_at", "id")
    )


def shared_with_non_leads(membership: Membership) -> Q:
    """The actions a member may read on an incident they see: all for leads, else shared ones."""
    return Q() if is_lead(membership) else Q(is_shared_with_alerted=True)


def actions_visible_to(membership: Membership, incident: Incident) -> QuerySet[Action]:
    return actions_on(incident).filter(shared_with_non_leads(membership))


def open_assignments_for(membership: Membership) -> QuerySet[Action]:
    """Actions assigned to the member with no follow-up yet, the longest overdue first."""
    followed_up = Action.objects.for_school(membership.school).filter(follows_up=OuterRef("pk"))
    return (
        Action.objects.for_school(membership.school)
        .filter(assigned_to=membership.user)
        .filter(incident__in=incidents_visible_to(membership).values("pk"))
        .filter(shared_with_non_leads(membership))
        .exclude(Exists(followed_up))
        .select_related(
            "author",
            "incident",
            "incident__reference",
            "incident__review",
            "incident__review__pupil",
        )
        .order_by(*TASKS_DUE_FIRST.names())
    )


def task_edge(membership: Membership, action_id: int) -> tuple[object, ...] | None:
    """Where a task assigned to the member stands in `TASKS_DUE_FIRST` (due_on, recorded_at,
    id), to page "Your tasks" from it; found even once it is followed up, never for anyone
    else's action."""
    return (
        Action.objects.for_school(membership.school)
        .filter(pk=action_id, assigned_to=membership.user)
        .values_list(*TASKS_DUE_FIRST.fields)
        .first()
    )


def attachments_visible_to(membership: Membership, incident: Incident) -> QuerySet[Attachment]:
    """The incident's files and those of the actions the member may read."""
    files = (
        Attachment.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("uploaded_by", "action")
    )
    if is_lead(membership):
        return files
    return files.filter(Q(action__isnull=True) | Q(action__is_shared_with_alerted=True))
