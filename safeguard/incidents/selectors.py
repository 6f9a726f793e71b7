"""Every read of incidents that carries a rule: each rule lives here and nowhere else.

DOMAIN.md: DSLs and deputies (the leads) see every incident in their school,
and all of it. Everyone else sees the incidents they recorded or were alerted
to (on the incident or on an action below it), and of those only what a
non-lead may see:

- an alert sent to someone as a lead (`Alert.is_lead_only`: the automatic DSL
  alert, a mistake report, an incident with a restricted category, a
  leads-only action) opens nothing once they are no longer a lead;
- the categories as the author recorded them, without restricted ones, and no
  hint that a lead added one;
- the actions shared with the staff alerted (every non-lead's action, and a
  lead's only when they ticked "Share"), and only the files of those.

Governors see no incidents at all. What "lead" means, and who may be alerted or
assigned, is decided in `accounts/permissions.py`; the staff lists here apply it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Capability, is_lead, roles_with
from safeguard.incidents.models import (
    Action,
    Alert,
    Attachment,
    BodyMapMark,
    Category,
    Draft,
    Incident,
    IncidentCategory,
    IncidentCorrection,
    LinkedPupil,
    ReviewStatus,
)
from safeguard.pupils.models import Pupil


def can_see_every_incident(membership: Membership) -> bool:
    """The leads' view of the school: every incident, not only their own (DOMAIN.md)."""
    return Capability.VIEW_ALL_INCIDENTS in membership.capabilities


# Categories ------------------------------------------------------------------------------


def _in_order(categories: Iterable[Category]) -> list[Category]:
    return sorted(categories, key=lambda category: (category.position, category.name))


def has_restricted_category(incident: Incident) -> bool:
    """Whether the incident, as its categories stand now, carries a restricted category.

    Then only leads are alerted about it or assigned tasks on it.
    """
    return incident.review.categories.filter(is_restricted=True).exists()


def categories_seen_by_non_leads(incident: Incident) -> list[Category]:
    """The categories as the author recorded them, without any restricted one."""
    return _in_order(c for c in incident.categories.all() if not c.is_restricted)


def categories_shown_to(membership: Membership, incident: Incident) -> list[Category]:
    """Leads: the categories as they stand now. Others: as recorded, never a restricted one."""
    if is_lead(membership):
        return _in_order(incident.review.categories.all())
    return categories_seen_by_non_leads(incident)


def categories_as_recorded(incident: Incident) -> list[Category]:
    """Every category the author chose, restricted ones included (shown to leads only)."""
    rows = IncidentCategory.objects.for_school(incident.school_id).filter(incident=incident)
    return _in_order(row.category for row in rows.select_related("category"))


def categories_offered_to(membership: Membership) -> QuerySet[Category]:
    """Categories a member may choose: restricted ones for DSLs only (policy step 4)."""
    categories = Category.objects.for_school(membership.school).filter(is_retired=False)
    if Capability.ALLOCATE_RESTRICTED_CATEGORIES not in membership.capabilities:
        categories = categories.filter(is_restricted=False)
    return categories.order_by("position", "name")


def categories_of(school: School) -> QuerySet[Category]:
    """The school's whole list, retired ones included, in its order (for the DSL to manage)."""
    return Category.objects.for_school(school).order_by("position", "name")


def has_restricted_categories(school: School) -> bool:
    return categories_of(school).filter(is_restricted=True).exists()


# Incidents ------------------------------------------------------------------------------


def incidents_visible_to(membership: Membership) -> QuerySet[Incident]:
    """Incidents in the member's current school that they may open."""
    incidents = Incident.objects.for_school(membership.school).select_related(
        "pupil", "author", "review", "review__pupil", "reference"
    )
    if can_see_every_incident(membership):
        return incidents
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return incidents.none()
    alerted = Alert.objects.for_school(membership.school).filter(
        incident=OuterRef("pk"), recipient=membership.user, is_lead_only=False
    )
    return incidents.filter(Q(author=membership.user) | Exists(alerted))


