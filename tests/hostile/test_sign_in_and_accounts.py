"""Attacks on signing in and on accounts, and how each is refused.

A broken session cookie, a forged Host header, a flood of wrong passwords aimed at a known
person, the operator's admin reached with a password alone, and a database copy read for
its second-factor secrets.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


# A broken session cookie is no session, never a server error ------------------------------

BAD_SESSION_IDS = {
    "nul-byte": "abcdefgh\x00ijkl",
    "nul-byte-in-a-real-length-key": "a" * 16 + "\x00" + "b" * 15,
    "control-characters": "abcdefgh\x01\x1f\x7fijkl",
    "non-ascii": "abcdefghéÿijkl",
    "very-long": "a" * 5000,
    "sql-ish": "abcdefgh' OR '1'='1",
}


@pytest.mark.parametrize("session_id", BAD_SESSION_IDS.values(), ids=BAD_SESSION_IDS.keys())
@pytest.mark.parametrize("path", ["/", LOGIN, "/pupils/"])
def test_a_broken_session_cookie_is_treated_as_signed_out(client, school, path, session_id):
    client.cookies[settings.SESSION_COOKIE_NAME] = session_id
    response = client.get(path)
    assert response.status_code in (200, 302)
    if path != LOGIN:
        assert response["Location"].startswith(reverse("account_login"))


def test_a_nul_byte_in_the_raw_cookie_header_is_treated_as_signed_out(school):
    """As sent on the wire: an octal escape inside a quoted cookie value."""
    header = f'{settings.SESSION_COOKIE_NAME}="abcdefgh\\000ijkl"'
    response = Client(HTTP_COOKIE=header).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
