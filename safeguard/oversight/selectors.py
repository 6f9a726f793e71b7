"""Reading the audit trail: who saw a child's record, and a school's trail for a period.

Only DSLs and deputies read these (Capability.VIEW_AUDIT), and reading them is
itself audited by the views. Every query is confined to one school.
"""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q, QuerySet

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent, ShownIncident
from safeguard.incidents.models import (
    Attachment,
    Incident,
    IncidentReference,
    IncidentReview,
    LinkedPupil,
)
from safeguard.pupils.models import Pupil

# Actions that disclose records rather than change them: every view, print,
# download and export. Named by suffix, so an action added later (a chronology
# export, say) counts from the day it exists, with no list here to forget.
_DISCLOSING_SUFFIXES = ("_viewed", "_printed", "_downloaded", "_exported")
DATA_ACCESS_ACTIONS = frozenset(
    action for action in AuditAction if action.value.endswith(_DISCLOSING_SUFFIXES)
)
# Reading the audit trail discloses who worked on which record, so a breach
# report counts it; a child's own access log leaves it out, to show their record.
AUDIT_READING_ACTIONS = frozenset({AuditAction.AUDIT_VIEWED, AuditAction.AUDIT_EXPORTED})
PUPIL_ACCESS_ACTIONS = DATA_ACCESS_ACTIONS - AUDIT_READING_ACTIONS


def _ids(values: set[int]) -> list[str]:
    """target_id holds text; sorted, so the same page always runs the same query."""
    return [str(value) for value in sorted(values)]


def incident_ids_about(*, school: School, pupil: Pupil) -> set[int]:
    """Incidents about this pupil: recorded about them, moved to them by a DSL, or naming
    them as another child involved."""
    ids = set(Incident.objects.for_school(school).filter(pupil=pupil).values_list("pk", flat=True))
    ids |= set(
        IncidentReview.objects.for_school(school)
        .filter(pupil=pupil)
        .values_list("incident_id", flat=True)
    )
    ids |= set(
        LinkedPupil.objects.for_school(school)
        .filter(pupil=pupil)
        .values_list("incident_id", flat=True)
    )
    return ids


def access_parts(*, school: School, pupil: Pupil) -> list[QuerySet[AuditEvent]]:
    """Every view, print and download of this pupil's record and of the incidents about
    them, as disjoint parts for `paging.read_page`.

    Events carry the pupil they concern in `pupil_id` (set by audit.record), read through
    the (school, pupil_id, created_at, id) index: that pupil's rows only. Events on the
    pupil's incidents and their files are also matched by target (the target index), so
    an incident later moved to this pupil, or naming them as another child involved,
    still counts; the second part leaves out what the first already holds. A third finds
    the pages and copies about another pupil that showed one of these incidents (another
    child's chronology), through the incidents each event names (`ShownIncident`).
    """
    events = AuditEvent.objects.filter(school=school, action__in=PUPIL_ACCESS_ACTIONS)
    incidents = incident_ids_about(school=school, pupil=pupil)
    about = Q(target_type="pupil", target_id=str(pupil.pk))
    if incidents:
        about |= Q(target_type="incident", target_id__in=_ids(incidents))
        files = set(
            Attachment.objects.for_school(school)
            .filter(incident_id__in=incidents)
            .values_list("pk", flat=True)
        )
        if files:
            about |= Q(target_type="attachment", target_id__in=_ids(files))
    parts = [
        events.filter(pupil_id=pupil.pk),
        events.filter(about).exclude(pupil_id=pupil.pk),
    ]
    if incidents:
        # A page or copy about another pupil that showed one of these incidents (another
        # child's chronology listing an incident that links this one): found through
        # ShownIncident's (school, incident_id, event) index, never by reading details.
        shown = ShownIncident.objects.filter(school=school, incident_id__in=sorted(incidents))
        parts.append(
            events.filter(pk__in=shown.values("event_id")).exclude(pupil_id=pupil.pk).exclude(about)
        )
    return parts


def access_to_pupil(*, school: School, pupil: Pupil) -> QuerySet[AuditEvent]:
    """The same events as `access_parts`, as one queryset, newest first."""
    return _union(access_parts(school=school, pupil=pupil))


def school_member_ids(*, school: School) -> list[int]:
    """Everyone who holds or has held a role in the school, including those who left."""
    return list(Membership.objects.for_school(school).values_list("user_id", flat=True))


def trail_parts(
    *,
    school: School,
    start: datetime.datetime,
    end: datetime.datetime,
    person_id: int | None = None,
    action: str = "",
    actions: frozenset[str] | None = None,
) -> list[QuerySet[AuditEvent]]:
    """A school's audit trail from `start` up to (not including) `end`, as disjoint parts
    for `paging.read_page`, each read through its own index.

    Events written within the school, plus the school-less ones (signing in and
    out, failed sign-ins) by or against anyone who holds or held a role there:
    a sign-in belongs to no school, and a breach inquiry needs it. A person in two
    schools therefore shows in both schools' trails when they sign in. The
    school-less parts read partial indexes of school-less events by actor and by
    target account, so other schools' sign-ins are never read.
    """
    members = school_member_ids(school=school)
    window = Q(created_at__gte=start, created_at__lt=end)
    schoolless = AuditEvent.objects.filter(window, school__isnull=True)
    parts = [
        AuditEvent.objects.filter(window, school=school),
        schoolless.filter(actor_id__in=members),
    ]
    if person_id is None:
        # Failed sign-ins have no actor: a filter by person leaves them out.
        parts.append(
            schoolless.filter(
                actor__isnull=True, target_type="user", target_id__in=_ids(set(members))
            )
        )
    else:
        parts = [part.filter(actor_id=person_id) for part in parts]
    if action:
        parts = [part.filter(action=action) for part in parts]
    if actions is not None:
        parts = [part.filter(action__in=actions) for part in parts]
    return parts


