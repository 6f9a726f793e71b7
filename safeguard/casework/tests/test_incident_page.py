"""The reviews on the incident's printable copy, the reply's sender named alike in the app and
in its email, and the link to a reply for a lead who recorded the incident."""

import pytest
from django.core import mail
from django.urls import reverse

from safeguard.accounts.models import User
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.tests.factories import category, record_test_incident

pytestmark = pytest.mark.django_db


def print_url(incident):
    return reverse("incidents:incident-print", args=[incident.pk])


def incident_url(incident):
    return reverse("incidents:incident-detail", args=[incident.pk])


@pytest.fixture
def reviewed(dsl, teacher, slt, school, membership_of):
    """The teacher's incident, alerting SLT, reviewed by the DSL with a reply to the teacher."""
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    review(
        membership_of(dsl),
        incident,
        risk_level="high",
        decision=decision(school, "Referral to police"),
        rationale="Secret rationale for the leads.",
        categories=[category(school, "Child protection")],
        categories_reason="A disclosure.",
        reply_kind="thanks",
        reply_message="Thank you: well spotted.",
    )
    return incident


def test_the_printed_incident_shows_a_lead_its_reviews_without_the_form(client_as, dsl, reviewed):
    page = client_as(dsl).get(print_url(reviewed)).content.decode()
    assert "Reviews by the DSL" in page
    assert "Referral to police" in page and "Secret rationale for the leads." in page
    assert "Thank you: well spotted." in page
    assert "<form" not in page.split('id="print-reviews"')[1]


def test_the_printed_incident_shows_its_author_the_reply_and_nothing_else_of_the_review(
    client_as, teacher, slt, reviewed
):
    page = client_as(teacher).get(print_url(reviewed)).content.decode()
    assert "Thank you: well spotted." in page
    assert "Secret rationale" not in page and "Reviews by the DSL" not in page
    page = client_as(slt).get(print_url(reviewed)).content.decode()
    for secret in ("Secret rationale", "Thank you: well spotted.", "Reviews by the DSL"):
        assert secret not in page, secret


def test_a_lead_with_no_name_is_a_colleague_in_the_reply_and_its_email_never_an_address(
    client_as, dsl, teacher, school, membership_of, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=dsl.pk).update(first_name="", last_name="")
    dsl.refresh_from_db()
    incident = record_test_incident(membership_of(teacher))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review(membership_of(dsl), incident, reply_kind="thanks")
    page = client_as(teacher).get(incident_url(incident)).content.decode()
    assert dsl.email not in page
    assert "A colleague" in page
    [email] = [m for m in mail.outbox if teacher.email in m.to]
    assert "A colleague" in email.body and dsl.email not in email.body


def test_a_lead_who_recorded_the_incident_finds_a_reply_to_them_where_the_alert_links(
    client_as, dsl, deputy, membership_of
):
    incident = record_test_incident(membership_of(dsl))
    review(membership_of(deputy), incident, reply_kind="more_detail", reply_message="When?")
    page = client_as(dsl).get(incident_url(incident)).content.decode()
    assert 'href="#replies"' in page  # the alert bar's link to the reply
    assert page.count('id="replies"') == 1
    assert "When?" in page
