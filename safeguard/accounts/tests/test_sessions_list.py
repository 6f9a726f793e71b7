""" "Your sessions": see where you are signed in and end the others; deactivation ends them all
(docs/security.md S3, ASVS 7.4.2, 7.5.2)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safeguard.accounts import services
from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SESSIONS = "/accounts/sessions/"
LOGIN = "/accounts/login/"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile/15E148 Safari/604.1"


@pytest.fixture
def browser():
    """browser(user, agent): a signed-in browser that has made one request."""

    def make(user, agent: str = LAPTOP) -> Client:
        client = Client(HTTP_USER_AGENT=agent)
        client.force_login(user)
        assert client.get("/").status_code == 200
        return client

    return make


def session_key(client: Client) -> str | None:
    return client.session.session_key


def test_the_page_lists_this_session_with_its_address_and_browser(browser, teacher):
    html = browser(teacher).get(SESSIONS).content.decode()
    assert "<h1>Your sessions</h1>" in html
    assert "127.0.0.1" in html
    assert LAPTOP in html
    assert "This session" in html
    assert "This is your only session." in html


def test_the_page_lists_each_browser_once(browser, teacher):
    laptop = browser(teacher, LAPTOP)
    browser(teacher, PHONE)
    html = laptop.get(SESSIONS).content.decode()
    assert html.count("<tr>") == 3  # the heading row and two sessions
    assert LAPTOP in html
    assert PHONE in html
    assert html.count("This session") == 1
    assert "Sign out everywhere else" in html


def test_the_page_shows_no_one_elses_sessions(browser, teacher, persona):
    browser(persona(Role.TEACHER), PHONE)
    html = browser(teacher, LAPTOP).get(SESSIONS).content.decode()
    assert PHONE not in html


def test_signing_out_everywhere_else_ends_the_other_sessions_only(browser, teacher):
    laptop = browser(teacher, LAPTOP)
    phone = browser(teacher, PHONE)
    response = laptop.post(SESSIONS, follow=True)
    assert "Signed out of all other sessions." in response.content.decode()
    assert laptop.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(LOGIN)


def test_signing_out_everywhere_else_is_audited(browser, teacher):
    laptop = browser(teacher, LAPTOP)
    browser(teacher, PHONE)
    laptop.post(SESSIONS)
    event = AuditEvent.objects.filter(action=AuditAction.SIGNED_OUT).last()
    assert event.actor == teacher
    assert event.detail == {"sessions_ended": 1, "by": "user"}


def test_the_sessions_page_needs_signing_in(client):
    response = client.get(SESSIONS)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_account_menu_links_to_your_sessions(browser, teacher):
    html = browser(teacher).get("/").content.decode()
    assert f'<a href="{SESSIONS}">Your sessions</a>' in html


def test_deactivating_someone_ends_all_their_sessions_at_once(
    browser, client_as, dsl, teacher, membership_of
):
    laptop = browser(teacher, LAPTOP)
    phone = browser(teacher, PHONE)
    keys = [session_key(laptop), session_key(phone)]
    membership = membership_of(teacher)

    client_as(dsl).post(reverse("school:staff-deactivate", args=[membership.pk]))

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert phone.get("/")["Location"].startswith(LOGIN)


def test_the_deactivation_audit_counts_the_sessions_ended(browser, dsl, teacher):
    browser(teacher, LAPTOP)
    browser(teacher, PHONE)
    membership = Membership.objects.active_for_user(teacher).get()
    services.deactivate_staff(membership=membership, deactivated_by=dsl)
    event = AuditEvent.objects.filter(action=AuditAction.STAFF_DEACTIVATED).last()
    assert event.detail["sessions_ended"] == 2


def test_deactivating_someone_leaves_other_peoples_sessions(
    browser, client_as, dsl, teacher, persona, membership_of
):
    colleague = browser(persona(Role.TEACHER))
    client_as(dsl).post(reverse("school:staff-deactivate", args=[membership_of(teacher).pk]))
    assert colleague.get("/").status_code == 200
