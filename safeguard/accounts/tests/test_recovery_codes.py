"""Recovery codes stand in for a lost key once each (docs/security.md A9; ASVS 6.5.1)."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
CODE_STEP = reverse("mfa_authenticate")


def sign_in_with(email: str, code: str) -> Client:
    client = Client()
    client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD})
    client.post(CODE_STEP, {"code": code})
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


@pytest.fixture
def recovery_code(dsl) -> str:
    return RecoveryCodes.activate(dsl).get_unused_codes()[0]


def test_a_recovery_code_signs_in_after_the_password(dsl, recovery_code):
    assert is_signed_in(sign_in_with(dsl.email, recovery_code))


def test_a_recovery_code_cannot_be_used_twice(dsl, recovery_code):
    sign_in_with(dsl.email, recovery_code)

    assert not is_signed_in(sign_in_with(dsl.email, recovery_code))


def test_a_used_recovery_code_is_no_longer_listed_as_unused(dsl, recovery_code):
    sign_in_with(dsl.email, recovery_code)

    codes = RecoveryCodes(dsl.authenticator_set.get(type="recovery_codes"))
    assert recovery_code not in codes.get_unused_codes()
