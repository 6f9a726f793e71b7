"""The body map as people see it: on the incident, in print, and on the Add Incident form."""

import re
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from safeguard.incidents.models import BodyMapMark
from safeguard.incidents.services import bodymap
from safeguard.incidents.services.bodymap import Mark
from safeguard.incidents.tests.factories import record_test_incident

pytestmark = pytest.mark.django_db

BRUISE = Mark(side="front", x=500, y=260, mark_type="bruise", colour="purple", size="2 cm")
CUT = Mark(side="back", x=252, y=625, mark_type="cut", shape="a straight line")


def markers(html: str, side: str) -> list[tuple[str, str, str]]:
    """(number, x, y) of each numbered marker drawn on one side's outline."""
    svg = re.search(rf"<svg[^>]*>\s*<title>Body map, {side}</title>.*?</svg>", html, re.S)
    assert svg, f"no {side} outline"
    found = re.findall(r'<text x="(\d+)" y="(\d+)"[^>]*>(\d+)</text>', svg.group(0))
    return [(number, x, y) for x, y, number in found]


def open_incident(client, incident) -> str:
    response = client.get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


# On the incident --------------------------------------------------------------------------


def test_incident_shows_each_mark_numbered_on_its_side_of_the_body(
    client_as, teacher, membership_of
):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    html = open_incident(client_as(teacher), incident)
    assert markers(html, "front") == [("1", "500", "260")]
    assert markers(html, "back") == [("2", "252", "625")]


def test_incident_lists_the_marks_in_a_table_as_the_drawings_equivalent(
    client_as, teacher, membership_of
):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    html = open_incident(client_as(teacher), incident)
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("bodymap__table")[1], re.S)
    cells = [re.findall(r'<td data-label="[^"]+">(.*?)</td>', row, re.S) for row in rows[1:]]
    assert cells == [
        ["<strong>1</strong>", "Front", "Upper chest", "Bruise", "purple", "—", "2 cm", "—"],
        [
            "<strong>2</strong>",
            "Back",
            "Back of the left hand",
            "Cut",
            "—",
            "a straight line",
            "—",
            "—",
        ],
    ]


def test_marks_text_is_shown_as_text_not_markup(client_as, teacher, membership_of):
    script = Mark(
        side="front", x=500, y=500, mark_type="other",
        colour="<b>red</b>", shape='"><svg onload=alert(1)>', size="<i>", note="<script>alert(1)</script>",
    )  # fmt: skip
    incident = record_test_incident(membership_of(teacher), marks=[script])
    html = open_incident(client_as(teacher), incident)
    assert "<script>alert(1)" not in html
    assert "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;red&lt;/b&gt;" in html


def test_an_incident_without_marks_shows_no_body_map(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    html = open_incident(client_as(teacher), incident)
    assert "Body map, front" not in html


def test_the_print_view_shows_the_body_map(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher), marks=[BRUISE])
    response = client_as(teacher).get(reverse("incidents:incident-print", args=[incident.pk]))
    html = response.content.decode()
    assert markers(html, "front") == [("1", "500", "260")]
    assert "Upper chest" in html


def test_the_drawing_needs_nothing_from_outside_the_page_to_make_a_pdf(teacher, membership_of):
    import weasyprint

    incident = record_test_incident(membership_of(teacher), marks=[BRUISE, CUT])
    marks = BodyMapMark.objects.for_school(incident.school).filter(incident=incident)
    html = render_to_string("incidents/includes/body_map_display.html", {"marks": marks})
    fetched = []

    def refuse(url, *args, **kwargs):
        fetched.append(url)
        raise ValueError("the body map must not fetch anything")

    document = weasyprint.HTML(string=f"<html><body>{html}</body></html>", url_fetcher=refuse)
    pdf = document.write_pdf()
    assert fetched == []
    assert pdf.startswith(b"%PDF")


# On the Add Incident form ------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The values a browser would post from the rendered inputs and selects."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.labels: set[str] = set()
        self.ids: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self.labels.add(a.get("for", ""))
        if tag == "input" and a.get("type") != "checkbox":
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.values[self._select] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def render_input(data=None) -> str:
    return render_to_string(
        "incidents/includes/body_map_input.html",
        {"mark_rows": bodymap.mark_rows_for_form(data), "csp_nonce": "n"},
    )


def fields_of(html: str) -> _FormFields:
    parser = _FormFields()
    parser.feed(html)
    return parser


def test_a_new_form_offers_empty_rows_to_describe_marks_without_the_drawing():
    html = render_input()
    values = fields_of(html).values
    for n in range(1, bodymap.SPARE_ROWS + 1):
        assert values[f"mark-{n}-side"] == ""
        assert values[f"mark-{n}-region"] == ""
        assert values[f"mark-{n}-type"] == ""
    assert f"mark-{bodymap.SPARE_ROWS + 1}-side" not in values
    assert bodymap.parse_marks(QueryDict()) == ([], [])


def test_every_field_of_the_form_has_a_label_and_a_unique_id():
    parser = fields_of(render_input(QueryDict("mark-1-region=front-face&mark-1-type=cut")))
    assert len(parser.ids) == len(set(parser.ids))
    inputs = {f"id_{name}" for name in parser.values if not name.endswith(("-x", "-y"))}
    assert inputs <= parser.labels


def test_the_form_shown_again_keeps_each_mark_and_posts_it_unchanged():
    data = QueryDict(mutable=True)
    data.update(
        {
            "mark-1-side": "front", "mark-1-x": "470", "mark-1-y": "250", "mark-1-type": "bruise",
            "mark-1-colour": "purple & yellow", "mark-1-note": 'said "it was the door"',
            "mark-2-region": "back-left-calf", "mark-2-type": "scratch", "mark-2-size": "3 cm",
        }
    )  # fmt: skip
    again = fields_of(render_input(data)).values
    assert again["mark-1-colour"] == "purple & yellow"
    assert again["mark-1-region"] == "front-upper-chest"
    assert again["mark-2-side"] == "back"
    assert bodymap.parse_marks(again) == bodymap.parse_marks(data)


def test_the_form_shown_again_puts_each_message_beside_its_mark():
    html = render_input(QueryDict("mark-1-side=front&mark-1-region=front-face&mark-1-colour=red"))
    message = "Mark 1: choose what kind of mark it is."
    assert message in html
    assert 'aria-describedby="mark-1-type-error"' in html
    assert 'id="mark-1-type-error"' in html


def test_the_form_shown_again_draws_the_marks_already_placed():
    html = render_input(QueryDict("mark-1-side=back&mark-1-x=300&mark-1-y=400&mark-1-type=cut"))
    assert markers(html, "back") == [("1", "300", "400")]
    assert markers(html, "front") == []


def test_the_form_shows_typed_text_as_text():
    html = render_input(QueryDict("mark-1-region=front-face&mark-1-note=%22%3E%3Cscript%3Ex"))
    assert "<script>x" not in html
    assert "&quot;&gt;&lt;script&gt;x" in html
