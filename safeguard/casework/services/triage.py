"""A lead's review (triage) of an incident, in one submit (school policy section 5 step 12;
KCSIE Annex C: a written record of concerns, discussions and decisions, with their rationale).

One review is one `TriageEntry`, added beside the incident and never changed: the risk
level (a reason when it changes), the decision and its rationale (a decision not to refer
too), who it was discussed with, whether it is a significant event for the pupil's
chronology (with a one-line summary), and an optional reply to the incident's author.

The same submit sets the incident's status and categories through incidents' own
corrections (`incidents/services/corrections.py`), so the incident's review row and its
corrections stay the one record of both; a new incident marked reviewed leaves "awaiting
review". Everything happens in one transaction: any refusal leaves nothing written.
Every problem with the input is found before anything is written, and reported together,
each under the field it is about.

Two leads may have the same incident open. The form says what it showed
(`categories_shown`, `status_shown`, `risk_shown`): categories ticked as shown, or a status
chosen as shown, change nothing, so a form opened earlier never undoes another lead's change;
a change asked of what another lead has changed since is refused, saying what it is now.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, may_be_alerted
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import (
    DISCUSSED_WITH_MAX,
    MAX_TEXT,
    SUMMARY_MAX,
    DecisionOption,
    ReplyKind,
    RiskLevel,
    TriageEntry,
)
from safeguard.casework.selectors import current_risk_level
from safeguard.incidents.models import AlertReason, Category, Incident, IncidentReview, ReviewStatus
from safeguard.incidents.services import alerting, corrections
from safeguard.lib import clock
from safeguard.lib.text import single_line_problem, text_problem

# What the status correction says when marking a new incident reviewed opens it, and the
# lead gave no reason of their own.
MARKED_REVIEWED = "Marked as reviewed."
STATUSES = (ReviewStatus.OPEN, ReviewStatus.MONITORING, ReviewStatus.CLOSED)
NO_STATUS_CHANGE = (
    "The status doesn't change, so this reason would not be kept: choose a new status, "
    "or clear the reason."
)


class _Problems:
    """The input's problems by field, to raise together."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, []).append(message)

    def text(self, field: str, value: str, *, max_length: int = MAX_TEXT) -> str:
        problem = text_problem(value, max_length=max_length, required=False)
        if problem:
            self.add(field, problem)
        return value.strip()

    def line(self, field: str, value: str, *, max_length: int, noun: str) -> str:
        problem = single_line_problem(value.strip(), max_length=max_length, noun=noun)
        if problem:
            self.add(field, problem)
        return value.strip()

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _author_membership(incident: Incident) -> Membership | None:
    return (
        Membership.objects.for_school(incident.school_id)
        .filter(user_id=incident.author_id)
        .select_related("user")
        .first()
    )


