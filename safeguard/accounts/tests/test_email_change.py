"""Adding an email address, where a password reset could then be sent, needs the password
confirmed in the last ten minutes (docs/security.md S4; ASVS 7.5.1)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "terry.personal@larkspur.example"


@pytest.fixture
def signed_in(teacher) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": teacher.email, "password": DEFAULT_PASSWORD})
    return client


def add_address(client: Client):
    return client.post(reverse("account_email"), {"action_add": "", "email": NEW_ADDRESS})


def confirm_password(client: Client) -> None:
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})


def test_adding_an_address_asks_for_the_password_first(signed_in):
    response = add_address(signed_in)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW_ADDRESS).exists()


def test_after_confirming_the_password_the_address_is_added(signed_in):
    confirm_password(signed_in)

    add_address(signed_in)

    assert EmailAddress.objects.filter(email=NEW_ADDRESS).exists()


def test_a_password_confirmed_eleven_minutes_ago_is_asked_for_again(signed_in):
    confirm_password(signed_in)

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = add_address(signed_in)

    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW_ADDRESS).exists()
