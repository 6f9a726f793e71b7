"""Authenticator-app codes: single use, throttled, and never skipped by a password reset
(docs/security.md A7, A10)."""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from safeguard.accounts.mfa import LAST_STEP_KEY, claim_totp_step
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
CODE_STEP = reverse("mfa_authenticate")
NEW_PASSWORD = "Fresh-Kettle-42-Lamp"


def password_step(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


def code_now() -> str:
    return pyotp.TOTP(TOTP_SECRET).now()


def test_dsl_signs_in_with_password_and_code(client, dsl):
    assert password_step(client, dsl.email)["Location"] == CODE_STEP
    assert not is_signed_in(client)
    client.post(CODE_STEP, {"code": code_now()})
    assert is_signed_in(client)


def test_a_code_cannot_be_used_twice(client, dsl):
    code = code_now()
    password_step(client, dsl.email)
    client.post(CODE_STEP, {"code": code})
    client.post(reverse("account_logout"))

    password_step(client, dsl.email)
    response = client.post(CODE_STEP, {"code": code})
    assert "Incorrect code." in response.content.decode()
    assert not is_signed_in(client)


def test_a_used_code_stays_used_when_the_cache_forgets_it(client, dsl):
    """allauth marks used codes in the cache; the database keeps the last step as well."""
    code = code_now()
    password_step(client, dsl.email)
    client.post(CODE_STEP, {"code": code})
    client.post(reverse("account_logout"))
    cache.clear()

    password_step(client, dsl.email)
    response = client.post(CODE_STEP, {"code": code})
    assert "Incorrect code." in response.content.decode()
    assert not is_signed_in(client)


def test_an_older_code_is_refused_once_a_newer_one_was_used(client, dsl, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # so the previous step's code is otherwise still accepted
    totp = pyotp.TOTP(TOTP_SECRET)
    password_step(client, dsl.email)
    client.post(CODE_STEP, {"code": totp.now()})
    client.post(reverse("account_logout"))

    password_step(client, dsl.email)
    response = client.post(CODE_STEP, {"code": totp.at(time.time() - 30)})
    assert "Incorrect code." in response.content.decode()
    assert not is_signed_in(client)


def test_two_claims_on_the_same_step_only_the_first_wins(dsl):
    authenticator = Authenticator.objects.get(user=dsl, type=Authenticator.Type.TOTP)
    code = code_now()
    assert claim_totp_step(authenticator, code)
    assert not claim_totp_step(Authenticator.objects.get(pk=authenticator.pk), code)
    assert Authenticator.objects.get(pk=authenticator.pk).data[LAST_STEP_KEY] == (
        int(time.time()) // 30
    )


def test_recording_the_step_keeps_the_secret(client, dsl):
    password_step(client, dsl.email)
    client.post(CODE_STEP, {"code": code_now()})
    authenticator = Authenticator.objects.get(user=dsl, type=Authenticator.Type.TOTP)
    assert decrypt(authenticator.data["secret"]) == TOTP_SECRET


def test_wrong_codes_are_throttled_per_account(client, dsl):
    password_step(client, dsl.email)
    for _ in range(5):
        client.post(CODE_STEP, {"code": "000000"})
    response = client.post(CODE_STEP, {"code": code_now()})
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_signed_in(client)


def test_a_password_reset_still_asks_for_the_second_factor(client, dsl):
    client.post(reverse("account_reset_password"), {"email": dsl.email})
    (message,) = [m for m in mail.outbox if dsl.email in m.to]
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert match
    form_page = client.get(match.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert not is_signed_in(client)  # the reset itself signs nobody in

    assert password_step(client, dsl.email, NEW_PASSWORD)["Location"] == CODE_STEP
    assert not is_signed_in(client)
    client.post(CODE_STEP, {"code": code_now()})
    assert is_signed_in(client)
