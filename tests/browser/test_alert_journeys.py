"""Alerts as a DSL and a trust lead meet them, in a real browser.

5. Four alerts about one incident (the incident, two actions, a reported mistake) are one
   line in the alert list and one press of "I have read and understood"; a later action
   raises a new unread item.
6. The DSL's incident page after four actions, each told to 15 people, stays short: the
   record, the actions and the DSL's controls come first, "Who was alerted" is a summary,
   and the full table is one click away.
10. A trust lead who works in two schools lands in Fernhill and still sees the four
   unread Larkspur alerts in the header; the alert list names the school, and opening
   one switches to it.
- A DSL keeps an incident with the leads, with a reason; the teacher who recorded it is then
  told only that the safeguarding leads alone can be told, and offered only leads; once the
  DSL releases it, the teacher may alert anyone again.

Each runs on a desktop and on a 375px phone, with no axe violations, nothing wider than
the screen and no console errors (tests/browser/conftest.py).
"""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.incidents.models import Incident
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

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# The DSL's incident page after four actions told to 15 people each, in CSS pixels. Before
# the alerts were summarised it measured 7,708 (desktop) and 20,260 (phone), of which the
# alert log took 4,628 and 15,931 and the DSL's own alert bar (one block per alert) 659 and
# 1,185. Now 2,864 and 3,978, of which the two alert parts take 444 and 834; the rest is the
# record, the four actions and the DSL's correction controls, which stay as they are. The
# bounds leave room for a few more lines of text, never for the table to come back.
PAGE_BOUND = {"desktop": 3200, "phone": 4600}
ALERT_PARTS_BOUND = {"desktop": 600, "phone": 1000}


def submit_action(membership: Membership, incident: Incident, **extra) -> None:
    actions.submit_action(
        membership=membership,
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Phoned mum, who will come in tomorrow.",
        occurred_at=timezone.now(),
        **extra,
    )


def membership(user, school) -> Membership:
    return Membership.objects.for_school(school).select_related("school", "user").get(user=user)


def alerts_link(page: Page, count: int):
    return page.get_by_role("link", name=re.compile(rf"^Alerts \({count}"))


