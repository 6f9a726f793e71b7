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
        .order_by("due_on", "recorded_at", "id")
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
