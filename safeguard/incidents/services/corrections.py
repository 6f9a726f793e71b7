"""DSL corrections and authors' mistake reports (school policy section 5 step 12).

A submitted incident never changes. What a DSL corrects changes only the
incident's review (`IncidentReview`: the pupil it is filed under, its
categories, its status, whether it is withdrawn), and every correction is
kept as a new `IncidentCorrection` row holding the reason and the before and
after (ids and category names only, never record text), with an audit event
in the same transaction. The original stays visible to DSLs beside the
correction.

Only DSLs and deputies correct (they hold VIEW_ALL_INCIDENTS). Anyone who can
see an incident can report a mistake in it to the school's DSLs, who are
alerted; the report changes nothing on the incident.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import (
    AlertReason,
    Category,
    CorrectionKind,
    Incident,
    IncidentCorrection,
    IncidentReview,
    ReviewStatus,
)
from safeguard.incidents.selectors import leads_of
from safeguard.incidents.services import alerting
from safeguard.lib import clock
from safeguard.lib.text import text_problem
from safeguard.pupils.models import Pupil

MAX_REASON_LENGTH = 2000


def _require_lead(membership: Membership, incident: Incident) -> None:
    if Capability.VIEW_ALL_INCIDENTS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can correct an incident.")
    if incident.school_id != membership.school_id:
        raise PermissionDenied("This incident belongs to another school.")


def _clean_reason(reason: str, *, field: str = "reason", what: str = "why") -> str:
    if not reason.strip():
        raise ValidationError({field: f"Say {what}: it is kept with the record."})
    problem = text_problem(reason, max_length=MAX_REASON_LENGTH)
    if problem:
        raise ValidationError({field: problem})
    return reason.strip()


def _locked_review(incident: Incident) -> IncidentReview:
    return (
        IncidentReview.objects.for_school(incident.school_id)
        .select_for_update()
        .get(incident=incident)
    )


def _categories_json(categories: Sequence[Category]) -> list[dict[str, Any]]:
    return [{"id": c.pk, "name": c.name} for c in categories]


def _correct(
    *,
    membership: Membership,
    incident: Incident,
    review: IncidentReview,
    kind: CorrectionKind,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
    action: AuditAction = AuditAction.INCIDENT_CORRECTED,
) -> IncidentCorrection:
    review.updated_at = clock.now()
    review.save()
    correction = IncidentCorrection.objects.create(
        school_id=incident.school_id,
        incident=incident,
        kind=kind,
        made_by=membership.user,
        made_at=review.updated_at,
        reason=reason,
        before=before,
        after=after,
    )
    record(
        actor=membership.user,
        action=action,
        school=membership.school,
        target=incident,
        detail={"correction": correction.pk, "kind": kind.value, "before": before, "after": after},
        seal=[correction],
    )
    return correction


@transaction.atomic
def recategorise(
    *, membership: Membership, incident: Incident, categories: Sequence[Category], reason: str
) -> IncidentCorrection:
    """Replace the incident's categories with a new set, restricted ones included (step 12)."""
    _require_lead(membership, incident)
    reason = _clean_reason(reason)
    categories = list(dict.fromkeys(categories))
    if not categories:
        raise ValidationError({"categories": "Choose at least one category."})
    for category in categories:
        if category.school_id != incident.school_id or category.is_retired:
            raise ValidationError({"categories": "Choose categories from the list."})
        if category.is_restricted and (
            Capability.ALLOCATE_RESTRICTED_CATEGORIES not in membership.capabilities
        ):
            raise ValidationError({"categories": f"Only a DSL can allocate “{category.name}”."})
    review = _locked_review(incident)
    current = list(review.categories.order_by("position", "name"))
    if {c.pk for c in current} == {c.pk for c in categories}:
        raise ValidationError({"categories": "These are already the incident's categories."})
    review.categories.set(categories)
    return _correct(
        membership=membership,
        incident=incident,
        review=review,
        kind=CorrectionKind.RECATEGORISE,
        reason=reason,
        before={"categories": _categories_json(current)},
        after={"categories": _categories_json(categories)},
    )


@transaction.atomic
def move_to_pupil(
    *, membership: Membership, incident: Incident, pupil: Pupil, reason: str
) -> IncidentCorrection:
    """File the incident under the right child; it leaves the wrong child's chronology."""
    _require_lead(membership, incident)
    reason = _clean_reason(reason)
    if pupil.school_id != incident.school_id:
        raise ValidationError({"pupil": "Choose a pupil from your school."})
    review = _locked_review(incident)
    if review.pupil_id == pupil.pk:
        raise ValidationError({"pupil": "The incident is already filed under this pupil."})
    before = {"pupil": review.pupil_id}
    review.pupil = pupil
    return _correct(
        membership=membership,
        incident=incident,
        review=review,
        kind=CorrectionKind.MOVE_PUPIL,
        reason=reason,
        before=before,
        after={"pupil": pupil.pk},
    )


