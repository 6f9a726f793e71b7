"""Every read of casework that carries a rule.

Triage entries, and the risk, decisions and significance they hold, are for the leads
alone (`is_lead`): for anyone else the selectors return nothing. The one part another
person sees is a reply sent to them as the incident's author, and of it only who sent it,
when, its kind and its message (`replies_to`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import is_lead
from safeguard.casework.models import DecisionOption, ReplyKind, TriageEntry
from safeguard.incidents.models import Incident
from safeguard.incidents.selectors import as_listed, incidents_awaiting_review
from safeguard.incidents.services.alerting import sender_name
from safeguard.lib.keyset import Order

# The review queue's order, oldest recorded first, read from the review's index
# (school, is_withdrawn, status, recorded_at, incident) walked forwards.
OLDEST_FIRST = Order("review__recorded_at", "review__incident_id", ascending=True)


def decision_options_of(school: School | int) -> QuerySet[DecisionOption]:
    """The school's whole list, retired options included, in its order (for its leads)."""
    return DecisionOption.objects.for_school(school).order_by("position", "name", "pk")


def decision_options_offered(school: School | int) -> QuerySet[DecisionOption]:
    """The options a review may record now: the school's, not retired."""
    return decision_options_of(school).filter(is_retired=False)


def review_queue(membership: Membership) -> QuerySet[Incident]:
    """Incidents awaiting a lead's review, as the lists show them, for `OLDEST_FIRST` paging.
    Nobody but a lead has a queue."""
    return as_listed(incidents_awaiting_review(membership), membership)


def next_in_queue(membership: Membership, incident: Incident) -> Incident | None:
    """The incident after this one in the review queue (one still waiting that was recorded
    later), or the first one left if this one was not in it; None when the queue is empty."""
    queue = incidents_awaiting_review(membership).exclude(pk=incident.pk)
    later = queue.filter(OLDEST_FIRST.beyond((incident.review.recorded_at, incident.pk)))
    return later.first() or queue.first()


def triage_entries_of(incident: Incident) -> list[TriageEntry]:
    """Every review of the incident, newest first (for the leads)."""
    return list(
        TriageEntry.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .select_related("made_by", "reply_to")
        .order_by("-made_at", "-id")
    )


def triage_shown_to(membership: Membership, incident: Incident) -> list[TriageEntry]:
    """The reviews of the incident: for the leads of its school only."""
    if not is_lead(membership) or membership.school_id != incident.school_id:
        return []
    return triage_entries_of(incident)


@dataclass(frozen=True)
class TriageState:
    """The incident's current risk, decision and significance, read from its entries."""

    risk_level: str = ""
    risk_label: str = ""
    decision_name: str = ""
    decided_at: datetime | None = None
    is_significant: bool = False
    significance_summary: str = ""

    @property
    def has_entries(self) -> bool:
        return bool(self.risk_level)


def triage_state(entries: list[TriageEntry]) -> TriageState:
    """The state the newest entries give (`entries` newest first): risk and significance from
    the newest, the decision from the newest that recorded one."""
    if not entries:
        return TriageState()
    newest = entries[0]
    decided = next((entry for entry in entries if entry.decision_id is not None), None)
    return TriageState(
        risk_level=newest.risk_level,
        risk_label=newest.get_risk_level_display(),
        decision_name=decided.decision_name if decided else "",
        decided_at=decided.made_at if decided else None,
        is_significant=newest.is_significant,
        significance_summary=newest.significance_summary,
    )


def current_risk_level(incident: Incident) -> str:
    """The risk level the incident's newest review gave it ("" before any review)."""
    newest = (
        TriageEntry.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .order_by("-made_at", "-id")
        .values_list("risk_level", flat=True)
        .first()
    )
    return newest or ""


@dataclass(frozen=True)
class Reply:
    """A lead's reply as its recipient sees it: nothing of the review it came with."""

    sent_by: str  # a name, as the reply's email gives it; never an email address
    sent_at: datetime
    kind: str
    kind_label: str
    message: str


def replies_to(membership: Membership, incident: Incident) -> list[Reply]:
    """The replies the member was sent about this incident (as its author), oldest first."""
    rows = (
        TriageEntry.objects.for_school(membership.school_id)
        .filter(incident=incident, reply_to=membership.user)
        .exclude(reply_kind="")
        .select_related("made_by")
        .only(
            "made_at",
            "reply_kind",
            "reply_message",
            "made_by__first_name",
            "made_by__last_name",
        )
        .order_by("made_at", "id")
    )
    return [
        Reply(
            sent_by=sender_name(row.made_by),
            sent_at=row.made_at,
            kind=row.reply_kind,
            kind_label=ReplyKind(row.reply_kind).label,
            message=row.reply_message,
        )
        for row in rows
    ]
