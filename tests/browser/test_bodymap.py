"""The body map input in a real browser: a click, the keyboard alone, no JavaScript, and axe.

Most tests use a bare page holding just the widget's include, posting to a view that
answers with what `bodymap.parse_marks` read, so each test sees exactly what the server
would keep. The last records a whole incident with a mark through Add Incident.
"""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path
from playwright.sync_api import Page, expect

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member
from safeguard.incidents.models import BodyMapMark
from safeguard.incidents.services import bodymap
from safeguard.incidents.services.bodymap import Mark
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.browser.conftest import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

WIDGET_PAGE = """{% extends "base.html" %}
{% block title %}Body map{% endblock %}
{% block content %}
<h1>Body map</h1>
<form method="post" action="">{% csrf_token %}
  {% include "incidents/includes/body_map_input.html" %}
  <button type="submit">Check the marks</button>
</form>
{% endblock %}"""


@login_not_required
def widget(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        marks, errors = bodymap.parse_marks(request.POST)
        return JsonResponse({"marks": [vars(mark) for mark in marks], "errors": errors})
    template = engines["django"].from_string(WIDGET_PAGE)
    return HttpResponse(template.render({"mark_rows": []}, request))


urlpatterns = [
    path("test-only/body-map/", widget),
    path("", include("safeguard.urls")),
]


@pytest.fixture
def widget_page(page: Page, site, settings) -> Page:
    settings.ROOT_URLCONF = __name__
    page.goto(site("/test-only/body-map/"))
    return page


def click_drawing(page: Page, side: str, x: int, y: int) -> None:
    """Click the point (x, y) of the drawing's own 0-1000 units."""
    drawing = page.locator(f'svg[data-bodymap-side="{side}"]')
    drawing.scroll_into_view_if_needed()
    point = drawing.evaluate(
        """(svg, [x, y]) => {
            const p = svg.createSVGPoint();
            p.x = x;
            p.y = y;
            const onScreen = p.matrixTransform(svg.getScreenCTM());
            return [onScreen.x, onScreen.y];
        }""",
        [x, y],
    )
    page.mouse.click(*point)


def submitted(page: Page) -> dict:
    page.get_by_role("button", name="Check the marks").click()
    return json.loads(page.locator("body").inner_text())


def test_a_click_places_mark_1_where_clicked_and_opens_its_description(widget_page):
    page = widget_page
    click_drawing(page, "front", 500, 262)
    expect(page.get_by_role("status")).to_have_text(
        "Mark 1, front, upper chest added. Describe it below."
    )
    row = page.get_by_role("group", name="Mark 1: front, upper chest")
    expect(row.get_by_label("What kind of mark")).to_be_focused()
    expect(page.locator('svg[data-bodymap-side="front"] [data-mark="1"]')).to_be_visible()
    row.get_by_label("What kind of mark").select_option("Bruise")
    row.get_by_label("Colour").fill("purple")
    result = submitted(page)
    assert result["errors"] == []
    [mark] = result["marks"]
    assert (mark["side"], mark["mark_type"], mark["colour"]) == ("front", "bruise", "purple")
    assert abs(mark["x"] - 500) <= 3 and abs(mark["y"] - 262) <= 3


def test_the_keyboard_alone_adds_a_mark_moves_it_and_describes_it(widget_page):
    page = widget_page
    add = page.get_by_role("button", name="Add a mark on the back")
    add.focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Mark 1, back, middle of the back added.")
    marker = page.get_by_role("button", name="Mark 1, back, middle of the back")
    expect(marker).to_be_focused()

    page.keyboard.press("ArrowLeft")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowDown")
    expect(status).to_have_text("Mark 1, back, left buttock")
    expect(page.get_by_role("group", name="Mark 1: back, left buttock")).to_be_visible()

    page.keyboard.press("Enter")
    kind = page.get_by_role("group", name="Mark 1").get_by_label("What kind of mark")
    expect(kind).to_be_focused()
    kind.select_option("Swelling")
    result = submitted(page)
    assert result["marks"] == [
        {
            "side": "back", "x": 490, "y": 590, "mark_type": "swelling",
            "colour": "", "shape": "", "size": "", "note": "",
        }
    ]  # fmt: skip


def test_choosing_a_part_of_the_body_moves_the_mark_there(widget_page):
    page = widget_page
    click_drawing(page, "front", 500, 262)
    row = page.get_by_role("group", name="Mark 1")
    row.get_by_label("Part of the body").select_option("Left knee")
    expect(page.get_by_role("status")).to_have_text("Mark 1, front, left knee")
    row.get_by_label("What kind of mark").select_option("Cut")
    [mark] = submitted(page)["marks"]
    assert (mark["x"], mark["y"]) == bodymap.REGION_BY_KEY["front-left-knee"].centre


def test_removing_a_mark_renumbers_the_marks_after_it(widget_page):
    page = widget_page
    click_drawing(page, "front", 500, 262)
    page.get_by_role("group", name="Mark 1").get_by_label("What kind of mark").select_option("Cut")
    click_drawing(page, "back", 500, 440)
    page.get_by_role("group", name="Mark 2").get_by_label("What kind of mark").select_option("Burn")
    page.get_by_role("button", name="Remove mark 1").click()
    expect(page.get_by_role("status")).to_contain_text("Mark 1 removed. 1 mark left")
    expect(page.get_by_role("group", name="Mark 1: back, middle of the back")).to_be_visible()
    expect(page.locator('svg[data-bodymap-side="back"] [data-mark="1"]')).to_have_text("1")
    expect(page.locator("[data-mark]")).to_have_count(1)
    result = submitted(page)
    assert [(m["side"], m["mark_type"]) for m in result["marks"]] == [("back", "burn")]


def test_without_javascript_marks_are_chosen_from_lists(browser, site, settings):
    settings.ROOT_URLCONF = __name__
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site("/test-only/body-map/"))
    expect(page.get_by_role("button", name="Add a mark on the front")).to_be_hidden()
    row = page.get_by_role("group", name="Mark 2")
    row.get_by_label("Front or back").select_option("Back")
    row.get_by_label("Part of the body").select_option("Left calf")
    row.get_by_label("What kind of mark").select_option("Scratch")
    row.get_by_label("Approximate size").fill("3 cm")
    result = submitted(page)
    context.close()
    assert result["errors"] == []
    [mark] = result["marks"]
    assert (mark["side"], mark["mark_type"], mark["size"]) == ("back", "scratch", "3 cm")
    assert (mark["x"], mark["y"]) == bodymap.REGION_BY_KEY["back-left-calf"].centre


