"""Hostile reviews: another school's ids in every field of the review form, crafted values,
and staff who post a review. Each is refused with a message (never a 500), and nothing is
written; a refused lead keeps what they typed."""

import pytest
from django.urls import reverse

from safeguard.casework.models import DecisionOption
from safeguard.incidents.models import Incident, IncidentReview
from tests.hostile.helpers import assert_nothing_from_elsewhere, html
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db


def review_url(incident) -> str:
    return reverse("casework:review-incident", args=[incident.pk])


def posted(incident, **fields) -> dict:
    current = IncidentReview.objects.for_school(incident.school_id).get(incident=incident)
    data = {
        "risk_level": "low",
        "mark_reviewed": "on",
        "return_to": "queue",
        "rationale": "Typed with care: keep me.",
        "categories": [str(pk) for pk in current.categories.values_list("pk", flat=True)],
    }
    data.update(fields)
    return data


@pytest.fixture
def waiting(submitted, school):
    """The incident submitted through the views, awaiting review."""
    return Incident.objects.for_school(school).get(pk=submitted["incident_id"])


@pytest.mark.parametrize("field", ["decision", "categories"])
def test_another_schools_id_in_a_review_field_is_not_a_valid_choice(
    field, waiting, elsewhere, client_as, dsl
):
    other = {
        "decision": str(DecisionOption.objects.for_school(elsewhere["school"]).first().pk),
        "categories": [str(elsewhere["category"].pk)],
    }[field]
    before = snapshot()
    response = client_as(dsl).post(review_url(waiting), posted(waiting, **{field: other}))
    assert response.status_code == 400
    assert response.context["form"].errors[field][0].startswith("Select a valid choice")
    assert "Typed with care: keep me." in html(response)
    assert_nothing_from_elsewhere(html(response))
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "fields",
    [
        {"risk_level": "catastrophic"},
        {"status": "new"},
        {"status": "withdrawn"},
        {"reply_kind": "insult"},
        {"decision": "not-a-number"},
        {"decision": "99999999999999999999999"},
        {"categories": ["-1"]},
        {"return_to": "https://evil.example/"},
        {"significance_summary": "x" * 5000, "is_significant": "on"},
        {"discussed_with": "line one\nline two"},
        {"reply_message": "\x00", "reply_kind": "thanks"},
    ],
)
def test_crafted_review_values_are_refused_without_a_500(fields, waiting, client_as, dsl):
    before = snapshot()
    response = client_as(dsl).post(review_url(waiting), posted(waiting, **fields))
    assert response.status_code == 400
    assert changes(before, snapshot()) == {}


def test_another_schools_lead_cannot_review_or_see_the_incident(waiting, client_as, elsewhere):
    client = client_as(elsewhere["dsl"])
    before = snapshot()
    assert client.get(review_url(waiting)).status_code == 404
    assert client.post(review_url(waiting), posted(waiting)).status_code == 404
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("role", ["teacher", "slt"])
def test_staff_who_post_a_review_are_refused_and_nothing_is_written(
    role, waiting, client_as, request
):
    person = request.getfixturevalue(role)
    before = snapshot()
    response = client_as(person).post(review_url(waiting), posted(waiting))
    assert response.status_code == 403
    assert changes(before, snapshot()) == {}
