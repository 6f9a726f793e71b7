"""A DSL keeps a pupil's profile in a real browser: adds a contact (first with no way to
reach them, which is refused next to the phone field with everything typed kept), adds a
professional, links a sibling by name, and sees them all on the profile. On a desktop and on
a 375px phone, with no axe violations, nothing wider than the screen and no console errors
(tests/browser/conftest.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.models import Contact
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_header_and_layout import sign_in
from tests.browser.test_sally_journey import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\)")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dsl_adds_a_contact_a_professional_and_a_sibling(browser: Browser, live_server, viewport):
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    sally = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    PupilFactory(
        school=school, legal_first_name="Tom", legal_last_name="Jones", registration_group="5R"
    )

    context = browser.new_context(viewport=viewport)
    sign_in(context, live_server, dsl)
    page = context.new_page()
    page.goto(live_server.url + reverse("pupils:pupil-detail", kwargs={"pupil_id": sally.pk}))
    expect(page.get_by_role("heading", name="Profile", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("No contacts recorded.")
    check_page(page)

    # A contact with no phone, email or address: refused by the phone field, nothing lost.
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name", exact=True).fill("Jane Jones")
    page.get_by_label("Relationship to the pupil").fill("Mother")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Court orders").fill("Child arrangements order, March 2025.")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Give at least one way to reach")
    expect(page.locator(".field--error")).to_contain_text("Give at least one way to reach")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Jane Jones")
    expect(page.get_by_label("Court orders")).to_have_value("Child arrangements order, March 2025.")
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    check_page(page)
    assert not Contact.objects.for_school(school).exists()
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_text("Contact added.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("07700 900123")

    # A professional involved.
    page.get_by_role("link", name="Add a professional").click()
    page.get_by_label("Role").select_option(label="Social worker")
    page.get_by_label("Name", exact=True).fill("Sam Patel")
    page.get_by_label("Organisation").fill("Leeds children's social care")
    page.get_by_label("Involved from").fill("2025-09-01")
    check_page(page)
    page.get_by_role("button", name="Add professional").click()
    expect(page.get_by_text("Professional added.")).to_be_visible()

    # A sibling, found by name.
    page.get_by_role("link", name="Link a sibling or household member").click()
    page.get_by_label("Find a pupil by name").fill("Tom")
    page.get_by_role("button", name="Find pupils").click()
    page.get_by_role("radio", name="Tom Jones, Year 3, 5R").check()
    page.get_by_label("How they are related").select_option(label="Sibling")
    check_page(page)
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_text("Tom Jones linked.")).to_be_visible()

    profile = page.locator("section.profile")
    for text in ("Jane Jones", "Mother", "Court order", "Sam Patel", "Social worker", "Tom Jones"):
        expect(profile).to_contain_text(text)
    check_page(page)
    assert AuditEvent.objects.filter(action=AuditAction.PROFILE_VIEWED, pupil_id=sally.pk).exists()
    context.close()
