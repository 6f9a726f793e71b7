"""The state an incident's reviews give, the queue's order, and who reads what of a review."""

import pytest

from safeguard.casework.selectors import (
    next_in_queue,
    replies_to,
    triage_entries_of,
    triage_shown_to,
    triage_state,
)
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.tests.factories import record_test_incident

pytestmark = pytest.mark.django_db


def test_the_decision_stands_until_a_later_review_records_another(lead, incident, school):
    review(lead, incident, decision=decision(school, "Monitor"), rationale="Watch.")
    review(lead, incident, risk_level="medium", risk_reason="New worry.")
    state = triage_state(triage_entries_of(incident))
    assert (state.risk_level, state.decision_name) == ("medium", "Monitor")
    review(lead, incident, risk_level="medium", decision=decision(school), rationale="Resolved.")
    assert triage_state(triage_entries_of(incident)).decision_name == "No further action"


def test_significance_is_the_newest_reviews(lead, incident):
    review(lead, incident, is_significant=True, significance_summary="Disclosure of harm.")
    assert triage_state(triage_entries_of(incident)).is_significant
    review(lead, incident)
    assert not triage_state(triage_entries_of(incident)).is_significant


def test_nobody_but_a_lead_is_shown_the_reviews(lead, incident, teacher, slt, membership_of):
    review(lead, incident)
    assert len(triage_shown_to(lead, incident)) == 1
    for person in (teacher, slt):
        assert triage_shown_to(membership_of(person), incident) == []


def test_only_the_author_reads_the_reply(lead, incident, teacher, slt, membership_of):
    review(lead, incident, reply_kind="thanks", reply_message="Thank you.")
    [reply] = replies_to(membership_of(teacher), incident)
    assert (reply.kind, reply.message, reply.sent_by) == (
        "thanks",
        "Thank you.",
        "Dana " + lead.user.last_name,
    )
    assert replies_to(membership_of(slt), incident) == []


def test_the_next_in_the_queue_is_the_next_oldest(lead, teacher, membership_of):
    first, second = (record_test_incident(membership_of(teacher)) for _ in range(2))
    assert next_in_queue(lead, first) == second
    review(lead, second)
    assert next_in_queue(lead, first) is None
