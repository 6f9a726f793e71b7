"""Reading a page of a pupil's chronology, in a fixed number of queries whatever its length.

The chronology is fed by nine sources, each read through its own table in the list's
order: the incidents filed under the pupil (as the DSL's review files them now, withdrawn
ones left out), the incidents naming them as a linked pupil, the actions on each of those,
the leads' reviews and corrections of the pupil's own incidents, their key events, and their
referrals and meetings.
Each source gives the keys (moment, id) of its next `size + 1` entries beyond the cursor;
the keys are merged, and the page's rows are then fetched, with what they show, for just
those ids: one query per source and one per kind of row, never one per entry.

Reviews and corrections of an incident the pupil is only linked to are left out: they set
the risk, decision and categories of the incident's main pupil, and what a lead decides
about one child must not appear as decided about another. Their actions are shown, without
their text, which names the main pupil. For the same reason an incident a lead moved to the
pupil shows only the reviews made since the move (`rows.reviews_since_filed`), and takes its
risk level and significance from those alone.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.casework.chronology.entries import DECISION, RANKS, Cursor, EntryType
from safeguard.casework.chronology.rows import (
    Wanted,
    build_entries,
    reviews_since_filed,
    with_triage_state,
)
from safeguard.casework.models import (
    EncompassChild,
    EncompassNotification,
    KeyEvent,
    LinkedPupilCategories,
    TriageEntry,
)
from safeguard.casework.referrals.models import Meeting, Referral
from safeguard.casework.services.key_events import start_of
from safeguard.incidents.models import Action, Category, Incident, IncidentCorrection
from safeguard.lib.keyset import Page
from safeguard.pupils.models import Pupil

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the DSL asked to see. Empty values filter nothing."""

    significant_only: bool = False
    newest_first: bool = True
    entry_type: str = ""
    category: Category | None = None
    author_id: int | None = None
    risk_level: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def needs_incident(self) -> bool:
        """A filter only incidents can meet: key events have no category or risk level."""
        return self.category is not None or bool(self.risk_level)

    @property
    def shows_linked(self) -> bool:
        """A risk level is the main pupil's; a linked pupil's own categories are allocated
        to them (`LinkedPupilCategories`), so a category filter still shows linked entries."""
        return not self.risk_level

    def audit_detail(self) -> dict[str, Any]:
        """The filters as the audit trail keeps them: codes, ids and dates only."""
        found: dict[str, Any] = {
            "view": "significant" if self.significant_only else "full",
            "order": "newest" if self.newest_first else "oldest",
        }
        if self.entry_type:
            found["type"] = self.entry_type
        if self.category is not None:
            found["category"] = self.category.pk
        if self.author_id is not None:
            found["author"] = self.author_id
        if self.risk_level:
            found["risk"] = self.risk_level
        if self.start:
            found["from"] = self.start.isoformat()
        if self.end:
            found["to"] = self.end.isoformat()
        return found


@dataclass(frozen=True)
class Source:
    """One table feeding the chronology: its rows, the field it is dated by, its author."""

    type: EntryType
    rows: QuerySet[Any]
    at: str
    author: str
    is_linked: bool = False

    @property
    def rank(self) -> int:
        return RANKS[self.type]

    def beyond(self, edge: Cursor, *, later: bool) -> Q:
        """This source's rows after `edge` in (moment, type, id) order (before it, unless
        `later`). The type is fixed for the source, so it decides how a tie on time breaks."""
        op, at = ("gt" if later else "lt"), self.at
        if self.rank == edge.rank:
            return Q(**{f"{at}__{op}": edge.at}) | Q(**{at: edge.at, f"pk__{op}": edge.pk})
        if (self.rank > edge.rank) == later:
            return Q(**{f"{at}__{op}e": edge.at})
        return Q(**{f"{at}__{op}": edge.at})


def own_incidents(pupil: Pupil, filters: Filters) -> QuerySet[Incident]:
    """The incidents filed under the pupil now (withdrawn ones are about another child)."""
    incidents: QuerySet[Incident] = Incident.objects.for_school(pupil.school_id).filter(
        review__pupil=pupil, review__is_withdrawn=False
    )
    if filters.category is not None:
        incidents = incidents.filter(review__categories=filters.category)
    if filters.risk_level or filters.significant_only:
        incidents = with_triage_state(incidents, pupil.school_id)
    if filters.risk_level:
        # Named through a mapping: the annotation is with_triage_state's, unknown to the type check.
        incidents = incidents.filter(**{"current_risk": filters.risk_level})
    return incidents


def linked_incidents(pupil: Pupil, filters: Filters | None = None) -> QuerySet[Incident]:
    """Incidents naming the pupil as a linked pupil, other than their own; with a category
    filter, those whose newest allocation to this pupil holds it."""
    incidents = (
        Incident.objects.for_school(pupil.school_id)
        .filter(links__pupil=pupil, review__is_withdrawn=False)
        .exclude(review__pupil=pupil)
    )
    if filters is not None and filters.category is not None:
        allocations = LinkedPupilCategories.objects.for_school(pupil.school_id)
        newest = allocations.filter(pupil=pupil, incident=OuterRef("incident")).order_by(
            "-made_at", "-id"
        )
        holding = (
            allocations.filter(pupil=pupil, categories=filters.category)
            .annotate(newest=Subquery(newest.values("pk")[:1]))
            .filter(pk=F("newest"))
        )
        incidents = incidents.filter(pk__in=holding.values("incident_id"))
    return incidents


