"""Which incidents a member may open, and what of each: its categories, links, marks and
corrections."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Capability, is_lead
from safeguard.incidents.models import (
    Alert,
    BodyMapMark,
    Category,
    Incident,
    IncidentCategory,
    IncidentCorrection,
    IncidentReview,
    LinkedPupil,
    ReviewStatus,
)
from safeguard.incidents.selectors.alerts import alerts_for
from safeguard.lib.keyset import Order
from safeguard.pupils.markers import with_markers
from safeguard.pupils.models import Pupil

# The lists' order, newest recorded first, read from an index in that order: the incident's
# own (school, recorded_at, id), or for a list filtered by status the review's copy of the
# same order (school, is_withdrawn, status, recorded_at, incident), which holds the status.
NEWEST_FIRST = Order("recorded_at", "id")
NEWEST_FIRST_BY_REVIEW = Order("review__recorded_at", "review__incident_id")
# The same order read from a person's alerts: the incidents they were alerted to.
NEWEST_ALERTED_FIRST = Order("incident__recorded_at", "incident_id")
# The dashboard counts the incidents awaiting review up to here, then says "100+".
AWAITING_REVIEW_COUNT_LIMIT = 100


def can_see_every_incident(membership: Membership) -> bool:
    """The leads' view of the school: every incident, not only their own."""
    return Capability.VIEW_ALL_INCIDENTS in membership.capabilities


def _in_order(categories: Iterable[Category]) -> list[Category]:
    return sorted(categories, key=lambda category: (category.position, category.name))


def has_restricted_category(incident: Incident) -> bool:
    """Whether the incident, as its categories stand now, carries a restricted category."""
    return incident.review.categories.filter(is_restricted=True).exists()


def is_kept_with_leads(incident: Incident) -> bool:
    """Whether only leads may be alerted about the incident or given assignments on it.

    It is when a DSL or deputy keeps it with the leads, or when it carries a restricted
    category as its categories stand now. Everyone else is told only that the leads alone
    can be told, never which of the two it is.
    """
    return review_is_kept_with_leads(incident.review)


def review_is_kept_with_leads(review: IncidentReview) -> bool:
    """`is_kept_with_leads`, read from a review row the caller holds (locked, for a writer
    that must see what a lead did since its form was checked)."""
    return review.is_kept_with_leads or review.categories.filter(is_restricted=True).exists()


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


def my_incident_sources(
    membership: Membership, *, only: str = ""
) -> list[tuple[QuerySet[Any], Order]]:
    """Where "My incidents" come from, each read newest first through its own index: the
    incidents the member recorded (incident_author_newest) and those they were alerted to
    (through their alerts). `only="recorded"` or `"alerted"`: one kind.

    For staff this is every incident they may open; for a lead it leaves out the rest of
    the school. `keyset.page_of_merged` takes a page's ids from these, then
    `my_incidents_among` fetches just those rows.
    """
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        return []
    sources: list[tuple[QuerySet[Any], Order]] = []
    if only != "alerted":
        recorded = Incident.objects.for_school(membership.school).filter(author=membership.user)
        sources.append((recorded, NEWEST_FIRST))
    if only != "recorded":
        sources.append((alerts_for(membership), NEWEST_ALERTED_FIRST))
    return sources


def my_incident_ids(membership: Membership, *, only: str = "") -> list[QuerySet[Any]]:
    """The ids of "My incidents", one list per source (to count them: only ids are read)."""
    return [
        source.values_list("incident_id" if order is NEWEST_ALERTED_FIRST else "pk")
        for source, order in my_incident_sources(membership, only=only)
    ]


def my_incidents_among(membership: Membership, ids: Iterable[int]) -> QuerySet[Incident]:
    """These of the member's incidents as the list shows them, each with `is_mine` (recorded
    it) and `was_alerted`, and only those they may open."""
    alerts = alerts_for(membership)
    return as_listed(
        incidents_visible_to(membership)
        .filter(pk__in=list(ids))
        .annotate(
            is_mine=Q(author=membership.user),
            was_alerted=Exists(alerts.filter(incident=OuterRef("pk"))),
        ),
        membership,
    )


def as_listed(incidents: QuerySet[Incident], membership: Membership) -> QuerySet[Incident]:
    """Incidents as the lists show them to this member (ordered by `keyset.page_of`, newest
    recorded first: `NEWEST_FIRST`), with the categories `categories_shown_to` gives them.
    Lists never show the text, which can be long, and name the pupil as the review has it
    now (a correction may have moved the incident)."""
    shown = "review__categories" if is_lead(membership) else "categories"
    listed = (
        incidents.select_related(None)
        .select_related("author", "review__pupil", "reference")
        .defer("text")
        .prefetch_related(shown)
    )
    # The marks the reader sees beside each pupil's name, in the same query.
    return with_markers(listed, membership, pupil="review__pupil_id")


def incidents_awaiting_review(membership: Membership) -> QuerySet[Incident]:
    """New incidents no DSL has reviewed yet, oldest first, for the DSL's dashboard.

    Read through the reviews of this school awaiting review, in the review's copy of the
    order (an index), so it costs the same whatever the size of the other schools' records
    or of this school's history.
    """
    if not can_see_every_incident(membership):
        return Incident.objects.for_school(membership.school).none()
    return (
        incidents_visible_to(membership)
        .filter(
            review__school=membership.school,
            review__status=ReviewStatus.NEW,
            review__is_withdrawn=False,
        )
        .order_by("review__recorded_at", "review__incident_id")
    )


def pupils_to_move_to(incident: Incident) -> QuerySet[Pupil]:
    """Every other pupil of the school, archived ones too: a DSL may file it under any."""
    return Pupil.objects.for_school(incident.school_id).exclude(pk=incident.review.pupil_id)


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
