"""Brute force and enumeration: sign-in, second-factor and reset attempts are throttled per
account and per address, briefly, and never say whether an address has an account
(docs/security.md A5, A11; ASVS 6.1.1, 6.3.1, 6.3.8). The limits are in settings.ACCOUNT_RATE_LIMITS
and explained in docs/security.md."""

import datetime

import pyotp
import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from safeguard.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
WRONG = "Wrong-Password-1!"
THROTTLED = "Too many failed login attempts. Try again later."
START = datetime.datetime(2026, 11, 16, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def later(**delta: float) -> datetime.datetime:
    return START + datetime.timedelta(**delta)


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD, ip: str = "127.0.0.1"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def fail(client: Client, email: str, times: int, ip: str = "127.0.0.1") -> None:
    for _ in range(times):
        assert sign_in(client, email, WRONG, ip=ip).status_code == 200


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


# Sign-in: per account ---------------------------------------------------------------------


def test_five_failures_are_each_told_only_that_the_password_is_wrong(clock, client, teacher):
    for _ in range(5):
        response = sign_in(client, teacher.email, WRONG)
        assert THROTTLED not in errors(response)


def test_after_five_failures_even_the_right_password_is_refused(clock, client, teacher):
    fail(client, teacher.email, 5)
    response = sign_in(client, teacher.email)
    assert response.status_code == 200
    assert errors(response) == [THROTTLED]
    assert not is_signed_in(client)


def test_the_throttle_lifts_five_minutes_after_the_first_failure(clock, client, teacher):
    fail(client, teacher.email, 5)
    clock.move_to(later(minutes=5, seconds=1))
    assert sign_in(client, teacher.email).status_code == 302
    assert is_signed_in(client)


def test_the_throttle_still_holds_just_before_five_minutes(clock, client, teacher):
    fail(client, teacher.email, 5)
    clock.move_to(later(minutes=4, seconds=50))
    assert errors(sign_in(client, teacher.email)) == [THROTTLED]


def test_failures_for_one_account_do_not_throttle_another(clock, client, teacher, dsl):
    fail(client, dsl.email, 5)
    assert sign_in(client, teacher.email).status_code == 302
    assert is_signed_in(client)


def test_the_throttle_counts_the_account_whatever_the_case_of_the_address(clock, client, teacher):
    fail(client, teacher.email.upper(), 5)
    assert errors(sign_in(client, teacher.email)) == [THROTTLED]


def test_a_successful_sign_in_does_not_use_up_an_attempt(clock, client, teacher):
    fail(client, teacher.email, 4)
    assert sign_in(Client(), teacher.email).status_code == 302
    assert THROTTLED not in errors(sign_in(client, teacher.email, WRONG))


# Sign-in: per address ---------------------------------------------------------------------


def test_ten_failures_a_minute_from_one_address_throttle_that_address(clock, client, teacher):
    for n in range(10):
        sign_in(client, f"guess{n}@larkspur.example", WRONG, ip="203.0.113.9")
    response = sign_in(client, teacher.email, ip="203.0.113.9")
    assert errors(response) == [THROTTLED]


def test_an_address_throttled_for_guessing_does_not_lock_out_staff_elsewhere(
    clock, client, teacher
):
    for n in range(10):
        sign_in(client, f"guess{n}@larkspur.example", WRONG, ip="203.0.113.9")
    assert sign_in(client, teacher.email, ip="198.51.100.7").status_code == 302


def test_the_address_throttle_lifts_after_a_minute(clock, client, teacher):
    for n in range(10):
        sign_in(client, f"guess{n}@larkspur.example", WRONG, ip="203.0.113.9")
    clock.move_to(later(minutes=1, seconds=1))
    assert sign_in(client, teacher.email, ip="203.0.113.9").status_code == 302


# Sign-in: no enumeration ------------------------------------------------------------------


def test_a_known_and_an_unknown_address_get_the_same_refusal(clock, client, teacher):
    known = sign_in(client, teacher.email, WRONG)
    unknown = sign_in(client, "nobody@larkspur.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert errors(known) == errors(unknown)


def test_known_and_unknown_addresses_are_throttled_alike(clock, client, teacher):
    fail(client, teacher.email, 5)
    fail(client, "nobody@larkspur.example", 5)
    known = sign_in(client, teacher.email, WRONG)
    unknown = sign_in(client, "nobody@larkspur.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert errors(known) == errors(unknown) == [THROTTLED]


# Second factor ----------------------------------------------------------------------------


def test_five_wrong_codes_throttle_the_second_factor_step(clock, client, teacher):
    secret = pyotp.random_base32()
    TOTP.activate(teacher, secret)
    assert sign_in(client, teacher.email)["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert not is_signed_in(client)


# Password reset ---------------------------------------------------------------------------


def main(response) -> str:
    """The page's main content: the rest differs by its per-response nonce and token."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def request_reset(client: Client, email: str, ip: str = "127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_five_reset_requests_a_minute_for_one_address_are_accepted(clock, client, teacher):
    for _ in range(5):
        assert request_reset(client, teacher.email).status_code == 302


def test_the_sixth_reset_request_in_a_minute_for_one_address_is_refused(clock, client, teacher):
    for _ in range(5):
        request_reset(client, teacher.email)
    response = request_reset(client, teacher.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_reset_requests_for_another_address_are_not_held_up(clock, client, teacher, dsl):
    for _ in range(6):
        request_reset(client, teacher.email)
    assert request_reset(client, dsl.email).status_code == 302


def test_reset_requests_are_accepted_again_a_minute_later(clock, client, teacher):
    for _ in range(6):
        request_reset(client, teacher.email)
    clock.move_to(later(minutes=1, seconds=1))
    assert request_reset(client, teacher.email).status_code == 302


def test_a_known_and_an_unknown_address_get_the_same_reset_answer(clock, client, teacher):
    known = request_reset(client, teacher.email)
    unknown = request_reset(client, "nobody@larkspur.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")


def test_known_and_unknown_reset_addresses_are_throttled_alike(clock, client, teacher):
    for _ in range(5):
        request_reset(client, teacher.email)
        request_reset(client, "nobody@larkspur.example", ip="198.51.100.7")
    known = request_reset(client, teacher.email)
    unknown = request_reset(client, "nobody@larkspur.example", ip="198.51.100.7")
    assert known.status_code == unknown.status_code == 429
    assert main(known) == main(unknown)


def test_a_successful_reset_lifts_the_sign_in_throttle(clock, client, teacher, mailoutbox):
    """Someone an attacker has throttled can reset their password and sign in at once."""
    fail(client, teacher.email, 5)
    request_reset(client, teacher.email)
    link = next(
        line for line in mailoutbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, follow=True)
    new_password = "A-Fresh-Passphrase-42!"
    client.post(form.request["PATH_INFO"], {"password1": new_password, "password2": new_password})
    assert sign_in(client, teacher.email, new_password).status_code == 302
