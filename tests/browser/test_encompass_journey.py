"""A key adult records an Operation Encompass notification and another lead acknowledges it,
in a real browser.

The DSL records the police's call: first without naming a child (refused next to the field,
everything typed kept), then naming Sally. The deputy finds it at the top of their dashboard,
opens it and acknowledges it, and it leaves the dashboard. On a desktop and on a 375px phone,
with no axe violations, nothing wider than the screen and no console errors
(tests/browser/conftest.py).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.casework.models import EncompassAcknowledgement, EncompassNotification
from safeguard.lib import clock
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_header_and_layout import sign_in
from tests.browser.test_sally_journey import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\).*/encompass/")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_key_adult_records_a_notification_and_a_deputy_acknowledges_it(
    browser: Browser, live_server, viewport
):
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    deputy = member(school, Role.DEPUTY_DSL, email="dev@larkspur.example", first_name="Dev")
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    PupilFactory(school=school, legal_first_name="Omar", legal_last_name="Quist")

    context = browser.new_context(viewport=viewport)
    sign_in(context, live_server, dsl)
    page = context.new_page()
    page.goto(live_server.url + reverse("dashboard"))
    page.get_by_role("link", name="Operation Encompass notifications").click()
    page.get_by_role("link", name="Record a notification").click()
    check_page(page)
    today = clock.localdate().isoformat()
    page.get_by_label("Date received").fill(today)
    page.get_by_label("Time received").fill("07:30")
    page.get_by_label("Police force").fill("Kent")
    page.get_by_label("Police reference").fill("KNT/OE/0413")
    page.get_by_label("Date of the incident").fill(today)
    page.get_by_label("Time of the incident").fill("01:10")
    page.get_by_label("Present at the incident").check()
    page.get_by_label("What the police told you").fill("Police attended a domestic incident.")
    page.get_by_label("I have read this and seen to the school's response").uncheck()
    page.get_by_role("button", name="Record the notification").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the children of this school")
    expect(page.get_by_label("Police reference")).to_have_value("KNT/OE/0413")
    expect(page.get_by_label("What the police told you")).to_have_value(
        "Police attended a domestic incident."
    )
    check_page(page)

    page.get_by_label("Children named").select_option(label="Jones, Sally (Year 3, 3B)")
    page.get_by_role("button", name="Record the notification").click()
    expect(page.get_by_text("Operation Encompass notification recorded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No key adult has acknowledged this yet")
    check_page(page)
    assert EncompassNotification.objects.for_school(school).count() == 1
    context.close()

    context = browser.new_context(viewport=viewport)
    sign_in(context, live_server, deputy)
    page = context.new_page()
    page.goto(live_server.url + reverse("dashboard"))
    heading = page.get_by_role("heading", name="Operation Encompass: not yet acknowledged (1)")
    expect(heading).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Sally Jones").first.click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: it no longer heads")).to_be_visible()
    check_page(page)
    assert EncompassAcknowledgement.objects.for_school(school).count() == 1
    page.goto(live_server.url + reverse("dashboard"))
    expect(page.locator("main")).not_to_contain_text("not yet acknowledged")
    context.close()