@pytest.mark.parametrize("width", [1280, PHONE["width"]], ids=["desktop", "phone"])
def test_the_body_map_has_no_axe_violations_and_fits_the_screen(widget_page, width):
    page = widget_page
    page.set_viewport_size({"width": width, "height": 800})
    click_drawing(page, "front", 500, 262)
    page.get_by_role("button", name="Add a mark on the back").click()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_mark_placed_on_add_incident_survives_a_problem_and_is_recorded(page, site, signed_in):
    school = SchoolFactory(name="Larkspur Primary")
    teacher = member(school, Role.TEACHER, email="teacher@larkspur.example")
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")
    signed_in(teacher)
    page.goto(site("/incidents/new/"))
    click_drawing(page, "front", 500, 262)
    row = page.get_by_role("group", name="Mark 1: front, upper chest")
    row.get_by_label("What kind of mark").select_option("Bruise")
    row.get_by_label("Colour").fill("purple")

    page.get_by_role("button", name="Add Incident").click()  # nothing else filled in yet
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    row = page.get_by_role("group", name="Mark 1: front, upper chest")
    expect(row.get_by_label("What kind of mark")).to_have_value("bruise")
    expect(row.get_by_label("Colour")).to_have_value("purple")
    expect(page.locator('svg[data-bodymap-side="front"] [data-mark="1"]')).to_be_visible()

    page.get_by_role("combobox", name="Pupil's name").fill("Sal")
    page.get_by_role("option", name="Sally Jones").click()
    page.get_by_label("Observation").check()
    page.get_by_label("What happened").fill("A bruise on Sally's chest, seen at lunch.")
    page.get_by_label("Physical injury").check()
    page.get_by_role("button", name="Add Incident").click()

    expect(page.get_by_text("Incident recorded.")).to_be_visible()
    table = page.get_by_role("table", name="The marks on the body map, as recorded")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Upper chest")
    expect(table).to_contain_text("purple")
    mark = BodyMapMark.objects.for_school(school).get()
    assert (mark.number, mark.side, mark.mark_type) == (1, "front", "bruise")
    assert abs(mark.x - 500) <= 3 and abs(mark.y - 262) <= 3


@pytest.mark.parametrize("width", [1280, PHONE["width"]], ids=["desktop", "phone"])
def test_the_incidents_body_map_has_no_axe_violations_and_fits_the_screen(
    page, site, signed_in, width
):
    school = SchoolFactory(name="Larkspur Primary")
    teacher = member(school, Role.TEACHER, email="teacher@larkspur.example")
    marks = [
        Mark(side="front", x=500, y=262, mark_type="bruise", colour="purple", size="2 cm"),
        Mark(side="back", x=252, y=625, mark_type="scratch", note="said it was the cat"),
    ]
    incident = record_test_incident(teacher.memberships.get(), marks=marks)
    signed_in(teacher)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site(f"/incidents/{incident.pk}/"))
    expect(page.get_by_role("img", name="Body map, front")).to_be_visible()
    expect(page.get_by_role("img", name="Body map, back")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
