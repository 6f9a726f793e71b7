"""The body map input on the Add Incident form, as `bodymap_tags` lays it out."""

from html.parser import HTMLParser

from django.http import QueryDict
from django.template.loader import render_to_string

from safeguard.incidents.services import bodymap
from safeguard.incidents.tests.views.test_incidents import markers


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
