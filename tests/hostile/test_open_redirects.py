"""Wherever a "next" address is honoured, only this site's own pages are."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD
from tests.hostile.helpers import LOGIN, NOON, code_at
from tests.hostile.payloads import REDIRECTS

pytestmark = pytest.mark.django_db


def stays_on_site(location: str) -> bool:
    """Where a browser would go: tabs and newlines dropped, backslashes read as slashes."""
    from urllib.parse import urljoin, urlsplit

    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin("http://testserver/somewhere/", cleaned))
    return target.scheme in ("http", "https") and target.netloc == "testserver"


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_in_never_sends_you_off_site(target, client, teacher):
    response = client.post(
        LOGIN, {"login": teacher.email, "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_in_with_a_second_factor_never_sends_you_off_site(target, dsl):
    with time_machine.travel(NOON, tick=False):
        client = Client()
        client.post(LOGIN + "?next=" + target, {"login": dsl.email, "password": DEFAULT_PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": code_at(NOON)})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_signing_out_never_sends_you_off_site(target, client_as, teacher):
    response = client_as(teacher).post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_stay_signed_in_never_sends_you_off_site(target, client_as, teacher):
    response = client_as(teacher).post(reverse("accounts:session-keep-alive"), {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_switching_school_never_sends_you_off_site(target, client_as, teacher, school):
    response = client_as(teacher).post(
        reverse("accounts:switch-school") + "?next=" + target, {"school": school.pk, "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_confirming_your_password_never_sends_you_off_site(target, client_as, teacher):
    client = client_as(teacher)
    response = client.post(
        reverse("account_reauthenticate") + "?next=" + target,
        {"password": DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]