@transaction.atomic
def withdraw(*, membership: Membership, incident: Incident, reason: str) -> IncidentCorrection:
    """Mark a record made on the wrong child as withdrawn; it is kept, unchanged, for audit."""
    _require_lead(membership, incident)
    reason = _clean_reason(reason)
    review = _locked_review(incident)
    if review.is_withdrawn:
        raise ValidationError({"reason": "This record has already been withdrawn."})
    review.is_withdrawn = True
    return _correct(
        membership=membership,
        incident=incident,
        review=review,
        kind=CorrectionKind.WITHDRAW,
        reason=reason,
        before={"is_withdrawn": False},
        after={"is_withdrawn": True},
    )


@transaction.atomic
def set_status(
    *, membership: Membership, incident: Incident, status: str, reason: str
) -> IncidentCorrection:
    """Open, monitor or close an incident, with the DSL's reason (step 12, KCSIE Annex C)."""
    _require_lead(membership, incident)
    reason = _clean_reason(reason)
    if status not in ReviewStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    review = _locked_review(incident)
    if review.status == status:
        raise ValidationError({"status": f"The status is already “{ReviewStatus(status).label}”."})
    before = {"status": review.status}
    review.status = status
    return _correct(
        membership=membership,
        incident=incident,
        review=review,
        kind=CorrectionKind.STATUS,
        reason=reason,
        before=before,
        after={"status": status},
        action=AuditAction.INCIDENT_STATUS_CHANGED,
    )


def _set_kept_with_leads(
    *, membership: Membership, incident: Incident, reason: str, kept: bool
) -> IncidentCorrection:
    _require_lead(membership, incident)
    reason = _clean_reason(reason)
    review = _locked_review(incident)
    if review.is_kept_with_leads == kept:
        already = "already kept with the leads" if kept else "not kept with the leads"
        raise ValidationError({"reason": f"This incident is {already}."})
    review.is_kept_with_leads = kept
    return _correct(
        membership=membership,
        incident=incident,
        review=review,
        kind=CorrectionKind.KEEP_WITH_LEADS if kept else CorrectionKind.RELEASE_FROM_LEADS,
        reason=reason,
        before={"is_kept_with_leads": not kept},
        after={"is_kept_with_leads": kept},
        action=AuditAction.INCIDENT_KEPT_WITH_LEADS
        if kept
        else AuditAction.INCIDENT_RELEASED_FROM_LEADS,
    )


@transaction.atomic
def keep_with_leads(
    *, membership: Membership, incident: Incident, reason: str
) -> IncidentCorrection:
    """Keep the incident with the leads: from now on only DSLs and deputies are alerted or
    assigned on it. Those already alerted keep what they could see; the reason is for the
    leads alone."""
    return _set_kept_with_leads(membership=membership, incident=incident, reason=reason, kept=True)


@transaction.atomic
def release_from_leads(
    *, membership: Membership, incident: Incident, reason: str
) -> IncidentCorrection:
    """Release an incident a lead kept with the leads (a restricted category still keeps it)."""
    return _set_kept_with_leads(membership=membership, incident=incident, reason=reason, kept=False)


@transaction.atomic
def report_mistake(*, membership: Membership, incident: Incident, note: str) -> IncidentCorrection:
    """Tell the school's DSLs about a mistake in an incident; the incident stays as it is.

    The note is kept with the incident for the DSL. The alert email, like every
    alert, says only who raised it and the category.
    """
    if Capability.RECORD_INCIDENT not in membership.capabilities:
        raise PermissionDenied("Your role doesn't see incidents.")
    if incident.school_id != membership.school_id:
        raise PermissionDenied("This incident belongs to another school.")
    note = _clean_reason(note, field="note", what="what is wrong")
    correction = IncidentCorrection.objects.create(
        school_id=incident.school_id,
        incident=incident,
        kind=CorrectionKind.MISTAKE_REPORTED,
        made_by=membership.user,
        made_at=clock.now(),
        reason=note,
    )
    leads = leads_of(membership.school_id).exclude(user=membership.user)
    recipients = [alerting.Recipient(lead, AlertReason.MISTAKE) for lead in leads]
    review = IncidentReview.objects.for_school(incident.school_id).get(incident=incident)
    alerts = alerting.create_alerts(
        incident=incident,
        created_by=membership.user,
        recipients=recipients,
        label=alerting.category_label(list(review.categories.order_by("position", "name"))),
    )
    record(
        actor=membership.user,
        action=AuditAction.MISTAKE_REPORTED,
        school=membership.school,
        target=incident,
        detail={"correction": correction.pk, "alerted": [a.recipient_id for a in alerts]},
        seal=[correction],
    )
    return correction