def my_incidents(membership: Membership) -> QuerySet[Incident]:
    """The member's own incidents: those they recorded and those they were alerted to.

    For staff this is every incident they may open; for a lead it leaves out the rest
    of the school. Each carries `is_mine` (recorded it) and `was_alerted` for the list.
    """
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return Incident.objects.for_school(membership.school).none()
    alerted = alerts_for(membership).filter(incident=OuterRef("pk"))
    return (
        incidents_visible_to(membership)
        .annotate(is_mine=Q(author=membership.user), was_alerted=Exists(alerted))
        .filter(Q(author=membership.user) | Exists(alerted))
    )


def incidents_awaiting_review(membership: Membership) -> QuerySet[Incident]:
    """New incidents no DSL has reviewed yet, oldest first (DOMAIN.md: the DSL's dashboard)."""
    if not can_see_every_incident(membership):
        return Incident.objects.for_school(membership.school).none()
    return (
        incidents_visible_to(membership)
        .filter(review__status=ReviewStatus.NEW, review__is_withdrawn=False)
        .order_by("recorded_at", "id")
    )


def linked_pupils_of(incident: Incident) -> QuerySet[LinkedPupil]:
    return (
        LinkedPupil.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("pupil")
    )


def marks_of(incident: Incident) -> QuerySet[BodyMapMark]:
    return BodyMapMark.objects.for_school(incident.school_id).filter(incident=incident)


def corrections_shown_to(membership: Membership, incident: Incident) -> list[IncidentCorrection]:
    """The corrections and mistake reports on the incident: for the leads only."""
    if not is_lead(membership):
        return []
    return list(
        IncidentCorrection.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("made_by")
    )


def pupils_named_in(corrections: Iterable[IncidentCorrection]) -> dict[int, Pupil]:
    """The pupils a correction moved an incident from or to, by id, to name them."""
    ids = {
        pupil_id
        for correction in corrections
        for pupil_id in (
            (correction.before or {}).get("pupil"),
            (correction.after or {}).get("pupil"),
        )
        if isinstance(pupil_id, int)
    }
    school_ids = {correction.school_id for correction in corrections}
    if not ids or len(school_ids) != 1:
        return {}
    return Pupil.objects.for_school(school_ids.pop()).in_bulk(ids)


# Actions and files ----------------------------------------------------------------------


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


def open_tasks_for(membership: Membership) -> QuerySet[Action]:
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


# Staff to alert, to assign, and the leads ----------------------------------------------------


