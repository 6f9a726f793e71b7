"""A lead's review of an incident: every rule, and every refusal keeping nothing half-done."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.casework.models import TriageEntry
from safeguard.casework.selectors import current_risk_level, triage_entries_of, triage_state
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.models import (
    Alert,
    AlertReason,
    CorrectionKind,
    IncidentCorrection,
    IncidentReview,
    ReviewStatus,
)
from safeguard.incidents.tests.factories import category, record_test_incident

pytestmark = pytest.mark.django_db


def entries(school) -> int:
    return TriageEntry.objects.for_school(school).count()


def refused(call, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**fields)
    return caught.value.message_dict


def test_marking_a_new_incident_reviewed_opens_it_through_a_status_correction(
    lead, incident, school
):
    entry = review(lead, incident, risk_level="medium")
    assert entry.is_reviewed and entry.risk_level == "medium" and entry.previous_risk_level == ""
    status = IncidentReview.objects.for_school(school).get(incident=incident)
    assert status.status == ReviewStatus.OPEN
    correction = IncidentCorrection.objects.for_school(school).get(incident=incident)
    assert correction.kind == CorrectionKind.STATUS and correction.reason == "Marked as reviewed."


def test_a_review_is_sealed_and_audited_with_ids_only(lead, incident, school):
    entry = review(
        lead, incident, decision=decision(school), rationale="Sally is safe at home; mum aware."
    )
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_REVIEWED)
    assert event.detail["entry"] == entry.pk
    assert event.pupil_id == incident.pupil_id
    assert "Sally" not in str(event.detail)
    assert Seal.objects.filter(event=event, record_type="casework.triageentry").count() == 1


def test_unticking_mark_reviewed_keeps_the_incident_in_the_queue(lead, incident, school):
    entry = review(lead, incident, mark_reviewed=False)
    assert not entry.is_reviewed
    status = IncidentReview.objects.for_school(school).get(incident=incident).status
    assert status == ReviewStatus.NEW


def test_a_status_chosen_without_marking_reviewed_is_refused(lead, incident, school):
    problems = refused(
        review, membership=lead, incident=incident, mark_reviewed=False, status="closed"
    )
    assert "status" in problems
    assert entries(school) == 0


def test_a_decision_without_a_rationale_is_refused_and_nothing_is_written(lead, incident, school):
    problems = refused(
        review, membership=lead, incident=incident, decision=decision(school, "Monitor")
    )
    assert problems["rationale"][0].startswith("Give the rationale for this decision")
    assert entries(school) == 0
    assert IncidentReview.objects.for_school(school).get(incident=incident).status == "new"


def test_a_decision_not_to_refer_is_kept_with_its_rationale(lead, incident, school):
    entry = review(
        lead,
        incident,
        decision=decision(school, "No further action"),
        rationale="Below the threshold: discussed with the MASH consultation line.",
        discussed_with="MASH consultation line",
    )
    assert entry.decision_name == "No further action"
    assert triage_state(triage_entries_of(incident)).decision_name == "No further action"


def test_a_rationale_without_a_decision_asks_for_the_decision(lead, incident):
    problems = refused(review, membership=lead, incident=incident, rationale="Because.")
    assert "decision" in problems


def test_another_schools_or_a_retired_decision_is_refused(lead, incident, school, other_school):
    elsewhere = decision(other_school)
    problems = refused(
        review, membership=lead, incident=incident, decision=elsewhere, rationale="x"
    )
    assert problems["decision"] == ["Choose a decision from the list."]


def test_a_risk_change_without_a_reason_is_refused(lead, incident, school):
    review(lead, incident, risk_level="low")
    problems = refused(review, membership=lead, incident=incident, risk_level="high")
    assert problems["risk_reason"] == [
        "Say why the risk level changes from low to high: it is kept with the record."
    ]
    assert current_risk_level(incident) == "low"


def test_a_risk_change_with_a_reason_is_the_new_current_risk(lead, incident):
    review(lead, incident, risk_level="low")
    entry = review(lead, incident, risk_level="high", risk_reason="Disclosure at lunch.")
    assert entry.previous_risk_level == "low"
    assert current_risk_level(incident) == "high"


def test_the_same_risk_again_needs_no_reason(lead, incident):
    review(lead, incident, risk_level="medium")
    assert review(lead, incident, risk_level="medium").risk_reason == ""


def test_an_unknown_risk_level_is_refused(lead, incident):
    assert "risk_level" in refused(review, membership=lead, incident=incident, risk_level="dire")


def test_a_significant_event_without_a_summary_is_refused(lead, incident, school):
    problems = refused(review, membership=lead, incident=incident, is_significant=True)
    assert problems["significance_summary"] == [
        "Give a one-line summary of the event for the chronology."
    ]
    assert entries(school) == 0


def test_a_summary_on_two_lines_is_refused(lead, incident):
    problems = refused(
        review,
        membership=lead,
        incident=incident,
        is_significant=True,
        significance_summary="One\u2028two",
    )
    assert "significance_summary" in problems


def test_every_problem_is_reported_at_once(lead, incident, school):
    review(lead, incident, risk_level="low")
    problems = refused(
        review,
        membership=lead,
        incident=incident,
        risk_level="high",
        decision=decision(school),
        is_significant=True,
    )
    assert {"risk_reason", "rationale", "significance_summary"} <= set(problems)


def test_closing_uses_the_rationale_as_the_status_reason(lead, incident, school):
    review(
        lead,
        incident,
        status="closed",
        decision=decision(school),
        rationale="Resolved with parents.",
    )
    correction = IncidentCorrection.objects.for_school(school).get(incident=incident)
    assert correction.after == {"status": "closed"}
    assert correction.reason == "Resolved with parents."


def test_closing_with_no_reason_at_all_is_refused(lead, incident, school):
    review(lead, incident)
    problems = refused(review, membership=lead, incident=incident, status="closed")
    assert "status_reason" in problems
    assert IncidentReview.objects.for_school(school).get(incident=incident).status == "open"


def test_categories_change_through_a_correction_restricted_ones_included(lead, incident, school):
    protection = category(school, "Child protection")
    review(
        lead,
        incident,
        categories=[protection],
        categories_reason="Disclosure: this is child protection.",
    )
    current = IncidentReview.objects.for_school(school).get(incident=incident).categories.all()
    assert list(current) == [protection]
    kinds = set(IncidentCorrection.objects.for_school(school).values_list("kind", flat=True))
    assert kinds == {CorrectionKind.STATUS, CorrectionKind.RECATEGORISE}


def test_the_same_categories_are_no_change(lead, incident, school):
    review(lead, incident, categories=[category(school, "Safeguarding concern")])
    assert (
        not IncidentCorrection.objects.for_school(school)
        .filter(kind=CorrectionKind.RECATEGORISE)
        .exists()
    )


def test_no_categories_at_all_is_refused(lead, incident):
    problems = refused(review, membership=lead, incident=incident, categories=[])
    assert problems["categories"] == ["Choose at least one category."]


def test_a_staff_member_cannot_review(teacher, membership_of, incident):
    with pytest.raises(PermissionDenied):
        review(membership_of(teacher), incident)


def test_a_lead_of_another_school_cannot_review(dsl_other_school, membership_of, incident):
    with pytest.raises(PermissionDenied):
        review(membership_of(dsl_other_school), incident)


# The reply to the author -------------------------------------------------------------------


def test_a_reply_alerts_the_author_and_emails_only_who_sent_it(
    lead, incident, teacher, school, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review(
            lead,
            incident,
            reply_kind="more_detail",
            reply_message="What did Sally say about her brother?",
        )
    alert = Alert.objects.for_school(school).get(recipient=teacher, reason=AlertReason.REPLY)
    assert not alert.is_lead_only
    [email] = [m for m in mail.outbox if teacher.email in m.to]
    text = email.subject + email.body
    assert "Dana" in text and "replied" in text
    assert "Sally" not in text and "brother" not in text
    assert "Category" not in text and "Safeguarding concern" not in text
    assert incident.pupil.last_name not in text


def test_more_detail_without_a_message_is_refused(lead, incident):
    problems = refused(review, membership=lead, incident=incident, reply_kind="more_detail")
    assert problems["reply_message"] == ["Say what more detail you need from the author."]


def test_a_message_without_a_kind_of_reply_is_refused(lead, incident):
    problems = refused(review, membership=lead, incident=incident, reply_message="Thanks!")
    assert "reply_kind" in problems


def test_a_lead_cannot_reply_to_themself(lead, school):
    own = record_test_incident(lead)
    problems = refused(review, membership=lead, incident=own, reply_kind="thanks")
    assert "reply_kind" in problems


def test_a_reply_to_an_author_who_left_is_refused(lead, incident, teacher, membership_of):
    author = membership_of(teacher)
    author.is_active = False
    author.save()
    problems = refused(review, membership=lead, incident=incident, reply_kind="thanks")
    assert problems["reply_kind"] == [
        "The author no longer works at the school, so a reply can't reach them."
    ]
