"""Passwords are checked exactly as typed: long passphrases work at sign-in, and nothing is
cut short or case-folded on the way (docs/security.md A1; ASVS 6.2.1, 6.2.8, 6.2.9)."""

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
NEW_PASSWORD = "Brand-New-Lamp-77!"
PASSPHRASE = ("Kettle lamp orchard 42! " * 6)[:128]


@pytest.fixture
def passphrase_teacher(settings, teacher):
    # The production hasher, not the tests' fast one: it is Argon2 that must not truncate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    teacher.set_password(PASSPHRASE)
    teacher.save()
    return teacher


def signs_in(email: str, password: str) -> bool:
    client = Client()
    client.post(LOGIN, {"login": email, "password": password})
    return client.get(reverse("dashboard")).status_code == 200


def test_a_128_character_passphrase_signs_in(passphrase_teacher):
    assert signs_in(passphrase_teacher.email, PASSPHRASE)


def test_the_passphrase_with_one_letter_in_another_case_is_refused(passphrase_teacher):
    assert not signs_in(passphrase_teacher.email, "k" + PASSPHRASE[1:])


def test_the_passphrase_without_its_last_character_is_refused(passphrase_teacher):
    assert not signs_in(passphrase_teacher.email, PASSPHRASE[:-1])


def test_the_first_72_characters_of_the_passphrase_are_refused(passphrase_teacher):
    """Some hashes (bcrypt) silently use only the first 72 bytes; ours uses them all."""
    assert not signs_in(passphrase_teacher.email, PASSPHRASE[:72])


def test_the_sign_in_page_takes_the_password_in_a_password_field_open_to_pasting(client):
    page = client.get(LOGIN).content.decode()

    assert 'type="password"' in page
    assert "onpaste" not in page
    assert 'autocomplete="current-password"' in page


def test_changing_the_password_signs_out_every_other_session_but_this_one(teacher):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(LOGIN, {"login": teacher.email, "password": DEFAULT_PASSWORD})

    here.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert here.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard")).status_code == 302
