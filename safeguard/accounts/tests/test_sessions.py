"""Idle timeout, absolute lifetime, keep-alive and sign-out (docs/security.md S1-S3, ASVS 7.3)."""

import datetime
import time

import pyotp
import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.sessions import AUTOSAVE_MESSAGE, DRAFT_KEPT_MESSAGE
from safeguard.accounts.signals import session_expired
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 16, 8, 0, tzinfo=datetime.UTC)
DASHBOARD = "/"
LOGIN = "/accounts/login/"
STATUS = "/accounts/session/status/"
KEEP_ALIVE = "/accounts/session/keep-alive/"
JSON = {"HTTP_ACCEPT": "application/json"}


def minutes(n: float) -> datetime.datetime:
    return START + datetime.timedelta(minutes=n)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(clock, client_as, teacher):
    """A teacher's browser, signed in at START."""
    return client_as(teacher)


# Idle timeout -----------------------------------------------------------------------------


def test_a_request_19_minutes_after_the_last_one_is_still_signed_in(signed_in, clock):
    clock.move_to(minutes(19))
    assert signed_in.get(DASHBOARD).status_code == 200


def test_a_request_21_minutes_after_the_last_one_goes_to_sign_in(signed_in, clock):
    clock.move_to(minutes(21))
    response = signed_in.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_the_idle_sign_out_says_why_and_what_autosave_kept(signed_in, clock):
    clock.move_to(minutes(21))
    response = signed_in.get(DASHBOARD, follow=True)
    assert response.request["PATH_INFO"] == LOGIN
    assert (
        "You were signed out after 20 minutes without activity. "
        "Anything you were writing on the Add Incident form was saved as a draft."
    ) in response.content.decode()


def test_after_the_idle_sign_out_the_session_stays_signed_out(signed_in, clock):
    clock.move_to(minutes(21))
    signed_in.get(DASHBOARD)
    clock.move_to(minutes(22))
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_each_request_restarts_the_idle_clock(signed_in, clock):
    for at in (15, 30, 45):
        clock.move_to(minutes(at))
        assert signed_in.get(DASHBOARD).status_code == 200


def test_the_schools_own_idle_timeout_applies(signed_in, clock, school):
    school.idle_timeout_minutes = 45
    school.save()
    clock.move_to(minutes(44))
    assert signed_in.get(DASHBOARD).status_code == 200
    clock.move_to(minutes(44 + 46))
    response = signed_in.get(DASHBOARD, follow=True)
    assert "signed out after 45 minutes without activity" in response.content.decode()


def test_a_short_school_timeout_signs_out_sooner(signed_in, clock, school):
    school.idle_timeout_minutes = 5
    school.save()
    clock.move_to(minutes(6))
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_someone_in_two_schools_gets_the_timeout_of_the_school_they_are_in(
    signed_in, clock, teacher, other_school
):
    other_school.idle_timeout_minutes = 60
    other_school.save()
    MembershipFactory(user=teacher, school=other_school, role=Role.TEACHER)
    signed_in.post(reverse("accounts:switch-school"), {"school": other_school.pk})
    clock.move_to(minutes(50))
    assert signed_in.get(DASHBOARD).status_code == 200


def test_going_to_sign_in_after_the_timeout_shows_sign_in_with_the_reason(signed_in, clock):
    clock.move_to(minutes(21))
    response = signed_in.get(f"{LOGIN}?next=/pupils/")
    assert response.status_code == 200
    assert "signed out after 20 minutes without activity" in response.content.decode()
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_a_form_posted_after_the_timeout_is_not_acted_on(signed_in, clock, teacher, school):
    clock.move_to(minutes(21))
    response = signed_in.post(reverse("accounts:switch-school"), {"school": school.pk})
    assert response["Location"] == f"{LOGIN}?next=/accounts/switch-school/"


@pytest.fixture
def expiry_replies():
    """Receivers of session_expired for one test: each returns the next reply given."""
    replies: list[object] = []
    seen: list[object] = []

    def answer(sender, request, **kwargs):
        seen.append(request.membership)
        return replies.pop(0)

    session_expired.connect(answer, dispatch_uid="test-session-expired")
    yield replies, seen
    session_expired.disconnect(dispatch_uid="test-session-expired")


