"""The rows of one page of a chronology, fetched for just that page's ids, one query per
kind of row (and one per kind for its categories), made into `Entry` lines."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateTimeField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from safeguard.casework.chronology.entries import EPOCH, Entry, EntryType, one_line
from safeguard.casework.models import (
    EncompassChild,
    EncompassNotification,
    KeyEvent,
    KeyEventFile,
    LinkedPupilCategories,
    Presence,
    RiskLevel,
    TriageEntry,
)
from safeguard.casework.referrals.rows import meeting_entries, referral_entries
from safeguard.incidents.models import (
    Action,
    BodyMapMark,
    Category,
    CorrectionKind,
    Incident,
    IncidentCorrection,
    LinkedPupil,
    LinkRole,
)
from safeguard.incidents.templatetags.correction_tags import correction_change
from safeguard.pupils.models import Pupil


@dataclass(frozen=True)
class Wanted:
    """An entry a page shows: its type and id. (Whether its incident is the pupil's own or
    only links them is read from the incident as it stands.)"""

    type: EntryType
    pk: int


def last_moved_at(school_id: int, incident: str) -> Subquery:
    """When the incident (`incident`: an outer reference to its id) was last moved to
    another pupil by a lead, or None: since then it is filed under the pupil it is now."""
    return Subquery(
        IncidentCorrection.objects.for_school(school_id)
        .filter(incident=OuterRef(incident), kind=CorrectionKind.MOVE_PUPIL)
        .order_by("-made_at", "-id")
        .values("made_at")[:1],
        output_field=DateTimeField(),
    )


def reviews_since_filed(reviews: QuerySet[TriageEntry], school_id: int) -> QuerySet[TriageEntry]:
    """The reviews made since their incident was filed under the pupil it is now: one made
    before a lead moved it was about the child it was filed under then, and must not read
    as decided about this one."""
    return reviews.annotate(filed_since=last_moved_at(school_id, "incident")).filter(
        Q(filed_since__isnull=True) | Q(made_at__gte=F("filed_since"))
    )


def _newest_review(school_id: int) -> QuerySet[TriageEntry]:
    return (
        TriageEntry.objects.for_school(school_id)
        .filter(incident=OuterRef("pk"), made_at__gte=OuterRef("filed_since"))
        .order_by("-made_at", "-id")
    )


def with_triage_state(incidents: QuerySet[Incident], school_id: int) -> QuerySet[Incident]:
    """Each incident with the risk level and significance its newest review since it was
    filed under its pupil gives it (`reviews_since_filed`)."""
    newest = _newest_review(school_id)
    return incidents.annotate(
        filed_since=Coalesce(last_moved_at(school_id, "pk"), Value(EPOCH)),
        current_risk=Subquery(newest.values("risk_level")[:1]),
        current_significance=Subquery(newest.values("is_significant")[:1]),
        current_summary=Subquery(newest.values("significance_summary")[:1]),
    )


def _in_order(categories: Iterable[Category]) -> list[Category]:
    return sorted(categories, key=lambda category: (category.position, category.name))


def _ids(wanted: list[Wanted], entry_type: EntryType) -> list[int]:
    return [item.pk for item in wanted if item.type == entry_type]


def build_entries(pupil: Pupil, wanted: list[Wanted]) -> list[Entry]:
    """The entries for `wanted`, in its order."""
    school_id = pupil.school_id
    found: dict[tuple[EntryType, int], Entry] = {}
    builders = (
        (EntryType.INCIDENT, _incidents),
        (EntryType.ACTION, _actions),
        (EntryType.REVIEW, _reviews),
        (EntryType.CORRECTION, _corrections),
        (EntryType.KEY_EVENT, _key_events),
        (EntryType.ENCOMPASS, _encompass),
        (EntryType.REFERRAL, referral_entries),
        (EntryType.MEETING, meeting_entries),
    )
    for entry_type, build in builders:
        ids = _ids(wanted, entry_type)
        if ids:
            for entry in build(pupil, school_id, ids):
                found[(entry_type, entry.pk)] = entry
    return [found[(item.type, item.pk)] for item in wanted if (item.type, item.pk) in found]


def _linked_roles(pupil: Pupil) -> Prefetch[Any]:
    """The incident's links, with each linked pupil (their names show only on the main
    pupil's own incidents; on a linked one, only this pupil's role is read)."""
    return Prefetch(
        "links",
        queryset=LinkedPupil.objects.for_school(pupil.school_id).select_related("pupil"),
        to_attr="chronology_links",
    )


def _marks(school_id: int) -> Prefetch[Any]:
    """The incident's body map marks, in number order, for the printed copy to draw (on an
    incident the pupil is only linked to they are another child's and are never shown)."""
    return Prefetch(
        "marks",
        queryset=BodyMapMark.objects.for_school(school_id).order_by("number"),
        to_attr="chronology_marks",
    )