@transaction.atomic
def review_incident(
    *,
    membership: Membership,
    incident: Incident,
    risk_level: str,
    risk_reason: str = "",
    decision: DecisionOption | None = None,
    rationale: str = "",
    discussed_with: str = "",
    is_significant: bool = False,
    significance_summary: str = "",
    status: str = "",
    status_reason: str = "",
    categories: Sequence[Category] | None = None,
    categories_reason: str = "",
    categories_shown: Sequence[Category] | None = None,
    status_shown: str = "",
    risk_shown: str | None = None,
    reply_kind: str = "",
    reply_message: str = "",
    mark_reviewed: bool = True,
) -> TriageEntry:
    """Add one review of the incident; set its status and categories if they change.

    `status` "" keeps the status, except that a new incident marked reviewed becomes open.
    `categories` None keeps them. A status or category change gives its reason, or the
    decision's rationale stands as it. `categories_shown`, `status_shown` and `risk_shown`
    are what the lead's form showed (None, "" and None: compare with the incident as it is
    now; `risk_shown` "": no risk level yet). Only a lead of the incident's school reviews.
    """
    if Capability.REVIEW_INCIDENTS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can review an incident.")
    if incident.school_id != membership.school_id:
        raise PermissionDenied("This incident belongs to another school.")
    review = (
        IncidentReview.objects.for_school(incident.school_id)
        .select_for_update()
        .get(incident=incident)
    )
    problems = _Problems()
    previous_risk = current_risk_level(incident)

    if risk_level not in RiskLevel.values:
        problems.add("risk_level", "Choose a risk level: low, medium or high.")
    risk_reason = problems.text("risk_reason", risk_reason)
    changed = previous_risk and risk_level in RiskLevel.values and risk_level != previous_risk
    if changed and risk_shown is not None and risk_shown != previous_risk:
        problems.add(
            "risk_level",
            "Another lead set the risk level to "
            f"{RiskLevel(previous_risk).label.lower()} since you opened this form: "
            "choose it again.",
        )
    elif changed and not risk_reason:
        problems.add(
            "risk_reason",
            f"Say why the risk level changes from {RiskLevel(previous_risk).label.lower()}"
            f" to {RiskLevel(risk_level).label.lower()}: it is kept with the record.",
        )

    rationale = problems.text("rationale", rationale)
    if decision is not None:
        if decision.school_id != incident.school_id or decision.is_retired:
            problems.add("decision", "Choose a decision from the list.")
        if not rationale:
            problems.add(
                "rationale",
                "Give the rationale for this decision (a decision not to refer too): "
                "it is kept with the record.",
            )
    elif rationale:
        problems.add("decision", "Choose the decision this rationale is for.")
    discussed_with = problems.line(
        "discussed_with", discussed_with, max_length=DISCUSSED_WITH_MAX, noun="Names"
    )

    significance_summary = problems.line(
        "significance_summary", significance_summary, max_length=SUMMARY_MAX, noun="Summaries"
    )
    if is_significant and not significance_summary:
        problems.add(
            "significance_summary", "Give a one-line summary of the event for the chronology."
        )
    elif significance_summary and not is_significant:
        problems.add(
            "is_significant", "Tick “Significant event” for this summary, or clear the summary."
        )

    if status and status == status_shown:
        status = ""  # the status as the form showed it: left as it is
    new_status, status_reason = _status_change(
        problems, review, status, status_reason, rationale, mark_reviewed, status_shown
    )
    new_categories, categories_reason = _category_change(
        problems, review, categories, categories_reason, rationale, categories_shown
    )
    reply_to, reply_message = _reply(problems, membership, incident, reply_kind, reply_message)
    problems.raise_any()

    if new_status:
        corrections.set_status(
            membership=membership, incident=incident, status=new_status, reason=status_reason
        )
    if new_categories is not None:
        corrections.recategorise(
            membership=membership,
            incident=incident,
            categories=new_categories,
            reason=categories_reason,
        )
    entry = TriageEntry(
        school_id=incident.school_id,
        incident=incident,
        made_by=membership.user,
        made_at=clock.now(),
        is_reviewed=mark_reviewed,
        risk_level=risk_level,
        previous_risk_level=previous_risk,
        risk_reason=risk_reason,
        decision=decision,
        decision_name=decision.name if decision is not None else "",
        rationale=rationale,
        discussed_with=discussed_with,
        is_significant=is_significant,
        significance_summary=significance_summary,
        reply_kind=reply_kind,
        reply_message=reply_message,
        reply_to=reply_to.user if reply_to is not None else None,
    )
    entry.full_clean()
    entry.save()
    if reply_to is not None:
        alerting.create_alerts(
            incident=incident,
            created_by=membership.user,
            recipients=[alerting.Recipient(reply_to, AlertReason.REPLY)],
            label=alerting.category_label(list(review.categories.order_by("position", "name"))),
        )
    record(
        actor=membership.user,
        action=AuditAction.INCIDENT_REVIEWED,
        school=membership.school,
        target=incident,
        detail={
            "entry": entry.pk,
            "reviewed": mark_reviewed,
            "risk_level": risk_level,
            "decision": entry.decision_id,
            "is_significant": is_significant,
            "status": new_status or None,
            "recategorised": new_categories is not None,
            "reply": reply_kind or None,
        },
        seal=[entry],
    )
    return entry