def test_an_ending_session_asks_the_apps_above_to_keep_what_was_posted_while_signed_in(
    signed_in, clock, teacher, expiry_replies
):
    replies, seen = expiry_replies
    replies.append(True)
    clock.move_to(minutes(21))
    response = signed_in.post(DASHBOARD, follow=True)
    assert seen == [teacher.memberships.get()]
    assert DRAFT_KEPT_MESSAGE.strip() in response.content.decode()
    assert AUTOSAVE_MESSAGE.strip() not in response.content.decode()


def test_only_a_reply_of_true_counts_as_kept(signed_in, clock, expiry_replies):
    replies, _ = expiry_replies
    replies.append("yes")
    clock.move_to(minutes(21))
    response = signed_in.post(DASHBOARD, follow=True)
    assert DRAFT_KEPT_MESSAGE.strip() not in response.content.decode()
    assert AUTOSAVE_MESSAGE.strip() in response.content.decode()


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_sign_in(signed_in, clock):
    clock.move_to(minutes(21))
    response = signed_in.get(DASHBOARD, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == LOGIN


# Status and keep-alive --------------------------------------------------------------------


def test_status_says_how_many_seconds_are_left(signed_in, clock):
    clock.move_to(minutes(15))
    response = signed_in.get(STATUS)
    assert response.json() == {"signed_in": True, "seconds_remaining": 300, "limit": "idle"}


def test_asking_for_the_status_does_not_keep_the_session_alive(signed_in, clock):
    clock.move_to(minutes(15))
    signed_in.get(STATUS)
    clock.move_to(minutes(21))
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_status_after_the_timeout_answers_signed_out_for_the_page_script(signed_in, clock):
    clock.move_to(minutes(21))
    response = signed_in.get(STATUS, **JSON)
    assert response.status_code == 401
    assert response.json() == {"signed_in": False, "sign_in_url": LOGIN}


def test_the_message_waits_for_the_sign_in_page_after_the_script_finds_the_timeout(
    signed_in, clock
):
    clock.move_to(minutes(21))
    signed_in.get(STATUS, **JSON)
    page = signed_in.get(LOGIN).content.decode()
    assert "signed out after 20 minutes without activity" in page


def test_keep_alive_restarts_the_idle_clock(signed_in, clock):
    clock.move_to(minutes(15))
    response = signed_in.post(KEEP_ALIVE, **JSON)
    assert response.json()["seconds_remaining"] == 20 * 60
    clock.move_to(minutes(30))
    assert signed_in.get(DASHBOARD).status_code == 200


def test_keep_alive_without_the_script_returns_to_the_page(signed_in):
    response = signed_in.post(KEEP_ALIVE, {"next": "/pupils/"})
    assert response["Location"] == "/pupils/"


def test_keep_alive_never_redirects_to_another_site(signed_in):
    response = signed_in.post(KEEP_ALIVE, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboard")


def test_keep_alive_refuses_get(signed_in):
    assert signed_in.get(KEEP_ALIVE).status_code == 405


def test_keep_alive_refuses_a_post_without_the_csrf_token(clock, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    assert client.post(KEEP_ALIVE, **JSON).status_code == 403


@pytest.mark.parametrize("url", [STATUS, KEEP_ALIVE])
def test_signed_out_status_and_keep_alive_go_to_sign_in(client, url):
    response = client.post(url) if url == KEEP_ALIVE else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", [Role.DSL, Role.TEACHER, Role.MIDDAY, Role.GOVERNOR])
def test_every_role_may_keep_their_session_alive(persona, client_as, role):
    assert client_as(persona(role)).post(KEEP_ALIVE, **JSON).status_code == 200


# Absolute lifetime ------------------------------------------------------------------------


def test_a_busy_session_still_ends_ten_hours_after_sign_in(signed_in, clock):
    at = 0
    while at < 10 * 60 - 15:
        at += 15
        clock.move_to(minutes(at))
        assert signed_in.get(DASHBOARD).status_code == 200, f"signed out at {at} minutes"
    clock.move_to(minutes(10 * 60))
    response = signed_in.get(DASHBOARD, follow=True)
    assert response.request["PATH_INFO"] == LOGIN
    assert "signed in for 10 hours" in response.content.decode()


def test_the_absolute_lifetime_comes_from_settings(settings, signed_in, clock):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    for at in (15, 30, 45):
        clock.move_to(minutes(at))
        signed_in.get(DASHBOARD)
    clock.move_to(minutes(61))
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_status_says_when_the_absolute_limit_comes_first(settings, signed_in, clock):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    for at in (15, 30, 45):
        clock.move_to(minutes(at))
        signed_in.get(DASHBOARD)
    clock.move_to(minutes(50))
    assert signed_in.get(STATUS).json() == {
        "signed_in": True,
        "seconds_remaining": 600,
        "limit": "absolute",
    }


def test_keep_alive_cannot_stretch_the_absolute_lifetime(settings, signed_in, clock):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    for at in (15, 30, 45, 59):
        clock.move_to(minutes(at))
        signed_in.post(KEEP_ALIVE, **JSON)
    clock.move_to(minutes(61))
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


# The page's warning -----------------------------------------------------------------------


def test_signed_in_pages_tell_the_script_the_time_left_and_when_to_warn(signed_in, clock):
    html = signed_in.get(DASHBOARD).content.decode()
    assert 'data-session-remaining="1200"' in html
    assert 'data-session-warning="120"' in html
    assert f'data-session-status-url="{STATUS}"' in html
    assert "js/session.js" in html


def test_signed_in_pages_carry_a_hidden_stay_signed_in_button(signed_in):
    html = signed_in.get(DASHBOARD).content.decode()
    assert '<div class="session-warning" id="session-warning" hidden>' in html
    assert f'action="{KEEP_ALIVE}"' in html
    assert "Stay signed in" in html


def test_the_warning_lead_time_comes_from_settings(settings, signed_in):
    settings.SESSION_IDLE_WARNING_SECONDS = 30
    assert 'data-session-warning="30"' in signed_in.get(DASHBOARD).content.decode()


def test_the_sign_in_page_has_no_session_timer(client):
    html = client.get(LOGIN).content.decode()
    assert "data-session-remaining" not in html
    assert "session.js" not in html


# Sign-in gives a new session id (fixation) ------------------------------------------------


def test_signing_in_gives_the_browser_a_new_session_id(client, teacher, settings):
    client.get(LOGIN)
    session = client.session
    session["seen_sign_in_page"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    client.post(LOGIN, {"login": teacher.email, "password": DEFAULT_PASSWORD})

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session.session_key == after
    assert not Session.objects.filter(session_key=before).exists()


def test_each_second_factor_step_gives_a_new_session_id(client, teacher, settings):
    secret = pyotp.random_base32()
    TOTP.activate(teacher, secret)
    session = client.session
    session["seen_sign_in_page"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    keys = [session.session_key]

    response = client.post(LOGIN, {"login": teacher.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    left_in_step = 30 - time.time() % 30
    if left_in_step < 5:  # a code made now might be a step old by the time it is checked
        time.sleep(left_in_step + 0.5)
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)

    assert len(set(keys)) == 3, "the password step and the code step each need a new id"
    assert client.get(DASHBOARD).status_code == 200


def test_confirming_the_password_again_gives_a_new_session_id(signed_in, settings):
    before = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    response = signed_in.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    after = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert signed_in.get(DASHBOARD).status_code == 200


# Sign-out clears the browser --------------------------------------------------------------


def test_signing_out_tells_the_browser_to_clear_what_it_holds(signed_in):
    response = signed_in.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert signed_in.get(DASHBOARD)["Location"].startswith(LOGIN)


@pytest.mark.parametrize("url", [DASHBOARD, LOGIN, "/accounts/logout/"])
def test_other_pages_do_not_clear_the_browser(signed_in, url):
    assert "Clear-Site-Data" not in signed_in.get(url)


def test_the_idle_sign_out_keeps_the_message_cookie(signed_in, clock):
    """Clearing cookies there would also clear the message saying why."""
    clock.move_to(minutes(21))
    assert "Clear-Site-Data" not in signed_in.get(DASHBOARD)


def test_the_session_ends_on_the_server_at_sign_out(signed_in, settings):
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
