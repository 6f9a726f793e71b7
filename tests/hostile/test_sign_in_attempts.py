"""Guessing at the sign-in and reset forms, replaying second-factor codes, and sessions.

A known and an unknown address get the same answers; guesses are throttled per account and
per address (a forged X-Forwarded-For doesn't dodge it); forged invitation links all look
alike; a second-factor code works once, in its own step only; a session id planted before
sign-in is worthless after it; broken bytes in the signed-out forms are no error.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD
from tests.hostile.helpers import LOGIN, NOON, RESET, WRONG, code_at, html
from tests.hostile.state import comparable

pytestmark = pytest.mark.django_db


# Brute force and user enumeration ----------------------------------------------------------


def _sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _without(text: str, *words: str) -> str:
    for word in words:
        text = text.replace(word, "<typed>")
    return text


def test_a_known_and_an_unknown_address_get_the_same_sign_in_refusal(client, teacher):
    known = _sign_in(client, teacher.email, WRONG)
    unknown = _sign_in(Client(), "nobody@larkspur.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert _without(comparable(known), teacher.email) == _without(
        comparable(unknown), "nobody@larkspur.example"
    )
    assert "_auth_user_id" not in client.session


def test_guessing_a_password_is_throttled_after_five_tries(client, teacher):
    for _ in range(5):
        _sign_in(client, teacher.email, WRONG)
    response = _sign_in(client, teacher.email)
    assert "Too many failed login attempts. Try again later." in html(response)
    assert client.get(reverse("dashboard")).status_code == 302


def test_guessing_many_accounts_from_one_address_is_throttled(client, teacher):
    for n in range(10):
        _sign_in(client, f"guess{n}@larkspur.example", WRONG, REMOTE_ADDR="203.0.113.5")
    response = _sign_in(client, teacher.email, REMOTE_ADDR="203.0.113.5")
    assert "Too many failed login attempts. Try again later." in html(response)


def test_a_known_and_an_unknown_address_get_the_same_reset_answer(client, teacher):
    known = client.post(RESET, {"email": teacher.email}, follow=True)
    unknown = Client().post(RESET, {"email": "nobody@larkspur.example"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _without(comparable(known), teacher.email) == _without(
        comparable(unknown), "nobody@larkspur.example"
    )


def test_reset_requests_for_one_address_are_throttled(client, teacher):
    for _ in range(5):
        client.post(RESET, {"email": teacher.email})
    mail.outbox.clear()
    response = client.post(RESET, {"email": teacher.email})
    assert response.status_code == 429
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("uidb36", "key"),
    [("1", "abc-def"), ("zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "x"), ("0", "set-password")],
)
def test_a_forged_invitation_link_shows_the_same_invalid_page(client, uidb36, key):
    response = client.get(f"/accounts/invitation/{uidb36}-{key}/")
    assert response.status_code == 200
    assert "accounts/invitation_invalid.html" in [t.name for t in response.templates]


# TOTP replay -------------------------------------------------------------------------------


def test_a_second_factor_code_cannot_be_used_twice(dsl):
    with time_machine.travel(NOON, tick=False):
        code = code_at(NOON)
        first = Client()
        assert _sign_in(first, dsl.email)["Location"] == reverse("mfa_authenticate")
        assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert first.get(reverse("dashboard")).status_code == 200

        thief = Client()
        _sign_in(thief, dsl.email)
        response = thief.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200
        assert "Incorrect code." in html(response)
        assert thief.get(reverse("dashboard")).status_code == 302


def test_a_code_from_an_earlier_step_is_refused(dsl):
    with time_machine.travel(NOON, tick=False):
        client = Client()
        _sign_in(client, dsl.email)
        stale = code_at(NOON - datetime.timedelta(seconds=60))
        response = client.post(reverse("mfa_authenticate"), {"code": stale})
        assert "Incorrect code." in html(response)
        assert client.get(reverse("dashboard")).status_code == 302


def test_a_code_used_to_sign_in_cannot_confirm_a_sensitive_step_again(dsl):
    with time_machine.travel(NOON, tick=False):
        code = code_at(NOON)
        client = Client()
        _sign_in(client, dsl.email)
        client.post(reverse("mfa_authenticate"), {"code": code})
        response = client.post(reverse("mfa_reauthenticate"), {"code": code})
        assert response.status_code == 200
        assert "Incorrect code." in html(response)


# Sessions and broken bytes -------------------------------------------------------------------


def test_a_spoofed_forwarded_for_header_does_not_dodge_the_sign_in_throttle(client, teacher):
    for n in range(10):
        _sign_in(
            client,
            f"guess{n}@larkspur.example",
            WRONG,
            REMOTE_ADDR="203.0.113.8",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = _sign_in(
        client, teacher.email, REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
    assert "Too many failed login attempts. Try again later." in html(response)


def test_a_session_id_planted_before_sign_in_is_worthless_after_it(client, teacher):
    client.get(LOGIN)
    client.session["planted"] = True
    planted = client.cookies.get("sessionid")
    planted_value = planted.value if planted else None
    _sign_in(client, teacher.email)
    assert client.cookies["sessionid"].value != planted_value
    stranger = Client()
    if planted_value:
        stranger.cookies["sessionid"] = planted_value
    assert stranger.get(reverse("dashboard")).status_code == 302


PUBLIC_FORMS = {
    "sign-in": (LOGIN, {"login": "a\x00@b.example", "password": "p\x00w"}),
    "reset": (RESET, {"email": "a\x00@b.example"}),
    "sign-in-invalid-utf8": (LOGIN, "login=%FF%FE&password=%C0%AF"),
    "reset-invalid-utf8": (RESET, "email=%ED%A0%80%40b.example"),
}


@pytest.mark.parametrize("case", PUBLIC_FORMS)
def test_broken_bytes_in_the_signed_out_forms_are_no_error(case, client):
    url, data = PUBLIC_FORMS[case]
    if isinstance(data, str):
        response = client.post(url, data, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, data)
    assert response.status_code in (200, 302, 400)


def test_a_null_byte_in_a_second_factor_code_is_no_error(dsl):
    client = Client()
    _sign_in(client, dsl.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "12\x0034"})
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


def test_signing_in_with_a_null_byte_in_the_user_agent_is_no_error(client, teacher):
    response = _sign_in(client, teacher.email, HTTP_USER_AGENT="Mozilla\x00/5.0\r\nX: y")
    assert response.status_code == 302
    assert client.get(reverse("usersessions_list"), HTTP_USER_AGENT="a\x00b").status_code == 200
