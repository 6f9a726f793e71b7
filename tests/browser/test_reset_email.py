"""Forgotten password in a real browser: the request only queues the email, the background
worker sends it in Safeguard's words, and its link sets a new password."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from tests.browser.test_sign_in_and_accessibility import (
    VIEWPORTS,
    assert_fits_width,
    assert_no_axe_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

NEW_PASSWORD = "Blue-Kettle-Harbour-93"


@pytest.fixture
def worker_queue(settings, live_server):
    """Emails wait in the database queue for `manage.py db_worker`, as in production; links
    point at the test server."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = live_server.url


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_forgotten_password_is_reset_from_an_email_the_worker_sends(
    page: Page, site, smtp_server, worker_queue, viewport
):
    page.set_viewport_size(viewport)
    school = SchoolFactory(name="Larkspur Primary")
    member(school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry")

    page.goto(site("/accounts/login/"))
    page.get_by_role("link", name="Forgot your password? First time here?").click()
    page.get_by_label("School email address").fill("terry@larkspur.example")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])
    assert smtp_server == []  # the web process only queued it

    run_worker()
    [message] = smtp_server
    body = message.get_payload(decode=True).decode()
    assert "Hello Terry," in body and "Larkspur Primary" in body
    assert "Hello from" not in body and "Thank you for using" not in body

    [link] = re.findall(r"https?://\S+/key/\S+", body)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
