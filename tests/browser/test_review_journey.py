"""A DSL reviews the day's incidents in one pass from the review queue, in a real browser.

Two incidents wait. The DSL opens the queue, starts with the oldest, records a decision not to
refer (first forgetting its rationale, which is refused next to the field with everything
typed kept), and saves: the second incident opens by itself. They review it too, and the
queue is empty. The teacher who recorded the first then reads the DSL's reply and nothing else.
On a desktop and on a 375px phone, with no axe violations, nothing wider than the screen and
no console errors (tests/browser/conftest.py).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.casework.models import TriageEntry
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


@pytest.mark.console_errors_expected(r"status of 400 \(Bad Request\).*/casework/review/")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dsl_reviews_two_incidents_in_one_pass(browser: Browser, live_server, viewport):
    school = SchoolFactory(name="Larkspur Primary")
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    teacher = member(school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry")
    author = (
        Membership.objects.for_school(school).select_related("school", "user").get(user=teacher)
    )
    start = timezone.now() - datetime.timedelta(hours=5)
    for hours, first_name in ((0, "Sally"), (2, "Omar")):
        with time_machine.travel(start + datetime.timedelta(hours=hours), tick=False):
            record_test_incident(
                author,
                pupil=PupilFactory(school=school, legal_first_name=first_name),
                text=f"{first_name} said she was sad.",
            )

    context = browser.new_context(viewport=viewport)
    sign_in(context, live_server, dsl)
    page = context.new_page()
    page.goto(live_server.url + reverse("casework:review-queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_text("2 incidents awaiting review")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Start reviewing").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sally")
    check_page(page)
    page.get_by_role("radio", name="Low").check()
    page.get_by_label("Decision", exact=True).select_option(label="No further action")
    page.get_by_label("Discussed with").fill("Head teacher")
    page.get_by_role("radio", name="Thank you: nothing more is needed from you").check()
    page.get_by_role("button", name="Save review and open the next").click()

    expect(page.get_by_role("alert")).to_contain_text("Give the rationale for this decision")
    expect(page.get_by_label("Discussed with")).to_have_value("Head teacher")
    check_page(page)
    page.get_by_label("Rationale").fill("Below the threshold; mum is aware and supportive.")
    page.get_by_role("button", name="Save review and open the next").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Omar")
    page.get_by_role("radio", name="Medium").check()
    page.get_by_label("Decision", exact=True).select_option(label="Early help")
    page.get_by_label("Rationale").fill("Family asked for support; early help assessment.")
    page.get_by_role("button", name="Save review and open the next").click()

    expect(page.get_by_text("Every incident has been reviewed.")).to_be_visible()
    check_page(page)
    assert TriageEntry.objects.for_school(school).count() == 2

    teacher_context = browser.new_context(viewport=viewport)
    sign_in(teacher_context, live_server, teacher)
    mine = teacher_context.new_page()
    mine.goto(live_server.url + reverse("incidents:alert-list"))
    expect(mine.get_by_text("(a reply to you)")).to_be_visible()
    check_page(mine)
    first = TriageEntry.objects.for_school(school).order_by("made_at")[0]
    mine.goto(live_server.url + reverse("incidents:incident-detail", args=[first.incident_id]))
    expect(mine.locator("#replies")).to_contain_text("nothing more is needed from you")
    expect(mine.locator("body")).not_to_contain_text("No further action")
    expect(mine.locator("body")).not_to_contain_text("Below the threshold")
    check_page(mine)
    teacher_context.close()
    context.close()
