"""What a new school meets in its first hour, in a real browser, on a desktop and a 375px phone.

- Staff alerted to an incident see neither a restricted category a DSL added later nor the
  DSL's own action (unless the DSL shared it): page, print view, alert list, My incidents.
- The demo holds a term of records: the DSL signs in to incidents awaiting review.
- An unknown address shows the generic "Page not found", never Django's debug page.
- A weak new password is first told the reason that applies ("too common").

Each page is checked with axe (no violations), for width, and for console errors
(tests/browser/conftest.py).
"""

import io
import re
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.incidents.models import Category
from safeguard.incidents.services import actions, corrections
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_header_and_layout import sign_in
from tests.browser.test_sally_journey import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

VIEWPORTS: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}
DSL_ACTION = "Phoned the Safeguarding Hub, reference SH-1234."


def membership(user, school) -> Membership:
    return Membership.objects.for_school(school).select_related("school", "user").get(user=user)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_alerted_staff_see_neither_the_added_restricted_category_nor_the_dsls_action(
    viewport, page: Page, context, live_server
):
    school = SchoolFactory(name="Larkspur Primary")
    midday = member(school, Role.MIDDAY, email="megan@larkspur.example", first_name="Megan")
    teacher = member(school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    pupil = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    categories = Category.objects.for_school(school)
    incident = record_test_incident(
        membership(midday, school),
        pupil=pupil,
        categories=[categories.get(name="Behaviour")],
        people=[membership(teacher, school)],
    )
    corrections.recategorise(
        membership=membership(dsl, school),
        incident=incident,
        categories=[categories.get(name="Behaviour"), categories.get(name="Child protection")],
        reason="Disclosure made later to the DSL.",
    )
    actions.submit_action(
        membership=membership(dsl, school),
        incident=incident,
        submit_key=uuid.uuid4(),
        text=DSL_ACTION,
        occurred_at=timezone.now(),
    )

    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(context, live_server, teacher)
    detail = reverse("incidents:incident-detail", args=[incident.pk])
    for path in [
        detail,
        reverse("incidents:incident-print", args=[incident.pk]),
        reverse("incidents:alert-list"),
        reverse("incidents:my-incidents"),
    ]:
        page.goto(live_server.url + path)
        body = page.locator("body")
        expect(body).to_contain_text("Behaviour")
        expect(body).not_to_contain_text("Child protection")
        expect(body).not_to_contain_text("SH-1234")
        check_page(page)

    # The DSL sees both, on the same page.
    context.clear_cookies()
    sign_in(context, live_server, dsl)
    page.goto(live_server.url + detail)
    expect(page.locator("body")).to_contain_text("Child protection")
    expect(page.locator("body")).to_contain_text("SH-1234")
    check_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_demo_dsl_signs_in_to_a_term_of_records_awaiting_review(
    viewport, page: Page, context, live_server
):
    call_command("load_demo", stdout=io.StringIO())
    dsl = User.objects.get(email="dsl@larkspur.example")
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(context, live_server, dsl)
    page.goto(live_server.url + "/")
    waiting = page.get_by_role("heading", name=re.compile("awaiting", re.IGNORECASE))
    expect(waiting.first).to_be_visible()
    check_page(page)
    page.goto(live_server.url + reverse("incidents:incident-list"))
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10
    check_page(page)


@pytest.mark.console_errors_expected(r"status of 404 .*/no-such-page/")
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_unknown_address_shows_the_generic_page_not_found(viewport, page: Page, live_server):
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    body = page.locator("body")
    expect(body).to_contain_text("Page not found")
    expect(body).not_to_contain_text("URLconf")
    expect(body).not_to_contain_text("Using the URLconf")
    check_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_weak_new_password_is_first_told_it_is_too_common(viewport, page: Page, live_server):
    school = SchoolFactory(name="Larkspur Primary")
    teacher = member(school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server.url + reverse("account_reset_password"))
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(teacher.email)
    page.get_by_role("button", name="Email me a link").click()
    (message,) = [m for m in mail.outbox if teacher.email in m.to]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(message.body))
    assert link, message.body
    page.goto(live_server.url + link.group(1))
    page.locator("#id_password1").fill("password1")
    page.locator("#id_password2").fill("password1")
    page.locator("#id_password2").press("Enter")
    error = page.locator("#id_password1_error")
    expect(error).to_contain_text("too common")
    text = error.inner_text()
    assert text.index("too common") < text.index("upper-case letter")
    assert "name of this service" not in text
    check_page(page)