def _staff(school_id: int, *capabilities: Capability) -> QuerySet[Membership]:
    """The school's active staff whose role grants `capabilities`, by name."""
    return (
        Membership.objects.for_school(school_id)
        .filter(is_active=True, user__is_active=True, role__in=roles_with(*capabilities))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def alertable_staff(membership: Membership, *, leads_only: bool = False) -> QuerySet[Membership]:
    """The colleagues the member may alert by name (`permissions.may_be_alerted`)."""
    needed = (Capability.RECEIVE_ALERTS, *([Capability.SEE_RESTRICTED] if leads_only else []))
    return _staff(membership.school_id, *needed).exclude(user=membership.user)


def assignable_staff(school_id: int, *, leads_only: bool = False) -> QuerySet[Membership]:
    """Who an action may be assigned to (`permissions.may_be_assigned`)."""
    needed = (Capability.BE_ASSIGNED, *([Capability.SEE_RESTRICTED] if leads_only else []))
    return _staff(school_id, *needed)


def leads_of(school_id: int) -> QuerySet[Membership]:
    """The school's active DSLs and deputies (`permissions.is_lead`)."""
    return _staff(school_id, Capability.SEE_RESTRICTED)


# Alerts ---------------------------------------------------------------------------------


def alerts_for(membership: Membership) -> QuerySet[Alert]:
    """The member's own alerts in the current school, newest first.

    Someone who is not a lead (any more) doesn't see those sent to them as a lead.
    """
    alerts = Alert.objects.for_school(membership.school).filter(recipient=membership.user)
    if not is_lead(membership):
        alerts = alerts.filter(is_lead_only=False)
    return alerts.select_related(
        "incident", "incident__reference", "created_by", "action"
    ).order_by("-created_at", "-id")


def alerts_in_every_school(memberships: Iterable[Membership]) -> QuerySet[Alert]:
    """The person's own alerts in every school where they hold an active role, newest first.

    `memberships` are one person's active memberships (`request.memberships`); in each
    school the rule of `alerts_for` applies: no alert sent as a lead where they aren't one.
    """
    memberships = [
        m for m in memberships if m.is_active and Capability.RECORD_INCIDENT in m.capabilities
    ]
    if not memberships:
        return Alert.objects.for_schools([]).none()
    seen = Q()
    for membership in memberships:
        in_school = Q(school_id=membership.school_id)
        seen |= in_school if is_lead(membership) else in_school & Q(is_lead_only=False)
    return (
        Alert.objects.for_schools(m.school_id for m in memberships)
        .filter(seen, recipient_id=memberships[0].user_id)
        .select_related("incident", "incident__reference", "created_by", "action", "school")
        .order_by("-created_at", "-id")
    )


def alerts_by_incident(memberships: Iterable[Membership]) -> QuerySet[Any]:
    """One row per incident the person was alerted to, in every school, newest first.

    Each row: `incident_id`, `newest_id` (the newest alert), `total`, `unread` and
    `unacknowledged` counts.
    """
    return (
        alerts_in_every_school(memberships)
        .order_by()
        .values("incident_id")
        .annotate(
            newest_id=Max("id"),
            newest_at=Max("created_at"),
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            unacknowledged=Count("id", filter=Q(acknowledged_at__isnull=True)),
        )
        .order_by("-newest_at", "-newest_id")
    )


def alerts_by_id(memberships: Iterable[Membership], ids: Iterable[int]) -> dict[int, Alert]:
    """The person's own alerts with these ids, in any of their schools, by id."""
    return alerts_in_every_school(memberships).in_bulk(list(ids))


def unread_incident_count(memberships: Iterable[Membership]) -> int:
    """How many incidents, in every school of the person, carry an alert they haven't read."""
    return (
        alerts_in_every_school(memberships)
        .filter(read_at__isnull=True)
        .order_by()
        .values("incident_id")
        .distinct()
        .count()
    )


def unread_alert_count(membership: Membership) -> int:
    """Incidents in the member's current school with an alert they haven't read."""
    return unread_incident_count([membership])


def unread_alerts_shown_to(
    membership: Membership | None, memberships: Iterable[Membership]
) -> int | None:
    """The header's count of incidents with an unread alert, in every school of the person;
    None for people who get no alerts (governors, the operator)."""
    if membership is None or Capability.RECORD_INCIDENT not in membership.capabilities:
        return None
    return unread_incident_count(memberships)


def my_alerts_on(membership: Membership, incident: Incident) -> QuerySet[Alert]:
    """The member's own alerts on this incident (and on its actions), oldest first."""
    return alerts_for(membership).filter(incident=incident).order_by("created_at", "id")


def newest_alert_on(membership: Membership, incident: Incident) -> Alert | None:
    return my_alerts_on(membership, incident).last()


def alert_log_shown_to(membership: Membership, incident: Incident) -> list[Alert] | None:
    """Everyone alerted to this incident or an action on it, for the leads' alert log;
    None for anyone else (they see no log at all)."""
    if not is_lead(membership):
        return None
    alerts = Alert.objects.for_school(incident.school_id).filter(incident=incident)
    return list(
        alerts.select_related("recipient", "created_by", "action").order_by("created_at", "id")
    )


# Drafts ---------------------------------------------------------------------------------


DRAFTS_SHOWN = 10


@dataclass(frozen=True)
class DraftRow:
    draft: Draft
    pupil: Pupil | None


def _drafted_pupil_id(draft: Draft) -> int | None:
    values = draft.data.get("pupil") or [""]
    try:
        pupil_id = int(str(values[0] if isinstance(values, list) else values))
    except ValueError:
        return None
    return pupil_id if 0 < pupil_id < 2**63 else None


def drafts_shown_to(membership: Membership) -> list[DraftRow]:
    """The dashboard's "carry on writing": the member's newest drafts, each with the pupil
    it is about if one was chosen (a pupil of this school only)."""
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return []
    own = Draft.objects.for_school(membership.school).filter(author=membership.user)
    drafts = list(own.order_by("-updated_at")[:DRAFTS_SHOWN])
    pupil_ids = {draft.pk: _drafted_pupil_id(draft) for draft in drafts}
    wanted = {pk for pk in pupil_ids.values() if pk is not None}
    pupils = Pupil.objects.for_school(membership.school).in_bulk(wanted)
    return [DraftRow(draft, pupils.get(pupil_ids[draft.pk] or 0)) for draft in drafts]
