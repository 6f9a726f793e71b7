"""The sign-in and password pages Safeguard puts in front of allauth's views."""

import re

import pyotp
import pytest
from django.core import mail
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
NEW_PASSWORD = "Quiet-Meadow-42!"


def without_tokens(html: str) -> str:
    """The page minus what differs on every response: CSRF tokens and CSP nonces."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def reset_link(email_body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", email_body)
    assert match, email_body
    return match.group(1)


def test_sign_in_page_asks_for_the_school_email_address(client):
    html = client.get(LOGIN).content.decode()
    assert "Sign in with your school email address" in html
    assert 'name="login" id="id_login" autocomplete="username"' in html
    assert 'name="password" id="id_password" autocomplete="current-password"' in html
    assert '<label for="id_login">School email address</label>' in html


def test_sign_in_page_points_first_timers_to_the_reset_page_and_offers_no_sign_up(client):
    html = client.get(LOGIN).content.decode()
    assert f'href="{RESET}">Forgot your password? First time here?' in html
    assert reverse("account_signup") not in html
    assert "sign up" not in html.lower()


def test_wrong_password_shows_the_problem_and_keeps_the_typed_address(client, teacher):
    response = client.post(LOGIN, {"login": teacher.email, "password": "Not-It-123!"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'value="{teacher.email}"' in html
    assert "Not-It-123!" not in html


def test_reset_response_is_identical_for_known_and_unknown_addresses(client, teacher):
    known = client.post(RESET, {"email": teacher.email}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@larkspur.example"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content.decode()) == without_tokens(unknown.content.decode())


def test_first_time_staff_set_a_password_through_the_emailed_link(client, teacher):
    teacher.set_unusable_password()
    teacher.save()
    client.post(RESET, {"email": teacher.email})
    (message,) = [m for m in mail.outbox if teacher.email in m.to]
    form_page = client.get(reset_link(message.body), follow=True)
    assert "Choose your password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    signed_in = client.post(LOGIN, {"login": teacher.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_new_password_that_breaks_the_policy_is_refused_next_to_the_field(client, teacher):
    client.post(RESET, {"email": teacher.email})
    (message,) = [m for m in mail.outbox if teacher.email in m.to]
    form_page = client.get(reset_link(message.body), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "short", "password2": "short"}
    )
    html = response.content.decode()
    assert 'id="id_password1_error"' in html
    assert 'aria-invalid="true"' in html


def test_reset_form_gives_the_reason_that_applies_first(client, teacher):
    client.post(RESET, {"email": teacher.email})
    (message,) = [m for m in mail.outbox if teacher.email in m.to]
    form_page = client.get(reset_link(message.body), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "password1", "password2": "password1"}
    )
    html = response.content.decode()
    assert html.index("too common") < html.index("an upper-case letter")
    assert "name of this service" not in html


def test_used_or_broken_reset_link_says_so_and_offers_a_new_one(client):
    response = client.get("/accounts/password/reset/key/zz-not-a-real-key/")
    html = response.content.decode()
    assert "This link no longer works" in html
    assert f'href="{RESET}"' in html


def test_change_password_page_labels_current_and_new_passwords(client_as, teacher):
    html = client_as(teacher).get(reverse("account_change_password")).content.decode()
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2


def test_change_password_refuses_a_wrong_current_password(client_as, teacher):
    client = client_as(teacher)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "Not-It-123!", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert 'id="id_oldpassword_error"' in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password(DEFAULT_PASSWORD)


def test_sign_out_page_asks_before_signing_out(client_as, teacher):
    client = client_as(teacher)
    html = client.get(reverse("account_logout")).content.decode()
    assert "Sign out?" in html
    assert client.get(reverse("dashboard")).status_code == 200


def test_person_with_an_authenticator_app_is_asked_for_a_labelled_code(client, dsl):
    secret = TOTP_SECRET  # the factory enrols every DSL's authenticator app
    response = client.post(LOGIN, {"login": dsl.email, "password": DEFAULT_PASSWORD}, follow=True)
    html = response.content.decode()
    assert "Enter your code" in html
    assert '<label for="id_code">Code</label>' in html
    assert 'autocomplete="one-time-code"' in html
    signed_in = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert signed_in.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