def sources_for(pupil: Pupil, filters: Filters) -> list[Source]:
    """The tables the chronology reads, with the filters applied."""
    school_id = pupil.school_id
    own = own_incidents(pupil, filters)
    own_ids = own.values("pk")
    key_events = KeyEvent.objects.for_school(school_id).filter(pupil=pupil)
    if filters.significant_only:
        sources = [
            Source(
                EntryType.INCIDENT,
                own.filter(**{"current_significance": True}),
                "occurred_at",
                "author_id",
            ),
        ]
    else:
        linked_ids = linked_incidents(pupil, filters).values("pk")
        sources = [
            Source(EntryType.INCIDENT, own, "occurred_at", "author_id"),
            Source(
                EntryType.ACTION,
                Action.objects.for_school(school_id).filter(incident__in=own_ids),
                "occurred_at",
                "author_id",
            ),
            Source(
                EntryType.REVIEW,
                reviews_since_filed(
                    TriageEntry.objects.for_school(school_id).filter(incident__in=own_ids),
                    school_id,
                ),
                "made_at",
                "made_by_id",
            ),
            Source(
                EntryType.CORRECTION,
                IncidentCorrection.objects.for_school(school_id).filter(incident__in=own_ids),
                "made_at",
                "made_by_id",
            ),
        ]
        if filters.shows_linked:
            sources += [
                Source(
                    EntryType.INCIDENT,
                    linked_incidents(pupil, filters),
                    "occurred_at",
                    "author_id",
                    is_linked=True,
                ),
                Source(
                    EntryType.ACTION,
                    Action.objects.for_school(school_id).filter(incident__in=linked_ids),
                    "occurred_at",
                    "author_id",
                    is_linked=True,
                ),
            ]
    if not filters.needs_incident:
        sources.append(Source(EntryType.KEY_EVENT, key_events, "sorts_at", "added_by_id"))
        named = EncompassChild.objects.for_school(school_id).filter(pupil=pupil)
        notifications = EncompassNotification.objects.for_school(school_id).filter(
            pk__in=named.values("notification_id")
        )
        sources.append(Source(EntryType.ENCOMPASS, notifications, "incident_at", "recorded_by_id"))
        # Referrals and meetings are significant events in the child's life, in either view.
        sources += [
            Source(
                EntryType.REFERRAL,
                Referral.objects.for_school(school_id).filter(pupil=pupil),
                "sent_at",
                "recorded_by_id",
            ),
            Source(
                EntryType.MEETING,
                Meeting.objects.for_school(school_id).filter(pupil=pupil),
                "sorts_at",
                "recorded_by_id",
            ),
        ]
    found = []
    for source in sources:
        rows = source.rows
        if filters.entry_type == DECISION and source.type == EntryType.REVIEW:
            rows = rows.filter(decision__isnull=False)
        elif filters.entry_type and source.type != filters.entry_type:
            continue
        if filters.author_id is not None:
            rows = rows.filter(**{source.author: filters.author_id})
        if filters.start is not None:
            rows = rows.filter(**{f"{source.at}__gte": start_of(filters.start)})
        if filters.end is not None and filters.end < datetime.date.max:
            day_after = filters.end + datetime.timedelta(days=1)
            rows = rows.filter(**{f"{source.at}__lt": start_of(day_after)})
        found.append(Source(source.type, rows, source.at, source.author, source.is_linked))
    return found


@dataclass(frozen=True)
class _Key:
    at: datetime.datetime
    rank: int
    pk: int
    source: Source

    @property
    def order(self) -> tuple[datetime.datetime, int, int]:
        return (self.at, self.rank, self.pk)


def chronology_page(
    *,
    membership: Membership,
    pupil: Pupil,
    filters: Filters,
    size: int = PAGE_SIZE,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> Page[Any]:
    """A page of the pupil's chronology in the order asked: `size` entries beyond `after`
    (or, going back, before `before`), or the first `size`. For the leads of the pupil's
    school only; anyone else gets an empty page."""
    if not _may_read(membership, pupil):
        return Page([])
    backwards = before is not None
    edge = before if backwards else after
    # Forwards in a newest-first list is backwards in time.
    later = filters.newest_first == backwards
    keys: list[_Key] = []
    for source in sources_for(pupil, filters):
        rows = source.rows
        if edge is not None:
            rows = rows.filter(source.beyond(edge, later=later))
        sign = "" if later else "-"
        found = rows.order_by(f"{sign}{source.at}", f"{sign}pk").values_list(source.at, "pk")
        keys += [_Key(at, source.rank, pk, source) for at, pk in found[: size + 1]]
    keys.sort(key=lambda key: key.order, reverse=not later)
    keys = keys[: size + 1]
    entries = build_entries(pupil, [Wanted(key.source.type, key.pk) for key in keys[:size]])
    more = len(keys) > size
    if backwards:
        shown = list(reversed(entries))
        return Page(shown, newer=shown[0] if more else None, older=shown[-1] if shown else None)
    return Page(
        entries,
        newer=entries[0] if edge is not None and entries else None,
        older=entries[-1] if more else None,
    )


def _may_read(membership: Membership, pupil: Pupil) -> bool:
    return (
        Capability.VIEW_CHRONOLOGY in membership.capabilities
        and membership.school_id == pupil.school_id
    )
