"""Add Incident in a real browser: the policy's Sally example by mouse and by keyboard alone.

Each journey counts what the person had to do besides typing the incident text, so the
number stays visible (and can't quietly grow): run with -s to see the counts.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.incidents.models import Alert, Incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

SALLY_TEXT = (
    "During lunchtime play, Sally approached me and was crying. I asked her what the matter "
    "was and she replied - 'I don't like my life anymore'. I raised this with Mum at the end "
    "of the day."
)
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def people():
    """A school with a midday supervisor, an SLT member in the SLT group, a DSL and Sally."""
    school = SchoolFactory(name="Larkspur Primary")
    midday = member(school, Role.MIDDAY, email="midday@larkspur.example", first_name="Mo")
    slt = member(school, Role.SLT, email="slt@larkspur.example", first_name="Sam")
    dsl = member(school, Role.DSL, email="dsl@larkspur.example", first_name="Dana")
    StaffGroup.objects.for_school(school).get(is_slt=True).members.add(slt.memberships.get())
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    PupilFactory(school=school, legal_first_name="Salma", legal_last_name="Khan")
    return {"school": school, "midday": midday, "slt": slt, "dsl": dsl}


class Counter:
    """Does what a person does, counting clicks and key presses (the text itself aside)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0
        self.keys = 0

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=30)
        self.keys += len(text)

    def tab_to(self, target: Locator, limit: int = 80) -> None:
        for _ in range(limit):
            if target.evaluate("node => node === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reached {target}")


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_fits_width(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def assert_recorded_with_alerts(people) -> None:
    incident = Incident.objects.for_school(people["school"]).get()
    assert incident.author == people["midday"]
    assert incident.pupil.legal_first_name == "Sally"
    assert [c.name for c in incident.categories.all()] == ["Family / home circumstances"]
    alerted = set(Alert.objects.for_school(people["school"]).values_list("recipient", flat=True))
    assert alerted == {people["slt"].pk, people["dsl"].pk}


def test_sally_example_with_the_fewest_clicks(page, site, signed_in, people):
    signed_in(people["midday"])
    page.goto(site("/"))
    act = Counter(page)

    act.click(page.get_by_role("link", name="Add Incident").first)
    act.click(page.get_by_role("combobox", name="Pupil's name"))
    act.type("Sal")
    expect(page.get_by_role("option")).to_have_count(2)
    act.click(page.get_by_role("option", name="Sally Jones"))
    act.click(page.get_by_label("Direct conversation with the child"))
    act.click(page.get_by_label("What happened"))
    page.get_by_label("What happened").fill(SALLY_TEXT)  # the text itself isn't counted
    act.click(page.get_by_label("Family / home circumstances"))
    act.click(page.get_by_label("SLT"))
    summary = page.locator("#recipients")
    expect(summary).to_contain_text("Sam")
    expect(summary).to_contain_text("Dana")
    act.click(page.get_by_role("button", name="Add Incident"))

    expect(page.get_by_text("Incident recorded. 2 people have been alerted.")).to_be_visible()
    assert_recorded_with_alerts(people)
    print(f"\nSally by mouse: {act.clicks} clicks and {act.keys} key presses besides the text")
    assert (act.clicks, act.keys) == (8, 3)


def test_sally_example_with_the_keyboard_alone(page, site, signed_in, people):
    signed_in(people["midday"])
    page.goto(site("/"))
    act = Counter(page)

    act.tab_to(page.get_by_role("link", name="Add Incident").first)
    act.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Incident")
    pupil = page.get_by_role("combobox", name="Pupil's name")
    act.tab_to(page.get_by_role("link", name="Skip to main content"))
    act.press("Enter")
    act.tab_to(pupil)
    act.type("Sal")
    expect(page.get_by_role("option")).to_have_count(2)
    expect(pupil).to_have_attribute("aria-expanded", "true")
    act.press("ArrowDown")
    expect(pupil).to_have_attribute("aria-activedescendant", "pupil-listbox-0")
    act.press("Enter")
    expect(page.locator("#pupil-chosen")).to_contain_text("Sally Jones")
    act.tab_to(page.get_by_label("Direct conversation with the child"))
    act.press("Space")
    act.tab_to(page.get_by_label("What happened"))
    page.keyboard.insert_text(SALLY_TEXT)  # the text itself isn't counted
    act.tab_to(page.get_by_label("Family / home circumstances"))
    act.press("Space")
    act.tab_to(page.get_by_label("SLT"))
    act.press("Space")
    act.tab_to(page.get_by_role("button", name="Add Incident"))
    act.press("Enter")

    expect(page.get_by_text("Incident recorded. 2 people have been alerted.")).to_be_visible()
    assert_recorded_with_alerts(people)
    print(f"\nSally by keyboard alone: {act.keys} key presses besides the text")
    assert act.clicks == 0
    assert act.keys <= 60


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_add_incident_form_has_no_axe_violations_and_fits_the_screen(
    page, site, signed_in, people, viewport
):
    signed_in(people["midday"])
    page.set_viewport_size(viewport)
    page.goto(site("/incidents/new/"))
    page.get_by_role("combobox", name="Pupil's name").fill("Sal")
    expect(page.get_by_role("option")).to_have_count(2)
    assert_no_axe_violations(page)  # with the suggestions open
    assert_fits_width(page, viewport["width"])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add Incident").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_axe_violations(page)  # with every message showing
    assert_fits_width(page, viewport["width"])


def test_draft_is_saved_while_typing_and_the_screen_hides_at_once(page, site, signed_in, people):
    signed_in(people["midday"])
    page.goto(site("/incidents/new/"))
    page.get_by_label("What happened").fill("Sally said")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved", timeout=6000)
    page.keyboard.press("Alt+H")
    expect(page.locator("#screen-cover")).to_be_visible()
    expect(page).to_have_title("Safeguard")
    page.keyboard.press("Enter")
    expect(page.locator("#screen-cover")).to_be_hidden()
    page.goto(site("/"))
    page.get_by_role("link", name="Carry on writing: no pupil yet").click()
    expect(page.get_by_label("What happened")).to_have_value("Sally said")
