"""Invite -> email -> set password -> sign in, and every way an invitation link can fail."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import invite_staff
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-Kettle-42-Morning"
LINK_RE = re.compile(r"https?://\S+/accounts/invitation/\S+/")


@pytest.fixture
def invite(school, dsl, django_capture_on_commit_callbacks):
    """invite(email=...) -> the new membership, with the invitation email already sent."""

    def make(email: str = "new.teacher@larkspur.example", role: str = Role.TEACHER):
        with django_capture_on_commit_callbacks(execute=True):
            return invite_staff(
                school=school,
                invited_by=dsl,
                email=email,
                first_name="Nia",
                last_name="Okafor",
                role=role,
            )

    return make


def link_in(body: str) -> str:
    match = LINK_RE.search(body)
    assert match, body
    return match.group(0)


def path_of(link: str) -> str:
    return link.split("localhost:8000", 1)[1]


def test_invitation_email_goes_through_a_real_smtp_server(smtp_server, invite, school):
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Pupilname")

    invite()

    assert len(smtp_server) == 1
    message = smtp_server[0]
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "new.teacher@larkspur.example"
    assert "Larkspur Primary" in message["Subject"]
    assert "Dana" in body and "has invited you to Safeguard for Larkspur Primary" in body
    assert "The link works once and expires in 3 days." in body
    assert link_in(body).startswith("http://localhost:8000/accounts/invitation/")
    assert "Sally" not in body and "Pupilname" not in body


def test_invited_person_sets_a_password_and_signs_in(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)

    opened = client.get(path_of(link))
    assert opened.status_code == 302
    assert opened.url == reverse("accounts:invitation-set-password")

    form_page = client.get(opened.url)
    assert form_page.status_code == 200
    assert "Welcome to Larkspur Primary" in form_page.text

    done = client.post(opened.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("account_login")

    signed_in = client.post(
        reverse("account_login"),
        {"login": "new.teacher@larkspur.example", "password": NEW_PASSWORD},
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_setting_the_password_does_not_sign_the_person_in(invite, client):
    invite()
    client.get(path_of(link_in(mail.outbox[0].body)))

    client.post(
        reverse("accounts:invitation-set-password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_accepting_confirms_the_email_address_and_is_audited(invite, client):
    membership = invite()
    client.get(path_of(link_in(mail.outbox[0].body)))

    client.post(
        reverse("accounts:invitation-set-password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    address = EmailAddress.objects.get(user=membership.user)
    assert address.verified and address.primary
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPTED)
    assert event.school_id == membership.school_id
    assert event.target_id == str(membership.user_id)


def test_the_set_password_page_url_carries_no_token(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)
    key = link.rstrip("/").rsplit("-", 1)[-1]

    response = client.get(path_of(link), follow=True)

    final_url = response.redirect_chain[-1][0]
    assert key not in final_url
    assert key not in response.text


def test_an_invitation_link_works_only_once(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)
    client.get(path_of(link))
    client.post(
        reverse("accounts:invitation-set-password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    again = client.get(path_of(link))

    assert again.status_code == 200
    assert "This invitation link doesn't work" in again.text
    assert "Ask your DSL to re-send your invitation" in again.text


def test_an_invitation_link_expires_after_three_days(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)

    with time_machine.travel(timezone.now() + timedelta(days=3, hours=1)):
        response = client.get(path_of(link))

    assert "This invitation link doesn't work" in response.text
    assert not User.objects.get(email="new.teacher@larkspur.example").has_usable_password()


def test_an_invitation_link_still_works_within_three_days(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)

    with time_machine.travel(timezone.now() + timedelta(days=2, hours=23)):
        response = client.get(path_of(link))

    assert response.status_code == 302


def test_a_tampered_link_is_refused(invite, client):
    invite()
    link = link_in(mail.outbox[0].body)

    response = client.get(path_of(link)[:-3] + "xx/")

    assert "This invitation link doesn't work" in response.text


def test_the_set_password_page_without_a_link_is_refused(client, db):
    response = client.get(reverse("accounts:invitation-set-password"))

    assert "This invitation link doesn't work" in response.text


def test_a_link_for_someone_deactivated_since_is_refused(invite, client, dsl):
    from safeguard.accounts.services import deactivate_staff

    membership = invite()
    link = link_in(mail.outbox[0].body)
    deactivate_staff(membership=membership, deactivated_by=dsl)

    response = client.get(path_of(link))

    assert "This invitation link doesn't work" in response.text


def test_weak_password_is_refused_with_the_reason(invite, client):
    invite()
    client.get(path_of(link_in(mail.outbox[0].body)))

    response = client.post(
        reverse("accounts:invitation-set-password"),
        {"password1": "bluekettle", "password2": "bluekettle"},
    )

    assert response.status_code == 200
    assert "an upper-case letter" in response.text
    assert not User.objects.get(email="new.teacher@larkspur.example").has_usable_password()


def test_mismatched_passwords_are_refused(invite, client):
    invite()
    client.get(path_of(link_in(mail.outbox[0].body)))

    response = client.post(
        reverse("accounts:invitation-set-password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "!"},
    )

    assert response.context["form"].errors["password2"] == [
        "The two passwords don't match. Type the same one twice."
    ]


def test_opening_a_link_signs_out_whoever_else_was_signed_in(invite, client, teacher):
    invite()
    client.force_login(teacher)

    client.get(path_of(link_in(mail.outbox[0].body)))

    assert "_auth_user_id" not in client.session


def test_resent_invitation_carries_a_working_link(
    invite, client, dsl, school, django_capture_on_commit_callbacks
):
    from safeguard.accounts.services import resend_invitation

    membership = invite()
    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(membership=membership, resent_by=dsl)

    assert len(mail.outbox) == 2
    assert client.get(path_of(link_in(mail.outbox[1].body))).status_code == 302


def test_someone_with_a_password_elsewhere_gets_a_notice_not_a_link(
    school, dsl, dsl_other_school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite_staff(
            school=school,
            invited_by=dsl,
            email="dsl@fernhill.example",
            first_name="Ignored",
            last_name="Ignored",
            role=Role.DEPUTY_DSL,
        )

    assert membership.user == dsl_other_school
    assert Membership.objects.active_for_user(dsl_other_school).count() == 2
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "has added you to Larkspur Primary" in body
    assert "/accounts/login/" in body
    assert not LINK_RE.search(body)


@pytest.mark.parametrize("uidb36", ["zzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzzz", "0"])
def test_a_link_for_no_such_person_is_refused(client, db, uidb36):
    response = client.get(
        reverse("accounts:invitation-accept", kwargs={"uidb36": uidb36, "key": "abc-def"})
    )

    assert "This invitation link doesn't work" in response.text


def test_someone_invited_elsewhere_without_a_password_gets_a_password_link(
    school, other_school, dsl, dsl_other_school, django_capture_on_commit_callbacks
):
    invite_staff(
        school=other_school,
        invited_by=dsl_other_school,
        email="supply@example.org",
        first_name="Sam",
        last_name="Supply",
        role=Role.TEACHER,
    )

    with django_capture_on_commit_callbacks(execute=True):
        invite_staff(
            school=school,
            invited_by=dsl,
            email="supply@example.org",
            first_name="Sam",
            last_name="Supply",
            role=Role.TEACHER,
        )

    assert len(mail.outbox) == 1
    assert "has invited you to Safeguard for Larkspur Primary" in mail.outbox[0].body
    assert LINK_RE.search(mail.outbox[0].body)