@pytest.fixture
def larkspur():
    school = SchoolFactory(name="Larkspur Primary")
    teacher = member(
        school, Role.TEACHER, email="terry@larkspur.example", first_name="Terry", last_name="Hale"
    )
    dsl = member(school, Role.DSL, email="dana@larkspur.example", first_name="Dana")
    pupil = PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    return {"school": school, "teacher": teacher, "dsl": dsl, "pupil": pupil}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_one_acknowledgement_covers_four_alerts_on_one_incident(
    page, context, live_server, site, larkspur, viewport
):
    school, teacher, dsl = larkspur["school"], larkspur["teacher"], larkspur["dsl"]
    author = membership(teacher, school)
    incident = record_test_incident(author, pupil=larkspur["pupil"])  # the DSL is told
    submit_action(author, incident, tell_leads=True)
    submit_action(author, incident, tell_leads=True)
    corrections.report_mistake(membership=author, incident=incident, note="Wrong year group.")

    page.set_viewport_size(viewport)
    sign_in(context, live_server, dsl)
    page.goto(site("/"))
    page.locator(".alerts-link").first.click()  # "Alerts (1)": one incident, four alerts
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alerts")
    rows = page.locator("table.alert-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("4 new")
    check_page(page)

    page.get_by_role("link", name=f"Open incident {incident.reference}").click()
    bar = page.locator("#alert-bar")
    expect(bar.get_by_role("heading")).to_have_text("You were alerted to this 4 times")
    expect(page.get_by_role("button", name="I have read and understood")).to_have_count(1)
    check_page(page)
    page.get_by_role("button", name="I have read and understood").click()
    expect(page.get_by_text("Acknowledged: you have read and understood")).to_be_visible()
    expect(bar).to_contain_text("You confirmed you read and understood them")
    expect(page.get_by_role("button", name="I have read and understood")).to_have_count(0)
    expect(alerts_link(page, 0).first).to_be_attached()
    check_page(page)

    # A later action is new: one unread item again, one press again.
    submit_action(author, incident, tell_leads=True)
    page.reload()
    expect(alerts_link(page, 1).first).to_be_attached()
    expect(bar).to_contain_text("1 new")
    expect(page.get_by_role("button", name="I have read and understood")).to_have_count(1)
    check_page(page)
    page.goto(site(reverse("incidents:alert-list")))
    expect(page.locator("table.alert-list tbody tr")).to_contain_text("1 new")
    check_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_dsls_incident_page_stays_short_after_four_actions(
    page, context, live_server, site, larkspur, viewport
):
    school, teacher, dsl = larkspur["school"], larkspur["teacher"], larkspur["dsl"]
    staff = [
        membership(member(school, Role.TEACHER, first_name=f"Colleague{n}"), school)
        for n in range(14)
    ]
    author = membership(teacher, school)
    incident = record_test_incident(author, pupil=larkspur["pupil"], people=staff)
    for _ in range(4):
        submit_action(author, incident, tell_leads=True, people=staff)

    page.set_viewport_size(viewport)
    sign_in(context, live_server, dsl)
    page.goto(site(reverse("incidents:incident-detail", args=[incident.pk])))
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident about Sally Jones")
    name = "desktop" if viewport == DESKTOP else "phone"
    height = page.evaluate("document.documentElement.scrollHeight")
    alert_parts = sum(
        page.locator(selector).bounding_box()["height"] for selector in ("#alert-bar", "#alert-log")
    )
    print(f"incident page height ({name}): {height}px, of which alerts {alert_parts:.0f}px")
    assert height < PAGE_BOUND[name], f"the page is {height}px tall"
    assert alert_parts < ALERT_PARTS_BOUND[name], f"the alert parts are {alert_parts}px tall"

    def top(selector: str) -> float:
        return page.locator(selector).bounding_box()["y"]

    # The record, the actions and the DSL's controls first; who was alerted last.
    assert top("#facts-title") < top("#actions-title") < top("#corrections-title")
    assert top("#corrections-title") < top("#alert-log")
    log = page.locator("#alert-log")
    expect(log).to_contain_text("Incident recorded: 15 told, 0 read, 0 acknowledged")
    expect(log.locator(".alert-log__summary li")).to_have_count(5)
    expect(log.get_by_role("table")).to_be_hidden()
    check_page(page)

    log.get_by_text("Everyone alerted").click()  # the full table, one click away
    expect(log.get_by_role("table")).to_be_visible()
    expect(log.locator("tbody tr")).to_have_count(75)
    check_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_trust_lead_in_fernhill_sees_and_opens_the_larkspur_alerts(
    page, context, live_server, site, larkspur, viewport
):
    school, teacher = larkspur["school"], larkspur["teacher"]
    fernhill = SchoolFactory(name="Fernhill Academy")
    lead = member(school, Role.DSL, email="tess@larkspur.example", first_name="Tess")
    Membership.objects.create(school=fernhill, user=lead, role=Role.TEACHER)
    author = membership(teacher, school)
    incidents = [record_test_incident(author) for _ in range(4)]  # the DSLs are told

    page.set_viewport_size(viewport)
    sign_in(context, live_server, lead)
    page.goto(site("/"))
    expect(page.get_by_text("You are signed in to Fernhill Academy")).to_be_attached()
    expect(alerts_link(page, 4).first).to_be_attached()
    check_page(page)

    page.locator(".alerts-link").first.click()
    table = page.locator("table.alert-list")
    expect(table.get_by_role("columnheader", name="School")).to_be_attached()
    expect(table.locator('tbody td[data-label="School"]')).to_have_text(["Larkspur Primary"] * 4)
    check_page(page)

    newest = incidents[-1]
    table.get_by_role("link", name=f"Open incident {newest.reference}").click()
    expect(page.get_by_text("You are now working in Larkspur Primary")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Incident about"))
    expect(page.locator(".incident__header")).to_contain_text(str(newest.reference))
    check_page(page)
    page.get_by_role("button", name="I have read and understood").click()
    expect(alerts_link(page, 3).first).to_be_attached()
    check_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_dsl_keeps_an_incident_with_the_leads_and_the_teacher_is_told_only_that(
    browser: Browser, page, context, live_server, site, larkspur, viewport
):
    school, teacher, dsl = larkspur["school"], larkspur["teacher"], larkspur["dsl"]
    member(school, Role.OTHER, first_name="Sid", last_name="Manager")
    incident = record_test_incident(membership(teacher, school), pupil=larkspur["pupil"])
    incident_page = site(reverse("incidents:incident-detail", args=[incident.pk]))
    add_action = site(reverse("incidents:action-add", args=[incident.pk]))
    reason = "Police asked us to tell no one else for now."

    page.set_viewport_size(viewport)
    sign_in(context, live_server, dsl)
    page.goto(incident_page)
    page.get_by_role("link", name="Keep with the leads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep with the leads")
    check_page(page)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Keep with the leads").click()
    expect(page.locator(".message--success")).to_contain_text("Kept with the leads")
    panel = page.locator("#keep-with-leads")
    expect(panel).to_contain_text("Kept with the leads")
    expect(page.locator(".corrections")).to_contain_text(reason)
    check_page(page)

    staff_context = browser.new_context(viewport=viewport)
    try:
        sign_in(staff_context, live_server, teacher)
        staff = staff_context.new_page()
        staff.goto(add_action)
        expect(staff.get_by_role("heading", level=1)).to_have_text("Add an action")
        expect(staff.locator("#limited-hint")).to_contain_text(
            "Only the safeguarding leads can be told about this incident."
        )
        expect(staff.get_by_text(reason)).to_have_count(0)
        expect(staff.get_by_label("Assign a task to").locator("option")).to_have_text(
            ["No one: this isn't a task", re.compile("^Dana")]
        )
        check_page(staff)

        page.goto(incident_page)
        panel.get_by_role("link", name="Release from the leads").click()
        page.get_by_label("Reason").fill("The police have finished.")
        page.get_by_role("button", name="Release from the leads").click()
        expect(page.locator(".message--success")).to_contain_text("Released: staff can be")
        check_page(page)

        staff.reload()
        expect(staff.locator("#limited-hint")).to_have_count(0)
        expect(staff.get_by_label("Assign a task to").locator("option")).to_contain_text(
            [re.compile("^Sid Manager")]
        )
        check_page(staff)
    finally:
        staff_context.close()
