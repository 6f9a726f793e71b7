"""The idle warning in a real browser: shown before the limit, "Stay signed in" works, and at
the limit the page goes to sign-in with the reason.

Both clocks are moved instead of waited for: Playwright's for the page's timers, time-machine
for the server (the live server runs in this process).
"""

import datetime

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

START = datetime.datetime(2026, 11, 16, 8, 0, tzinfo=datetime.UTC)
WARNING = "You'll be signed out in 2 minutes to protect pupils' records."


@pytest.fixture
def server_clock():
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
def teacher_page(page: Page, site, signed_in, server_clock) -> Page:
    """A teacher at a school with a 5-minute idle limit, on the dashboard at START."""
    school = SchoolFactory(name="Larkspur Primary")
    school.idle_timeout_minutes = 5
    school.save()
    signed_in(member(school, Role.TEACHER, email="teacher@larkspur.example"))
    page.clock.install(time=START)
    page.goto(site("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    return page


def advance(page: Page, server_clock, seconds: int) -> None:
    server_clock.shift(seconds)
    page.clock.run_for(seconds * 1000)


def test_the_warning_appears_two_minutes_before_the_idle_limit(teacher_page, server_clock):
    banner = teacher_page.locator("#session-warning")
    advance(teacher_page, server_clock, 170)
    expect(banner).to_be_hidden()
    advance(teacher_page, server_clock, 15)
    expect(teacher_page.get_by_role("alert")).to_have_text(WARNING)
    expect(teacher_page.get_by_role("button", name="Stay signed in")).to_be_visible()
    results = Axe().run(teacher_page)
    assert results.violations_count == 0, results.generate_report()


def test_stay_signed_in_hides_the_warning_and_restarts_the_clock(teacher_page, server_clock, site):
    advance(teacher_page, server_clock, 185)
    teacher_page.get_by_role("button", name="Stay signed in").click()
    expect(teacher_page.locator("#session-warning")).to_be_hidden()
    advance(teacher_page, server_clock, 175)  # 360 s after loading: past the first limit
    teacher_page.reload()
    expect(teacher_page).to_have_url(site("/"))
    expect(teacher_page.get_by_role("heading", level=1)).to_have_text("Dashboard")


# Asked after the limit, the status answers 401 (signed out), which Chromium logs as an error.
@pytest.mark.console_errors_expected(r"status of 401 .*/accounts/session/status/")
def test_at_the_limit_the_page_goes_to_sign_in_and_says_why(teacher_page, server_clock, site):
    advance(teacher_page, server_clock, 185)
    # The warning's status check answers in real time; wait for it before moving the clock on,
    # or its reply would set the final timer after the page's clock had already passed it.
    expect(teacher_page.get_by_role("alert")).to_have_text(WARNING)
    advance(teacher_page, server_clock, 125)
    expect(teacher_page).to_have_url(site("/accounts/login/?next=%2F"))
    expect(
        teacher_page.get_by_text("You were signed out after 5 minutes without activity.")
    ).to_be_visible()
