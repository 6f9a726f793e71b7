"""What reaches an email: no injected header, and nothing that identifies the pupil.

Names end up in emails (the alert names its author; the invitation its sender and school).
A line break in a name or an address is refused at the form, and names stored before that
rule still can't add a header. Alert emails name only the author and the category.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.helpers import (
    ADD,
    RESET,
    action_data,
    category,
    incident_data,
    membership,
    recorded,
)
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db


INJECTED = "Dana\r\nBcc: spy@evil.example"


def _no_injected_headers(messages: list) -> None:
    for message in messages:
        assert message["Bcc"] is None and message["Cc"] is None
        assert "evil.example" not in message["X-Envelope-To"]
        # Long subjects are folded onto continuation lines (which start with a space).
        subject = re.sub(r"\r?\n[ \t]", " ", message["Subject"] or "")
        assert "\n" not in subject and "\r" not in subject


@pytest.mark.parametrize("field", ["first_name", "last_name", "job_title"])
def test_a_line_break_in_a_staff_name_is_refused(field, client_as, dsl, teacher, school):
    target = membership(teacher, school)
    data = {"first_name": "Terry", "last_name": "Smith", "job_title": "Teacher", field: INJECTED}
    before = snapshot()
    response = client_as(dsl).post(reverse("school:staff-detail", args=[target.pk]), data)
    assert response.status_code == 200
    assert response.context["details_form"].errors[field]
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("field", ["first_name", "last_name", "job_title"])
def test_a_line_break_in_an_invited_persons_name_is_refused(field, client_as, dsl, school):
    data = {
        "first_name": "Nia",
        "last_name": "Cole",
        "email": "nia@larkspur.example",
        "role": Role.TEACHER,
        "job_title": "",
        field: INJECTED,
    }
    before = snapshot()
    mail.outbox.clear()
    response = client_as(dsl).post(reverse("school:staff-invite"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert changes(before, snapshot()) == {}
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        pytest.param(
            "school:group-create", {"name": INJECTED, "description": ""}, "name", id="group"
        ),
        pytest.param(
            "incidents:category-add", {"name": INJECTED, "description": ""}, "name", id="category"
        ),
        pytest.param(
            "school:school-settings",
            {"name": INJECTED, "urn": "", "email_domains": "", "idle_timeout_minutes": "20"},
            "name",
            id="school",
        ),
    ],
)
def test_a_line_break_in_a_name_that_reaches_emails_is_refused(
    url_name, data, field, client_as, dsl
):
    before = snapshot()
    response = client_as(dsl).post(reverse(url_name), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert changes(before, snapshot()) == {}


def test_an_invitation_to_an_address_with_a_hidden_second_recipient_is_refused(client_as, dsl):
    mail.outbox.clear()
    response = client_as(dsl).post(
        reverse("school:staff-invite"),
        {
            "first_name": "Nia",
            "last_name": "Cole",
            "email": "nia@larkspur.example\r\nBcc: spy@evil.example",
            "role": Role.TEACHER,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_a_reset_request_for_an_address_with_a_hidden_recipient_sends_nothing_there(
    client, teacher
):
    mail.outbox.clear()
    client.post(RESET, {"email": f"{teacher.email}\r\nBcc: spy@evil.example"})
    assert all("spy@evil.example" not in " ".join(m.recipients()) for m in mail.outbox)
    assert all("spy@evil.example" not in str(m.message()) for m in mail.outbox)


def test_alert_emails_from_an_author_with_an_odd_name_carry_no_extra_header(
    smtp_server, school, dsl, pupil, django_capture_on_commit_callbacks
):
    """Names stored before the form refused line breaks (or imported) still can't inject."""
    author = member(school, Role.TEACHER, first_name=INJECTED, last_name="Cole\rCc: x@evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        recorded(membership(author, school), pupil=pupil, people=[membership(dsl, school)])
    assert smtp_server
    _no_injected_headers(smtp_server)
    assert {m["X-Envelope-To"] for m in smtp_server} == {dsl.email}


def test_an_invitation_from_a_sender_with_an_odd_name_carries_no_extra_header(
    smtp_server, school, client_as, django_capture_on_commit_callbacks
):
    sender = member(school, Role.DSL, first_name=INJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(sender).post(
            reverse("school:staff-invite"),
            {
                "first_name": "Nia",
                "last_name": "Cole",
                "email": "nia@larkspur.example",
                "role": "teacher",
            },
        )
    assert response.status_code == 302
    assert smtp_server
    _no_injected_headers(smtp_server)
    assert {m["X-Envelope-To"] for m in smtp_server} == {"nia@larkspur.example"}


# Alert emails carry only the author and the category ----------------------------------------


def _alert_emails(smtp_server, run) -> list:
    smtp_server.clear()
    run()
    assert smtp_server, "no email was sent: the test would see nothing"
    return list(smtp_server)


def _assert_nothing_sensitive(messages, *secrets: str) -> None:
    for message in messages:
        text = f"{message['Subject']}\n{message.get_payload(decode=True).decode()}"
        for secret in secrets:
            assert secret not in text, f"{secret!r} in an alert email"
        assert "/incidents/" not in text and "/pupils/" not in text  # the link is opaque


@pytest.fixture
def identifiable_pupil(school):
    return PupilFactory(
        school=school,
        legal_first_name="Philippa",
        legal_last_name="Ravensworth",
        preferred_first_name="Pippa",
        date_of_birth=datetime.date(2016, 2, 29),
    )


SECRETS = (
    "Philippa",
    "Ravensworth",
    "Pippa",
    "29/02/2016",
    "2016-02-29",
    "29 February 2016",
    "bruise on her wrist",
    "behind the bike shed",
)


def test_an_incident_alert_email_names_only_author_and_category(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    data = incident_data(
        school,
        identifiable_pupil,
        text="Pippa showed me a bruise on her wrist.",
        location="behind the bike shed",
        people=[str(membership(dsl, school).pk)],
    )

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            assert client_as(teacher).post(ADD, data).status_code == 302

    messages = _alert_emails(smtp_server, run)
    _assert_nothing_sensitive(messages, *SECRETS, identifiable_pupil.upn)
    body = messages[0].get_payload(decode=True).decode()
    assert teacher.full_name in body and "Family / home circumstances" in body


def test_an_action_alert_email_names_only_author_and_category(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    incident = recorded(membership(teacher, school), pupil=identifiable_pupil)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            client_as(teacher).post(
                reverse("incidents:action-add", args=[incident.pk]),
                action_data(
                    text="Spoke to Pippa Ravensworth about the bruise on her wrist.",
                    people=[str(membership(dsl, school).pk)],
                ),
            )

    _assert_nothing_sensitive(_alert_emails(smtp_server, run), *SECRETS)


def test_a_mistake_report_email_carries_no_note_or_pupil(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    incident = recorded(membership(teacher, school), pupil=identifiable_pupil)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            client_as(teacher).post(
                reverse("incidents:incident-report-mistake", args=[incident.pk]),
                {"note": "It was Philippa Ravensworth behind the bike shed, not her sister."},
            )

    _assert_nothing_sensitive(_alert_emails(smtp_server, run), *SECRETS)


def test_a_reply_email_names_only_its_sender(
    smtp_server,
    client_as,
    teacher,
    dsl,
    school,
    identifiable_pupil,
    django_capture_on_commit_callbacks,
):
    """A lead's reply to the author, sent with a review that makes the incident child
    protection: the email says who replied and that there is a reply, nothing else."""
    incident = recorded(membership(teacher, school), pupil=identifiable_pupil)
    protection = category(school, "Child protection")
    current = [str(pk) for pk in incident.review.categories.values_list("pk", flat=True)]

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(dsl).post(
                reverse("casework:review-incident", args=[incident.pk]),
                {
                    "risk_level": "high",
                    "mark_reviewed": "on",
                    "return_to": "incident",
                    "categories": [*current, str(protection.pk)],
                    "categories_reason": "Pippa's bruise on her wrist: child protection.",
                    "reply_kind": "more_detail",
                    "reply_message": "Did Pippa Ravensworth say who was behind the bike shed?",
                },
            )
            assert response.status_code == 302

    messages = _alert_emails(smtp_server, run)
    _assert_nothing_sensitive(messages, *SECRETS, identifiable_pupil.upn)
    body = messages[0].get_payload(decode=True).decode()
    assert dsl.full_name in body and "replied" in body
    assert "Child protection" not in body + messages[0]["Subject"]
    assert "Family / home circumstances" not in body
