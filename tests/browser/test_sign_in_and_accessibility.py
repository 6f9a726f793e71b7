"""Key pages in a real browser: signing in, accessibility (axe) and 375px phones."""

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, SchoolFactory, member
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # pytest-base-url (pulled in by pytest-playwright) uses a fixture style pytest 10 drops.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

PUBLIC_PAGES = ["/accounts/login/", "/accounts/password/reset/"]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def dsl():
    # transaction=True empties the database between tests, so each test makes its own.
    school = SchoolFactory(name="Larkspur Primary")
    return member(school, Role.DSL, email="dsl@larkspur.example", first_name="Dana")


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_fits_width(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def test_dsl_signs_in_through_the_sign_in_page_and_lands_on_the_dashboard(page, site, dsl):
    page.goto(site("/"))
    expect(page).to_have_url(site("/accounts/login/?next=/"))
    page.get_by_label("School email address").fill("dsl@larkspur.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # A DSL has an authenticator app (the factory enrols one); its code comes next.
    page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(site("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Designated Safeguarding Lead").first).to_be_visible()


def test_wrong_password_keeps_the_address_and_explains(page, site, dsl):
    page.goto(site("/accounts/login/"))
    page.get_by_label("School email address").fill("dsl@larkspur.example")
    page.get_by_label("Password").fill("Not-The-Password-1!")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("School email address")).to_have_value("dsl@larkspur.example")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations_and_fits_the_screen(page, site, path, viewport):
    page.set_viewport_size(viewport)
    page.goto(site(path))
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_dashboard_has_no_axe_violations_and_fits_the_screen(page, site, signed_in, dsl, viewport):
    signed_in(dsl)
    page.set_viewport_size(viewport)
    page.goto(site("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])


def test_sign_in_error_page_has_no_axe_violations(page, site, dsl):
    page.goto(site("/accounts/login/"))
    page.get_by_label("School email address").fill("dsl@larkspur.example")
    page.get_by_label("Password").fill("Not-The-Password-1!")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_second_factor_code_page_has_no_axe_violations_and_fits_the_screen(
    page, site, dsl, viewport
):
    page.set_viewport_size(viewport)
    page.goto(site("/accounts/login/"))
    page.get_by_label("School email address").fill("dsl@larkspur.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_no_axe_violations(page)
    assert_fits_width(page, viewport["width"])