def _status_change(
    problems: _Problems,
    review: IncidentReview,
    status: str,
    reason: str,
    rationale: str,
    mark_reviewed: bool,
    shown: str,
) -> tuple[str, str]:
    """(the status to set, its reason), or ("", "") to leave it as it is."""
    if status and status not in STATUSES:
        problems.add("status", "Choose a status from the list.")
        return "", ""
    reason = problems.text("status_reason", reason)
    if status and shown and shown != review.status:
        problems.add(
            "status",
            "Another lead changed the status since you opened this form: it is now "
            f"“{review.get_status_display()}”. Choose again, or leave it as it is.",
        )
        return "", ""
    awaiting = review.status == ReviewStatus.NEW
    if awaiting and not mark_reviewed:
        if status:
            problems.add(
                "status",
                "An incident awaiting review keeps that status until it is marked reviewed: "
                "tick “Mark as reviewed”, or leave the status as it is.",
            )
        elif reason:
            problems.add("status_reason", NO_STATUS_CHANGE)
        return "", ""
    wanted = status or (ReviewStatus.OPEN if awaiting else "")
    if not wanted or wanted == review.status:
        if reason:
            problems.add("status_reason", NO_STATUS_CHANGE)
        return "", ""
    if awaiting and wanted == ReviewStatus.OPEN:
        return wanted, reason or rationale or MARKED_REVIEWED
    if not (reason or rationale):
        problems.add(
            "status_reason",
            f"Say why the status changes to “{ReviewStatus(wanted).label}” (or give the "
            "decision's rationale): it is kept with the record.",
        )
    return wanted, reason or rationale


def _category_change(
    problems: _Problems,
    review: IncidentReview,
    categories: Sequence[Category] | None,
    reason: str,
    rationale: str,
    shown: Sequence[Category] | None,
) -> tuple[list[Category] | None, str]:
    """(the categories to set, the reason), or (None, "") to leave them as they are."""
    reason = problems.text("categories_reason", reason)
    wanted = list(dict.fromkeys(categories or ()))
    now = list(review.categories.order_by("position", "name"))
    unchanged = {c.pk for c in (now if shown is None else shown)}
    if categories is None or {c.pk for c in wanted} == unchanged:
        if reason:
            problems.add(
                "categories_reason",
                "The categories don't change, so this reason would not be kept: change the "
                "ticks, or clear the reason.",
            )
        return None, ""
    if shown is not None and unchanged != {c.pk for c in now}:
        names = ", ".join(c.name for c in now) or "none"
        problems.add(
            "categories",
            f"Another lead changed the categories since you opened this form: they are now "
            f"{names}. Your ticks are kept: check them and save again.",
        )
        return None, ""
    if not wanted:
        problems.add("categories", "Choose at least one category.")
    elif not (reason or rationale):
        problems.add(
            "categories_reason",
            "Say why the categories change (or give the decision's rationale): "
            "it is kept with the record.",
        )
    return wanted, reason or rationale


def _reply(
    problems: _Problems,
    membership: Membership,
    incident: Incident,
    kind: str,
    message: str,
) -> tuple[Membership | None, str]:
    """(the author to reply to, the message), or (None, "") for no reply."""
    message = problems.text("reply_message", message)
    if not kind:
        if message:
            problems.add("reply_kind", "Choose the kind of reply, or clear the message.")
        return None, ""
    if kind not in ReplyKind.values:
        problems.add("reply_kind", "Choose a kind of reply from the list.")
        return None, ""
    if kind == ReplyKind.MORE_DETAIL and not message:
        problems.add("reply_message", "Say what more detail you need from the author.")
    if incident.author_id == membership.user_id:
        problems.add("reply_kind", "You recorded this incident: there is nobody to reply to.")
        return None, ""
    author = _author_membership(incident)
    if author is None or not may_be_alerted(author):
        problems.add(
            "reply_kind", "The author no longer works at the school, so a reply can't reach them."
        )
        return None, ""
    return author, message
