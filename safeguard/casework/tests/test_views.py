"""The review queue, the review page and the incident page's review part, for each reader.

Who may open each page at all is the permission matrix's (tests/test_url_permissions.py);
here: what each page does and shows, and that nothing a lead decides reaches anyone else.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import DecisionOption, TriageEntry
from safeguard.casework.selectors import current_risk_level
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.models import IncidentReview, ReviewStatus
from safeguard.incidents.tests.factories import category, record_test_incident
from safeguard.lib import clock

pytestmark = pytest.mark.django_db


def queue_url():
    return reverse("casework:review-queue")


def review_url(incident):
    return reverse("casework:review-incident", args=[incident.pk])


def incident_url(incident):
    return reverse("incidents:incident-detail", args=[incident.pk])


def form_data(incident, **fields):
    """What the form posts as shown now (the incident's categories ticked, and what it
    showed), with `fields`."""
    current = IncidentReview.objects.for_school(incident.school_id).get(incident=incident)
    shown = [str(pk) for pk in current.categories.values_list("pk", flat=True)]
    data = {
        "risk_level": "low",
        "mark_reviewed": "on",
        "return_to": "queue",
        "categories": shown,
        "categories_shown": shown,
        "status_shown": current.status,
        "risk_shown": current_risk_level(incident) or "none",
    }
    data.update(fields)
    return data


@pytest.fixture
def three_waiting(teacher, membership_of):
    """Three incidents recorded a day apart, oldest first."""
    made = []
    start = clock.now() - datetime.timedelta(days=3)
    for day in range(3):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            made.append(record_test_incident(membership_of(teacher)))
    return made


def test_the_queue_lists_incidents_awaiting_review_oldest_first_with_their_age(
    client_as, dsl, three_waiting
):
    response = client_as(dsl).get(queue_url())
    page = response.content.decode()
    positions = [page.index(str(incident.reference)) for incident in three_waiting]
    assert positions == sorted(positions)
    assert "3 incidents awaiting review" in page
    assert "3\xa0days" in page  # the oldest has waited three days


def test_reviewing_from_the_queue_opens_the_next_incident(client_as, dsl, three_waiting):
    client = client_as(dsl)
    first, second, third = three_waiting
    response = client.post(review_url(first), form_data(first))
    assert response.status_code == 302
    assert response["Location"] == review_url(second)
    response = client.post(review_url(second), form_data(second))
    assert response["Location"] == review_url(third)
    response = client.post(review_url(third), form_data(third))
    assert response["Location"] == queue_url()
    assert "Every incident has been reviewed" in client.get(queue_url()).content.decode()


def test_reviewing_from_the_incident_page_returns_to_it(client_as, dsl, incident, school):
    response = client_as(dsl).post(review_url(incident), form_data(incident, return_to="incident"))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == incident_url(incident)
    status = IncidentReview.objects.for_school(school).get(incident=incident).status
    assert status == ReviewStatus.OPEN


def test_opening_the_review_page_is_audited_as_a_view_of_the_incident(client_as, dsl, incident):
    assert client_as(dsl).get(review_url(incident)).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.INCIDENT_VIEWED).last()
    assert event.target_id == str(incident.pk) and event.pupil_id == incident.pupil_id


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"decision": "DECISION"}, "rationale", "Give the rationale for this decision"),
        ({"is_significant": "on"}, "significance_summary", "Give a one-line summary"),
        ({"reply_kind": "more_detail"}, "reply_message", "Say what more detail you need"),
    ],
)
def test_a_bad_review_is_refused_next_to_its_field_keeping_what_was_typed(
    client_as, dsl, incident, school, fields, field, message
):
    fields = {k: str(decision(school).pk) if v == "DECISION" else v for k, v in fields.items()}
    typed = {"discussed_with": "Head teacher, Mrs Adams", "risk_level": "medium"}
    response = client_as(dsl).post(review_url(incident), form_data(incident, **typed, **fields))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field][0].startswith(message)
    page = response.content.decode()
    assert 'value="Head teacher, Mrs Adams"' in page
    assert form["risk_level"].value() == "medium"
    assert TriageEntry.objects.for_school(school).count() == 0


def test_a_risk_change_without_a_reason_is_refused_next_to_the_reason(
    client_as, dsl, incident, school, membership_of
):
    review(membership_of(dsl), incident, risk_level="low")
    response = client_as(dsl).post(
        review_url(incident), form_data(incident, risk_level="high", rationale="")
    )
    assert response.status_code == 400
    assert "from low to high" in response.context["form"].errors["risk_reason"][0]


def test_another_schools_decision_or_category_is_not_a_valid_choice(
    client_as, dsl, incident, other_school
):
    elsewhere = DecisionOption.objects.for_school(other_school).first()
    response = client_as(dsl).post(
        review_url(incident),
        form_data(
            incident,
            decision=str(elsewhere.pk),
            rationale="x",
            categories=[str(category(other_school, "Child protection").pk)],
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["decision"][0].startswith("Select a valid choice")
    assert errors["categories"][0].startswith("Select a valid choice")


def test_another_schools_incident_is_not_found(client_as, dsl_other_school, incident):
    client = client_as(dsl_other_school)
    assert client.get(review_url(incident)).status_code == 404
    assert client.post(review_url(incident), form_data(incident)).status_code == 404


def test_a_lead_sees_the_review_section_on_the_incident_page(
    client_as, dsl, incident, school, membership_of
):
    review(
        membership_of(dsl),
        incident,
        risk_level="high",
        decision=decision(school, "Referral to police"),
        rationale="Disclosure of harm.",
    )
    page = client_as(dsl).get(incident_url(incident)).content.decode()
    assert 'id="review-title"' in page
    assert "Referral to police" in page and "Disclosure of harm." in page


@pytest.fixture
def reviewed_with_a_reply(dsl, teacher, slt, school, membership_of):
    """The teacher's incident, alerting SLT; the DSL makes it child protection, high risk,
    decides to refer, and thanks the teacher."""
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    review(
        membership_of(dsl),
        incident,
        risk_level="high",
        decision=decision(school, "Referral to children's social care"),
        rationale="Secret rationale for the leads.",
        is_significant=True,
        significance_summary="Secret summary for the chronology.",
        categories=[category(school, "Child protection")],
        reply_kind="thanks",
        reply_message="Thank you, Terry: well spotted.",
    )
    return incident


def test_the_author_sees_the_reply_and_nothing_else_of_the_review(
    client_as, teacher, reviewed_with_a_reply
):
    page = client_as(teacher).get(incident_url(reviewed_with_a_reply)).content.decode()
    assert "Thank you, Terry: well spotted." in page
    assert "nothing more is needed from you" in page
    for secret in (
        "Secret rationale",
        "Secret summary",
        "Referral to children",
        "Child protection",
        "High",
        'id="review-title"',
    ):
        assert secret not in page, secret


def test_the_reply_reaches_the_authors_alerts(client_as, teacher, reviewed_with_a_reply):
    page = client_as(teacher).get(reverse("incidents:alert-list")).content.decode()
    assert "(a reply to you)" in page
    assert "Child protection" not in page


def test_a_teacher_alerted_to_the_incident_sees_nothing_of_the_review(
    client_as, slt, reviewed_with_a_reply
):
    page = client_as(slt).get(incident_url(reviewed_with_a_reply)).content.decode()
    for secret in (
        "Secret rationale",
        "Secret summary",
        "Referral to children",
        "Child protection",
        "Thank you, Terry",
        'id="review-title"',
        'id="replies"',
    ):
        assert secret not in page, secret


# The school's decision options ---------------------------------------------------------------


def test_a_lead_adds_renames_retires_and_reorders_a_decision(client_as, dsl, school):
    client = client_as(dsl)
    response = client.post(reverse("casework:decision-option-add"), {"name": "Strategy meeting"})
    assert response.status_code == 302
    option = DecisionOption.objects.for_school(school).get(name="Strategy meeting")
    client.post(
        reverse("casework:decision-option-edit", args=[option.pk]),
        {"name": "Strategy discussion"},
    )
    option.refresh_from_db()
    assert option.name == "Strategy discussion"
    client.post(reverse("casework:decision-option-move-up", args=[option.pk]))
    client.post(reverse("casework:decision-option-retire", args=[option.pk]))
    option.refresh_from_db()
    assert option.is_retired and option.position == 80
    updated = AuditEvent.objects.filter(action=AuditAction.DECISION_OPTION_UPDATED)
    assert updated.first().detail["name"] == {
        "from": "Strategy meeting",
        "to": "Strategy discussion",
    }


def test_a_rename_leaves_old_reviews_as_they_were(client_as, dsl, incident, school, membership_of):
    option = decision(school, "Monitor")
    entry = review(membership_of(dsl), incident, decision=option, rationale="Watch and wait.")
    client_as(dsl).post(
        reverse("casework:decision-option-edit", args=[option.pk]), {"name": "Keep watching"}
    )
    entry.refresh_from_db()
    assert entry.decision_name == "Monitor"


def test_a_decision_name_the_school_already_has_is_refused(client_as, dsl):
    response = client_as(dsl).post(reverse("casework:decision-option-add"), {"name": "monitor"})
    assert response.status_code == 400
    assert "already has a decision called “Monitor”" in response.context["form"].errors["name"][0]


def test_a_retired_decision_is_not_offered_in_a_review(client_as, dsl, incident, school):
    option = decision(school, "Other")
    client = client_as(dsl)
    client.post(reverse("casework:decision-option-retire", args=[option.pk]))
    response = client.post(
        review_url(incident), form_data(incident, decision=str(option.pk), rationale="x")
    )
    assert response.context["form"].errors["decision"][0].startswith("Select a valid choice")


def test_the_review_form_on_the_incident_page_repeats_no_id_of_the_page(client_as, dsl, incident):
    """It sits beside the corrections' status form, which has a status and a reason too."""
    page = client_as(dsl).get(incident_url(incident)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [i for i in set(ids) if ids.count(i) > 1] == []
