"""Attacks on signing in and on accounts, and how each is refused.

A broken session cookie, a forged Host header, a flood of wrong passwords aimed at a known
person, the operator's admin reached with a password alone, and a database copy read for
its second-factor secrets.
"""

import importlib
import re

import pyotp
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import clear_url_caches, reverse

from safeguard.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TOTP_SECRET,
    give_totp,
    passed_second_factor,
)

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


# Emailed links point at SITE_URL, whatever Host the request named -------------------------

SITE = "https://safeguard.larkspur.example"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["safeguard.larkspur.example", "localhost", "127.0.0.1", "testserver"]
    mail.outbox.clear()
    return SITE


def links_in(message) -> list[str]:
    bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
    return [url for body in bodies for url in URL_RE.findall(body)]


def assert_every_link_on_the_site(messages) -> None:
    assert messages
    for message in messages:
        for text in (message.subject, message.body):
            assert "127.0.0.1" not in text
            assert "localhost" not in text
        for url in links_in(message):
            assert url.startswith(f"{SITE}/"), url


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.0.1:8000"])
def test_a_reset_link_points_at_the_site_whatever_the_host(site, client, teacher, host):
    response = client.post("/accounts/password/reset/", {"email": teacher.email}, HTTP_HOST=host)
    assert response.status_code == 302
    assert_every_link_on_the_site(mail.outbox)
    assert any("/accounts/password/reset/key/" in url for url in links_in(mail.outbox[0]))


def test_a_reset_email_for_an_unknown_address_names_only_the_site(site, client, school):
    client.post(
        "/accounts/password/reset/", {"email": "nobody@larkspur.example"}, HTTP_HOST="127.0.0.1"
    )
    for message in mail.outbox:
        assert "127.0.0.1" not in message.body
        for url in links_in(message):
            assert url.startswith(f"{SITE}/"), url


def test_a_forged_host_gets_no_email_at_all(site, client, teacher):
    response = client.post(
        "/accounts/password/reset/", {"email": teacher.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    assert not mail.outbox


def test_an_email_confirmation_link_points_at_the_site(site, teacher):
    from allauth.account.models import EmailAddress
    from allauth.core import context
    from django.contrib.messages.storage.cookie import CookieStorage

    request = RequestFactory(HTTP_HOST="127.0.0.1").post("/accounts/email/")
    request.user = teacher
    request.session = {}
    request._messages = CookieStorage(request)
    with context.request_context(request):
        EmailAddress.objects.add_email(request, teacher, "terry.new@larkspur.example", confirm=True)
    assert_every_link_on_the_site(mail.outbox)
    assert any("/accounts/confirm-email/" in url for url in links_in(mail.outbox[0]))


def test_an_invitation_link_points_at_the_site(
    site, dsl, school, django_capture_on_commit_callbacks
):
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.services import invite_staff

    with django_capture_on_commit_callbacks(execute=True):
        invite_staff(
            school=school,
            invited_by=dsl,
            email="new.teacher@larkspur.example",
            first_name="Nia",
            last_name="Okafor",
            role=Role.TEACHER,
        )
    assert_every_link_on_the_site(mail.outbox)
    assert any("/accounts/invitation/" in url for url in links_in(mail.outbox[0]))


# The operator's admin needs the second factor and shows no secrets --------------------------

ADMIN = "/operator-admin/"


@pytest.fixture
def admin_enabled(settings):
    import safeguard.urls

    settings.ADMIN_ENABLED = True
    importlib.reload(safeguard.urls)
    clear_url_caches()
    yield ADMIN
    settings.ADMIN_ENABLED = False
    importlib.reload(safeguard.urls)
    clear_url_caches()


@pytest.fixture
def operator(db):
    from allauth.account.models import EmailAddress

    from safeguard.accounts.models import User

    user = User.objects.create_superuser(email="ops@trust.example", password=DEFAULT_PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_the_admin_login_form_does_not_sign_an_operator_in_with_a_password(
    admin_enabled, client, operator
):
    give_totp(operator)
    response = client.post(
        f"{ADMIN}login/?next={ADMIN}",
        {"username": operator.email, "password": DEFAULT_PASSWORD, "next": ADMIN},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_an_operator_signed_in_with_a_password_only_is_sent_to_the_second_factor(
    admin_enabled, client, operator
):
    give_totp(operator)
    client.force_login(operator)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    assert response.status_code == 200
    assert client.get(f"{ADMIN}auth/group/").status_code == 302
    confirm = response.redirect_chain[-1][0]
    client.post(confirm, {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert client.get(f"{ADMIN}auth/group/").status_code == 200


def test_an_operator_without_a_key_is_sent_to_set_one_up(admin_enabled, client, operator):
    client.force_login(operator)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")


def test_an_operator_who_passed_the_second_factor_opens_the_admin(admin_enabled, client, operator):
    give_totp(operator)
    client.force_login(operator)
    passed_second_factor(client, operator)
    response = client.get(ADMIN)
    assert response.status_code == 200


def test_signing_in_with_password_and_code_opens_the_admin(admin_enabled, client, operator):
    give_totp(operator)
    client.post(LOGIN, {"login": operator.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "mfa/authenticator/",
        "usersessions/usersession/",
        "account/emailaddress/",
        "account/emailconfirmation/",
        "sessions/session/",
        "accounts/user/",
    ],
)
def test_the_admin_has_no_page_for_secrets_sessions_or_email_addresses(
    admin_enabled, client, operator, path
):
    give_totp(operator)
    client.force_login(operator)
    passed_second_factor(client, operator)
    assert client.get(f"{ADMIN}{path}").status_code == 404
    assert TOTP_SECRET not in client.get(ADMIN).content.decode()
