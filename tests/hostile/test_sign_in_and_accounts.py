"""Attacks on signing in and on accounts, and how each is refused.

A broken session cookie, a forged Host header, a flood of wrong passwords aimed at a known
person, the operator's admin reached with a password alone, and a database copy read for
its second-factor secrets.
"""

import datetime
import importlib
import re

import pyotp
import pytest
import time_machine
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


# A stranger can't lock a known person out ----------------------------------------------------

WRONG = "Wrong-Password-1!"
THROTTLED = "Too many failed login attempts. Try again later."
START = datetime.datetime(2026, 11, 16, 8, 0, tzinfo=datetime.UTC)
DSL_ADDRESS = "198.51.100.7"  # the school's own network
STRANGER = "203.0.113.9"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(
    client: Client | None, email: str, password: str = DEFAULT_PASSWORD, ip: str = DSL_ADDRESS
):
    return Client().post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def refused(response) -> bool:
    return response.status_code == 200 and THROTTLED in response.context["form"].non_field_errors()


def from_many_addresses(email: str, times: int, first: int = 0) -> list:
    """`times` wrong passwords, each from a different address (a botnet)."""
    return [
        sign_in(None, email, WRONG, ip=f"10.{n // 250}.{n % 250}.1")
        for n in range(first, first + times)
    ]


def notices_to(mailbox, email: str) -> list:
    return [m for m in mailbox if email in m.to and "failed sign-in" in m.subject.lower()]


def test_wrong_passwords_from_a_strangers_address_do_not_lock_the_dsl_out(clock, dsl):
    for _ in range(3):
        for _ in range(6):
            sign_in(None, dsl.email, WRONG, ip=STRANGER)
        clock.shift(datetime.timedelta(minutes=1))
    assert refused(sign_in(None, dsl.email, ip=STRANGER))
    assert sign_in(None, dsl.email, ip=DSL_ADDRESS).status_code == 302


def test_wrong_passwords_from_one_address_are_throttled_there(clock, dsl):
    for _ in range(5):
        assert not refused(sign_in(None, dsl.email, WRONG, ip=STRANGER))
    assert refused(sign_in(None, dsl.email, WRONG, ip=STRANGER))
    assert refused(sign_in(None, dsl.email, ip=STRANGER))


def test_a_forged_host_header_does_not_give_an_attacker_fresh_attempts(clock, dsl):
    for host in ["localhost", "127.0.0.1", "testserver", "localhost", "127.0.0.1"]:
        Client().post(
            LOGIN, {"login": dsl.email, "password": WRONG}, REMOTE_ADDR=STRANGER, HTTP_HOST=host
        )
    response = Client().post(
        LOGIN, {"login": dsl.email, "password": WRONG}, REMOTE_ADDR=STRANGER, HTTP_HOST="testserver"
    )
    assert refused(response)


def test_many_addresses_reach_the_per_account_limit_only_after_many_attempts(clock, dsl):
    assert not any(refused(r) for r in from_many_addresses(dsl.email, 19))
    assert sign_in(None, dsl.email).status_code == 302


def test_past_the_per_account_limit_each_attempt_waits_longer(clock, dsl):
    from_many_addresses(dsl.email, 20)
    waits = []
    for n in range(4):
        attempt = 0
        while refused(sign_in(None, dsl.email, WRONG, ip=f"10.9.{n}.{attempt}")):
            attempt += 1
            clock.shift(datetime.timedelta(seconds=5))
        waits.append(attempt)
    assert waits[0] > 0
    assert waits == sorted(waits)
    assert waits[-1] > waits[0]


def test_the_per_account_delay_is_bounded(clock, dsl):
    from_many_addresses(dsl.email, 20)
    for n in range(30):
        clock.shift(datetime.timedelta(hours=1))
        assert not refused(sign_in(None, dsl.email, WRONG, ip=f"10.8.0.{n}"))
    clock.shift(datetime.timedelta(hours=1))
    assert sign_in(None, dsl.email).status_code == 302


def test_the_account_holder_is_emailed_once_about_many_failed_sign_ins(
    clock, dsl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        from_many_addresses(dsl.email, 40)
        for n in range(10):
            clock.shift(datetime.timedelta(minutes=20))
            sign_in(None, dsl.email, WRONG, ip=f"10.7.0.{n}")
    notices = notices_to(mailoutbox, dsl.email)
    assert len(notices) == 1
    body = notices[0].body
    assert WRONG not in body
    assert "10." not in body
    assert "http" not in body


def test_an_unknown_address_gets_the_same_per_account_limit_and_no_email(
    clock, dsl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = from_many_addresses(dsl.email, 21)
        unknown = from_many_addresses("nobody@larkspur.example", 21, first=100)
    assert [refused(r) for r in known] == [refused(r) for r in unknown]
    assert not notices_to(mailoutbox, "nobody@larkspur.example")


def test_behind_a_proxy_failures_from_one_visitor_do_not_lock_out_another(clock, settings, dsl):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(6):
        Client().post(
            LOGIN,
            {"login": dsl.email, "password": WRONG},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=STRANGER,
        )
    response = Client().post(
        LOGIN,
        {"login": dsl.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=DSL_ADDRESS,
    )
    assert response.status_code == 302


# A copy of the database holds no usable second factor -------------------------------------


def test_a_database_copy_holds_no_authenticator_secret_or_recovery_seed(dsl, deputy, slt):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.utils import decrypt
    from django.db import connection

    seeds = [decrypt(RecoveryCodes.activate(user).instance.data["seed"]) for user in (dsl, deputy)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        dump = " ".join(str(row[0]) for row in cursor.fetchall())
    assert dump
    assert TOTP_SECRET not in dump
    for seed in seeds:
        assert seed not in dump
