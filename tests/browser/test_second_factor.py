"""The second factor in a real browser: enrolling an authenticator app and a security key,
and signing in with each and with a recovery code.

The live server answers on http://localhost: WebAuthn needs a named host as its relying
party id, never an IP address, and plain http only with MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN.
"""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, SchoolFactory, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

EMAIL = "dsl@larkspur.example"


@pytest.fixture(autouse=True)
def _webauthn_on_localhost(settings, live_server):
    assert live_server.url.startswith("http://localhost:")
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


@pytest.fixture
def school():
    return SchoolFactory(name="Larkspur Primary")


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_in_with_password(page: Page, site) -> None:
    page.goto(site("/accounts/login/"))
    page.get_by_label("School email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    if page.get_by_role("heading", name="Sign out?").is_visible():
        page.get_by_role("button", name="Sign out").last.click()


def confirm_password_if_asked(page: Page) -> None:
    """allauth asks for the password again before a key is added."""
    if page.get_by_role("heading", level=1, name="Confirm it's you").is_visible():
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Confirm").click()


def test_dsl_enrols_an_authenticator_app_then_signs_in_with_its_code(page, site, school):
    member(school, Role.DSL, with_key=False, email=EMAIL)
    sign_in_with_password(page, site)

    expect(page).to_have_url(site("/accounts/2fa/"))
    expect(page.get_by_text("Your role needs a second factor")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(site("/pupils/"))  # anything else sends them back
    expect(page).to_have_url(site("/accounts/2fa/"))

    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_password_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_no_axe_violations(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Set up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert_no_axe_violations(page)
    page.get_by_role("link", name="I've saved them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    sign_out(page)
    sign_in_with_password(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_dsl_signs_in_with_a_recovery_code(page, site, school):
    dsl = member(school, Role.DSL, email=EMAIL)
    code = RecoveryCodes.activate(dsl).get_unused_codes()[0]
    sign_in_with_password(page, site)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    codes = Authenticator.objects.get(user=dsl, type=Authenticator.Type.RECOVERY_CODES)
    assert code not in codes.wrap().get_unused_codes()


def test_dsl_adds_a_security_key_and_signs_in_with_it(page, context: BrowserContext, site, school):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    dsl = member(school, Role.DSL, with_key=False, email=EMAIL)
    sign_in_with_password(page, site)
    page.get_by_role("link", name="Add a security key or passkey").click()
    confirm_password_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key or passkey")
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill("Blue key")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    assert Authenticator.objects.filter(user=dsl, type=Authenticator.Type.WEBAUTHN).exists()

    page.goto(site("/"))
    sign_out(page)
    sign_in_with_password(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_role("button", name="Use a security key or passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page).to_have_url(re.compile(r"http://localhost:\d+/$"))
