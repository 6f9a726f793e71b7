"""The header and page layout on a 375px phone and a desktop, for each main role.

Every page a DSL, a senior leader and a teacher can open is visited at 375px: nothing may
stick out past the right edge of the screen, the header must stay one row, and Sign out must
be reachable through the menu, whose panel stays on the screen.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from safeguard.accounts.permissions import Role, capabilities_of
from safeguard.accounts.tests.factories import (
    MembershipFactory,
    SchoolFactory,
    member,
    passed_second_factor,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.routes import OURS, kwarg_objects, personal_objects, url_values

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

# Account pages every signed-in person reaches from the menu.
ACCOUNT_PAGES = ["/accounts/password/change/", "/accounts/2fa/", "/accounts/sessions/"]
# The tallest a one-row header may be at 375px: 44px targets plus its padding.
ONE_ROW_PX = 64

# Every element's right edge beyond the screen (visually hidden text and the off-screen
# skip link are 1px or start left of the screen, so they don't count).
OVERFLOWING = """
(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.right > width + 0.5;
  })
  .map((el) => {
    const box = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "");
    return `${name} ends at ${Math.round(box.right)}px`;
  })
"""


def sign_in(context: BrowserContext, live_server, user) -> None:
    """A session for `user` as if they had signed in with their second factor."""
    client = Client()
    client.force_login(user)
    passed_second_factor(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def pages_for(user, role: str, objects: dict) -> list[str]:
    """The addresses of every full page `user` can open: our views their role may use (with
    objects in their school) and the account pages, kept if they answer with the site's
    layout (not a redirect, a download or an htmx fragment)."""
    client = Client()
    client.force_login(user)
    passed_second_factor(client, user)
    values = url_values({**objects, **personal_objects(user, objects)})
    capabilities = capabilities_of(role)
    urls = [route.url(values) for route in OURS if route.capability in capabilities]
    pages = []
    for url in [*urls, *ACCOUNT_PAGES]:
        response = client.get(url)
        is_page = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and is_page and b'class="site-header"' in response.content:
            pages.append(url)
    return pages


def layout_problems(page: Page) -> list[str]:
    """What sticks out of a 375px screen, and a header taller than one row."""
    problems = [f"{page.url}: {el}" for el in page.evaluate(OVERFLOWING, PHONE["width"])]
    header = page.locator(".site-header").bounding_box()
    if header is None or header["height"] > ONE_ROW_PX:
        problems.append(f"{page.url}: the header is {header and header['height']}px tall")
    return problems


def assert_fits_and_header_is_one_row(page: Page) -> None:
    problems = layout_problems(page)
    assert problems == [], "\n".join(problems)


def assert_sign_out_reachable(page: Page) -> None:
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    sign_out = page.locator("#site-menu").get_by_role("button", name="Sign out", exact=True)
    expect(sign_out).to_be_visible()
    panel = page.locator(".site-menu__panel").bounding_box()
    assert panel is not None
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"], (
        f"{page.url}: the open menu runs off the screen: {panel}"
    )
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("role", [Role.DSL, Role.SLT, Role.TEACHER])
def test_every_page_fits_a_phone_with_a_one_row_header_and_sign_out_reachable(
    page, live_server, role
):
    school = SchoolFactory(name="Larkspur Primary")
    user = member(school, role, email="person@larkspur.example", first_name="Dana")
    pages = pages_for(user, role, kwarg_objects(school))
    assert "/" in pages and "/incidents/new/" in pages
    sign_in(page.context, live_server, user)
    page.set_viewport_size(PHONE)
    problems = []
    for path in pages:
        page.goto(live_server.url + path)
        problems += layout_problems(page)
        assert_sign_out_reachable(page)
    assert problems == [], "\n".join(problems)


@pytest.fixture
def dsl_at_two_schools():
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dsl@larkspur.example", first_name="Dana")
    # A long school name in "Switch school" must still fit a phone's menu.
    other = SchoolFactory(name="Saint Bartholomew's Church of England Junior")
    MembershipFactory(school=other, user=dsl, role=Role.TEACHER)
    return dsl


def test_phone_header_keeps_add_incident_hide_screen_and_the_alerts_count_in_one_row(
    page, live_server, dsl_at_two_schools
):
    sign_in(page.context, live_server, dsl_at_two_schools)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="Add Incident")).to_be_visible()
    expect(header.get_by_role("button", name="Hide screen")).to_be_visible()
    expect(header.get_by_role("link", name="Alerts (0) unread")).to_be_visible()
    expect(header.get_by_role("navigation", name="Main")).to_be_hidden()
    assert_fits_and_header_is_one_row(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_phone_menu_opens_by_keyboard_holds_the_sections_and_closes_with_escape(
    page, live_server, dsl_at_two_schools
):
    sign_in(page.context, live_server, dsl_at_two_schools)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    menu = page.get_by_role("button", name="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#site-menu")
    expect(
        panel.get_by_role("navigation", name="Main").get_by_role("link", name="Pupils")
    ).to_be_visible()
    expect(
        panel.get_by_role("button", name="Saint Bartholomew's Church of England Junior (Teacher)")
    ).to_be_visible()
    expect(panel.get_by_role("button", name="Sign out")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(menu).to_be_focused()
    # One Escape closed the menu; it doesn't count towards "Escape twice hides the screen".
    page.keyboard.press("Escape")
    expect(page.locator("#screen-cover")).to_be_hidden()


def test_desktop_header_shows_sign_out_and_the_sections_directly(
    page, live_server, dsl_at_two_schools
):
    sign_in(page.context, live_server, dsl_at_two_schools)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/")
    header = page.locator(".site-header")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    expect(
        header.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail")
    ).to_be_visible()
    menu = header.get_by_role("button", name="Dana")
    menu.click()
    expect(page.locator("#site-menu").get_by_role("link", name="Your sessions")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.mouse.click(640, 600)
    expect(menu).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_menu_works_without_javascript(browser, live_server, dsl_at_two_schools, viewport):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    try:
        sign_in(context, live_server, dsl_at_two_schools)
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.locator(".site-menu summary").click()
        expect(page.locator("#site-menu").get_by_role("link", name="Your sessions")).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        context.close()


def test_the_site_has_a_favicon(page, live_server):
    response = page.request.get(live_server.url + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")
    page.goto(live_server.url + "/accounts/login/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
