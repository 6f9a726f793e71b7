"""Decisions as a type of their own in the chronology's filter: the reviews that recorded a
decision (including one not to refer), and nothing else."""

import pytest
from django.urls import reverse

from safeguard.casework.chronology.entries import EntryType
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.tests.factories import add_test_action, record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def test_filtering_by_decision_shows_the_reviews_that_recorded_one(
    client_as, dsl, lead, teacher, membership_of, pupil, school
):
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    add_test_action(lead, incident)
    review(lead, incident)  # risk only: no decision
    decided = review(
        lead,
        incident,
        decision=decision(school, "No further action"),
        rationale="Below the threshold for a referral: Sally is safe at home.",
    )
    url = reverse("casework:chronology", kwargs={"pupil_id": pupil.pk})
    response = client_as(dsl).post(url, {"entry_type": "decision"})
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [(entry.type, entry.pk) for entry in rows] == [(EntryType.REVIEW, decided.pk)]
    content = response.content.decode()
    assert '<option value="decision" selected>Decision</option>' in content
    assert '<span class="badge">Decision</span>' in content
    assert "Below the threshold for a referral" in content


def test_the_printed_copy_says_it_shows_decisions(client_as, dsl, pupil):
    url = reverse("casework:chronology-print", kwargs={"pupil_id": pupil.pk})
    response = client_as(dsl).post(url, {"entry_type": "decision"})
    assert ("Type", "Decision") in response.context["applied"]


def test_the_significant_view_refuses_decisions_next_to_the_type(client_as, dsl, pupil):
    url = reverse("casework:chronology", kwargs={"pupil_id": pupil.pk})
    response = client_as(dsl).post(url, {"view": "significant", "entry_type": "decision"})
    assert response.status_code == 400
    assert response.context["form"].errors["entry_type"]