def name_and_initial(pupil: Pupil) -> str:
    """Another child as a record names them: first name and the initial of their last
    name ("Oscar Z."), never in full."""
    initial = pupil.last_name[:1]
    return f"{pupil.first_name} {initial}." if initial else str(pupil.first_name)


def _linked_categories(
    pupil: Pupil, school_id: int, incident_ids: list[int]
) -> dict[int, list[Category]]:
    """incident id -> the categories a lead allocated to `pupil` as a linked pupil there (the
    newest allocation), never the incident's own, which are its main pupil's."""
    if not incident_ids:
        return {}
    entries = (
        LinkedPupilCategories.objects.for_school(school_id)
        .filter(pupil=pupil, incident_id__in=incident_ids)
        .order_by("incident_id", "-made_at", "-id")
        .prefetch_related("categories")
    )
    found: dict[int, list[Category]] = {}
    for entry in entries:
        if entry.incident_id not in found:
            found[entry.incident_id] = _in_order(entry.categories.all())
    return found


def _role_of(pupil: Pupil, incident: Incident) -> str:
    for link in getattr(incident, "chronology_links", []):
        if link.pupil_id == pupil.pk:
            return str(LinkRole(link.role).label)
    return str(LinkRole.INVOLVED.label)


def _incidents(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows: QuerySet[Incident] = with_triage_state(
        Incident.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("author", "reference", "review")
        .prefetch_related("review__categories", _linked_roles(pupil), _marks(school_id)),
        school_id,
    )
    incidents = list(rows)
    allocated = _linked_categories(
        pupil, school_id, [i.pk for i in incidents if i.review.pupil_id != pupil.pk]
    )
    for incident in incidents:
        if incident.review.pupil_id != pupil.pk:
            role = _role_of(pupil, incident)
            yield Entry(
                type=EntryType.INCIDENT,
                at=incident.occurred_at,
                pk=incident.pk,
                author=incident.author,
                summary=f"{role}: linked to an incident recorded about another pupil.",
                record=incident,
                categories=allocated.get(incident.pk, []),
                role=role,
            )
            continue
        significant = bool(getattr(incident, "current_significance", False))
        risk = getattr(incident, "current_risk", None) or ""
        yield Entry(
            type=EntryType.INCIDENT,
            at=incident.occurred_at,
            pk=incident.pk,
            author=incident.author,
            summary=getattr(incident, "current_summary", "")
            if significant
            else one_line(incident.text),
            record=incident,
            categories=_in_order(incident.review.categories.all()),
            is_significant=significant,
            facts={
                "status": incident.review.get_status_display(),
                "risk": RiskLevel(risk).label if risk else "",
                "links": [
                    (name_and_initial(link.pupil), LinkRole(link.role).label)
                    for link in getattr(incident, "chronology_links", [])
                ],
            },
        )


def _about_incident(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Rows about an incident, with the incident's reference, review and current categories."""
    return queryset.select_related("incident__reference", "incident__review").prefetch_related(
        "incident__review__categories"
    )


def _actions(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = _about_incident(
        Action.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("author", "assigned_to")
        .prefetch_related(
            Prefetch(
                "incident__links",
                queryset=LinkedPupil.objects.for_school(school_id).filter(pupil=pupil),
                to_attr="chronology_links",
            )
        ),
    )
    actions = list(rows)
    allocated = _linked_categories(
        pupil,
        school_id,
        [a.incident_id for a in actions if a.incident.review.pupil_id != pupil.pk],
    )
    for action in actions:
        incident = action.incident
        if incident.review.pupil_id != pupil.pk:
            role = _role_of(pupil, incident)
            yield Entry(
                type=EntryType.ACTION,
                at=action.occurred_at,
                pk=action.pk,
                author=action.author,
                summary=f"Action on an incident this pupil is linked to ({role.lower()}).",
                record=action,
                categories=allocated.get(incident.pk, []),
                role=role,
            )
            continue
        yield Entry(
            type=EntryType.ACTION,
            at=action.occurred_at,
            pk=action.pk,
            author=action.author,
            summary=one_line(action.text),
            record=action,
            categories=_in_order(incident.review.categories.all()),
        )


def _reviews(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = _about_incident(
        TriageEntry.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("made_by", "reply_to"),
    )
    for entry in rows:
        parts = [f"Risk {entry.get_risk_level_display().lower()}"]
        if entry.decision_name:
            parts.append(entry.decision_name)
        if entry.is_significant:
            parts.append(entry.significance_summary)
        yield Entry(
            type=EntryType.REVIEW,
            at=entry.made_at,
            pk=entry.pk,
            author=entry.made_by,
            summary=one_line(" · ".join(parts)),
            record=entry,
            categories=_in_order(entry.incident.review.categories.all()),
            is_significant=entry.is_significant,
        )


def _corrections(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = _about_incident(
        IncidentCorrection.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("made_by"),
    )
    for correction in rows:
        label = str(CorrectionKind(correction.kind).label)
        # Why an incident was moved names the child it was wrongly filed under, or this one
        # to that child's leads: the incident page shows it to a lead who opens it.
        reason = "" if correction.kind == CorrectionKind.MOVE_PUPIL else correction.reason
        yield Entry(
            type=EntryType.CORRECTION,
            at=correction.made_at,
            pk=correction.pk,
            author=correction.made_by,
            summary=one_line(f"{label}: {reason}" if reason else label),
            record=correction,
            categories=_in_order(correction.incident.review.categories.all()),
            facts={"change": _change(correction), "reason": reason},
        )


def _change(correction: IncidentCorrection) -> str:
    """What the correction changed, in words, naming no pupil (a move names another child:
    the incident page shows it to a lead who opens it)."""
    if correction.kind == CorrectionKind.MOVE_PUPIL:
        return "Filed under this pupil by a lead (the incident page says from whom, and why)."
    return correction_change(correction, {})


def _key_events(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    rows = (
        KeyEvent.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("added_by")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=KeyEventFile.objects.for_school(school_id).order_by("uploaded_at", "id"),
                to_attr="chronology_files",
            )
        )
    )
    for event in rows:
        yield Entry(
            type=EntryType.KEY_EVENT,
            at=event.sorts_at,
            pk=event.pk,
            author=event.added_by,
            summary=one_line(f"{event.get_kind_display()}: {event.summary}"),
            record=event,
            is_significant=True,
        )


def _encompass(pupil: Pupil, school_id: int, ids: list[int]) -> Iterable[Entry]:
    """The police's notifications naming the pupil: this pupil's presence, never the names
    of the other children named."""
    presence = EncompassChild.objects.for_school(school_id).filter(
        notification=OuterRef("pk"), pupil=pupil
    )
    rows = (
        EncompassNotification.objects.for_school(school_id)
        .filter(pk__in=ids)
        .select_related("recorded_by", "key_adult")
        .annotate(presence=Subquery(presence.values("presence")[:1]))
    )
    for notification in rows:
        shown = Presence(notification.presence).label.lower() if notification.presence else ""
        yield Entry(
            type=EntryType.ENCOMPASS,
            at=notification.incident_at,
            pk=notification.pk,
            author=notification.recorded_by,
            summary=one_line(f"Police notification of a domestic-abuse incident: {shown}"),
            record=notification,
            is_significant=True,
            facts={"presence": shown},
        )