def school_trail(
    *,
    school: School,
    start: datetime.datetime,
    end: datetime.datetime,
    person_id: int | None = None,
    action: str = "",
    actions: frozenset[str] | None = None,
) -> QuerySet[AuditEvent]:
    """The same events as `trail_parts`, as one queryset, newest first (exports, reports)."""
    parts = trail_parts(
        school=school, start=start, end=end, person_id=person_id, action=action, actions=actions
    )
    return _union(parts)


def _union(parts: list[QuerySet[AuditEvent]]) -> QuerySet[AuditEvent]:
    return reduce(operator.or_, parts).select_related("actor").order_by("-created_at", "-id")


# What each event was about, in words a DSL reads at a glance --------------------------


TARGET_NOUNS = {
    "membership": "Staff role",
    "staffgroup": "Staff group",
    "pupilstatus": "Pupil status",
    "school": "School details",
    "keyevent": "Key event",
    "keyeventfile": "File of a key event",
}


@dataclass(frozen=True)
class Subject:
    label: str  # "Pupil record", "Incident LAR-2026-0012", "File on incident LAR-2026-0012"
    incident_id: int | None = None
    pupil_id: int | None = None


def subjects_of(
    *, school: School, events: list[AuditEvent], about: Pupil | None = None
) -> dict[int, Subject]:
    """event id -> what it was about, with one query for every file on the page. On the
    access log of `about`, another pupil's chronology is named as such, not by that child."""
    file_ids = {
        int(e.target_id) for e in events if e.target_type == "attachment" and e.target_id.isdigit()
    }
    file_incident = dict(
        Attachment.objects.for_school(school)
        .filter(pk__in=file_ids)
        .values_list("pk", "incident_id")
    )
    # People see the school's own reference, never the id shared by every school.
    incident_ids = {
        int(e.target_id) for e in events if e.target_type == "incident" and e.target_id.isdigit()
    } | set(file_incident.values())
    references = dict(
        IncidentReference.objects.for_school(school)
        .filter(incident_id__in=incident_ids)
        .values_list("incident_id", "reference")
    )
    # Only this school's staff are named: a sign-in event may name any account.
    user_ids = {
        int(e.target_id) for e in events if e.target_type == "user" and e.target_id.isdigit()
    }
    member_emails = dict(
        Membership.objects.for_school(school)
        .filter(user_id__in=user_ids)
        .values_list("user_id", "user__email")
    )
    subjects: dict[int, Subject] = {}
    for event in events:
        target = int(event.target_id) if event.target_id.isdigit() else None
        if event.target_type == "pupil" and about is not None and target != about.pk:
            subject = Subject("Another pupil's chronology, showing an incident about this pupil")
        elif event.target_type == "pupil":
            subject = Subject("Pupil record", pupil_id=target)
        elif event.target_type == "incident":
            reference = references.get(target or 0, "")
            subject = Subject(f"Incident {reference}".strip(), incident_id=target)
        elif event.target_type == "attachment":
            incident = file_incident.get(target or 0)
            subject = Subject(
                f"File on incident {references.get(incident, '')}".strip() if incident else "File",
                incident_id=incident,
            )
        elif event.target_type == "user":
            email = member_emails.get(target or 0)
            subject = Subject(f"Account of {email}" if email else "An account")
        elif event.target_type:
            noun = TARGET_NOUNS.get(event.target_type, event.target_type.capitalize())
            subject = Subject(f"{noun} {event.target_id}".strip())
        else:
            subject = Subject("—")
        subjects[event.pk] = subject
    return subjects


def roles_at_the_time(*, school: School, events: list[AuditEvent]) -> dict[int, str]:
    """event id -> the actor's role in the school when it happened, where the trail shows it.

    A membership's role is known from the invitation and each later role change
    (both audited). With no change recorded, the current role has always been the role.
    """
    actors = {e.actor_id for e in events if e.actor_id is not None}
    memberships = {
        m.user_id: m for m in Membership.objects.for_school(school).filter(user_id__in=actors)
    }
    changes: dict[str, list[tuple[datetime.datetime, str | None, str]]] = {}
    for change in AuditEvent.objects.filter(
        school=school,
        target_type="membership",
        target_id__in=_ids({m.pk for m in memberships.values()}),
        action__in=[AuditAction.STAFF_INVITED, AuditAction.ROLE_CHANGED],
    ).order_by("created_at", "id"):
        if change.action == AuditAction.STAFF_INVITED:
            before, after = None, change.detail.get("role")
        else:
            before, after = change.detail.get("old_role"), change.detail.get("new_role")
        if isinstance(after, str):
            changes.setdefault(change.target_id, []).append((change.created_at, before, after))

    labels = dict(Role.choices)
    roles: dict[int, str] = {}
    for event in events:
        membership = memberships.get(event.actor_id) if event.actor_id is not None else None
        if membership is None:
            continue
        role = _role_at(membership.role, changes.get(str(membership.pk), []), event.created_at)
        if role is not None:
            roles[event.pk] = labels.get(role, role)
    return roles


def _role_at(
    current: str,
    changes: list[tuple[datetime.datetime, str | None, str]],
    when: datetime.datetime,
) -> str | None:
    before = [after for at, _, after in changes if at <= when]
    if before:
        return before[-1]
    later = [previous for at, previous, _ in changes if at > when]
    if later:
        return later[
            0
        ]  # the role held until the first change after the event; None if invited later
    return current
