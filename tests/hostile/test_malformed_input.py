"""Damaged, oversized, impossible and malformed input: a specific message, never an error.

NUL bytes and invalid UTF-8 in every field of every form; huge, empty, control-character and
damaged text; future and impossible dates; body-map marks off the drawing or with a part of the other side; overflowing, zero,
negative and malformed ids in URLs; odd page numbers and audit filters; huge and NUL-holding
searches.
"""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.hostile.helpers import (
    ADD,
    OBJECT_ROUTES,
    action_data,
    errors_of,
    html,
    incident_data,
    membership,
    recorded,
)
from tests.hostile.state import changes, snapshot
from tests.routes import OURS, fetch

pytestmark = pytest.mark.django_db


def _form_field_names(response) -> set[str]:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return set()
    if response.streaming:
        return set()
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"', html(response)))
    return names - {"csrfmiddlewaretoken"}


FORM_ROUTES = [route for route in OURS if route.name]


@pytest.mark.parametrize("route", FORM_ROUTES, ids=str)
def test_null_bytes_in_every_field_of_every_form_never_cause_an_error(
    route, dsl, client_as, ids_for
):
    """Every field the page shows (and a few it doesn't) gets a NUL byte: never a 500."""
    client = client_as(dsl)
    url = route.url(ids_for(dsl))
    page = client.get(url)
    fields = _form_field_names(page)
    fields |= {"text", "name", "q", "term", "reason", "note", "submit_key", "school"}
    response = client.post(url, {name: "a\x00b" for name in fields})
    assert response.status_code < 500


@pytest.mark.parametrize("route", FORM_ROUTES, ids=str)
def test_invalid_utf8_in_every_form_never_causes_an_error(route, dsl, client_as, ids_for):
    client = client_as(dsl)
    url = route.url(ids_for(dsl))
    page = client.get(url)
    fields = _form_field_names(page)
    fields |= {"text", "name", "q", "term", "reason", "note"}
    body = "&".join(f"{name}=%FF%FE%C0%AF%ED%A0%80" for name in sorted(fields))
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("changes_", "message"),
    [
        pytest.param(
            {"text": "a\x00b"},
            "This contains a null character, which usually means it was pasted from a damaged "
            "file. Please retype that part.",
            id="nul-in-text",
        ),
        pytest.param(
            {"text": "broken \ufffd text"},
            "The text contains characters that couldn't be read (shown as �). "
            "Please retype the part you pasted.",
            id="replacement-character-in-text",
        ),
        pytest.param(
            {"text": "x" * 200_000},
            "This is 200,000 characters long; the limit is 100,000. "
            "Attach a longer document as a file instead.",
            id="200000-characters",
        ),
        pytest.param(
            {"text": "   \n\t  "}, "Write what happened: this can't be empty.", id="only-spaces"
        ),
        pytest.param(
            {"text": "bell \x07 and escape \x1b[2J"},
            "The text contains invisible control characters. Please retype the part you pasted.",
            id="control-characters",
        ),
        pytest.param(
            {"location": "Hall\u202eeht ni"},
            "Places cannot contain invisible direction-control characters.",
            id="rtl-override-in-location",
        ),
        pytest.param(
            {"location": "x" * 201},
            "Keep this to 200 characters (it has 201).",
            id="long-location",
        ),
        pytest.param(
            {"occurred_on": "2099-01-01"},
            None,  # the message names the current time
            id="future-date",
        ),
        pytest.param(
            {"occurred_on": "1999-02-30"},
            "Enter a real date, for example 14/03/2025.",
            id="impossible-date",
        ),
        pytest.param(
            {"occurred_on": "2010-01-01"},
            "This date is before the pupil was born.",
            id="before-birth",
        ),
        pytest.param(
            {"occurred_time": "25:61"},
            "Enter a real time, for example 12:45.",
            id="impossible-time",
        ),
        pytest.param(
            {"categories": []},
            "Choose at least one category. If unsure, choose the nearest one.",
            id="no-category",
        ),
        pytest.param(
            {"submit_key": "not-a-key"},
            "This form has expired: start a new incident.",
            id="forged-submit-key",
        ),
        pytest.param(
            {
                "mark-1-side": "front",
                "mark-1-x": "-5",
                "mark-1-y": "99999999999999999999",
                "mark-1-type": "bruise",
            },
            "Mark 1: its place on the drawing isn't valid. Choose the part of the body.",
            id="body-map-off-the-drawing",
        ),
        pytest.param(
            {"mark-1-side": "inside", "mark-1-x": "5", "mark-1-y": "5", "mark-1-type": "bruise"},
            "Mark 1: choose whether the mark is on the front or the back.",
            id="body-map-unknown-side",
        ),
        pytest.param(
            {"mark-21-side": "front", "mark-21-x": "5", "mark-21-y": "5", "mark-21-type": "cut"},
            "A body map holds up to 20 marks. Describe any others in the account.",
            id="body-map-too-many-marks",
        ),
    ],
)
def test_bad_input_when_recording_gets_its_own_message_and_records_nothing(
    changes_, message, client_as, teacher, pupil, school
):
    before = snapshot()
    response = client_as(teacher).post(ADD, incident_data(school, pupil, **changes_))
    assert response.status_code == 200
    shown = errors_of(response)
    if message is None:
        assert any(m.startswith("The time it happened can't be in the future") for m in shown)
    else:
        assert message in shown
    assert changes(before, snapshot()) == {}
    if "text" in changes_ and len(changes_["text"]) == 200_000:
        assert response.context["form"]["text"].value() == changes_["text"]  # nothing lost


def test_an_action_dated_in_the_future_is_refused(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    future = timezone.localtime() + datetime.timedelta(days=2)
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(occurred_at=f"{future:%Y-%m-%dT%H:%M}"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"]
    assert changes(before, snapshot()) == {}


def test_an_action_of_200000_characters_is_refused_with_the_limit(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]), action_data(text="y" * 200_000)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == [
        "This is 200000 characters long; the limit is 100000. "
        "Attach a longer document as a file instead."
    ]
    assert changes(before, snapshot()) == {}


OVERFLOW_IDS = {"huge": 2**63, "beyond-64-bits": 2**70, "zero": 0}


@pytest.mark.parametrize("value", OVERFLOW_IDS.values(), ids=OVERFLOW_IDS.keys())
@pytest.mark.parametrize("route", [r for r in OBJECT_ROUTES if "key" not in r.kwargs], ids=str)
def test_an_overflowing_or_zero_id_in_a_url_is_a_404_not_an_error(
    route, value, dsl, client_as, ids_for
):
    mine = ids_for(dsl)
    url = route.url({**mine, route.kwargs[-1]: value})
    assert fetch(client_as(dsl), url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/-1/",
        "/incidents/1.0/",
        "/incidents/0x1/",
        "/pupils/-5/",
        "/incidents/\uff11/",  # a full-width digit one
        "/incidents/1%00/",
    ],
)
def test_a_malformed_id_in_a_url_is_a_404(path, client_as, dsl):
    assert client_as(dsl).get(path).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "999999999999999999999", "1e3", "%00", "last"])
@pytest.mark.parametrize(
    "url_name",
    [
        "incidents:incident-list",
        "incidents:alert-list",
        "incidents:assignment-list",
        "pupils:pupil-list",
    ],
)
def test_an_odd_page_number_on_a_list_is_never_an_error(url_name, page, client_as, dsl):
    response = client_as(dsl).get(reverse(url_name), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"from": "9999-99-99"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2026-01-02", "to": "2026-01-01"},
        {"person": "-1"},
        {"person": "99999999999999999999999"},
        {"action": "'; DROP TABLE audit_auditevent; --"},
    ],
)
def test_an_odd_audit_filter_gets_a_message_not_an_error(query, client_as, dsl):
    response = client_as(dsl).get(reverse("audit:trail"), query)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_null_byte_in_a_draft_field_name_is_no_error(client_as, teacher, school):
    response = client_as(teacher).post(
        reverse("incidents:draft-save"),
        {"submit_key": str(uuid.uuid4()), "te\x00xt": "hello", "text": "ok"},
    )
    assert response.status_code in (200, 400)


def test_a_huge_staff_search_term_is_answered_without_error(client_as, teacher):
    response = client_as(teacher).post(
        reverse("incidents:staff-search"), {"term": " ".join(["x" * 50_000] * 8)}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        pytest.param("incidents:pupil-search", {"term": "Sal\x00ly"}, id="pupil-suggestions"),
        pytest.param("incidents:staff-search", {"term": "Ter\x00ry"}, id="staff-suggestions"),
        pytest.param(
            "incidents:incident-add",
            {"intent": "search-pupil", "pupil_query": "Sa\x00l"},
            id="add-incident-pupil-search",
        ),
        pytest.param(
            "incidents:incident-add",
            {"intent": "search-people", "people_query": "Te\x00r"},
            id="add-incident-people-search",
        ),
    ],
)
def test_a_null_byte_in_a_type_ahead_search_is_no_error(url_name, data, client_as, dsl, pupil):
    response = client_as(dsl).post(reverse(url_name), data)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("side", "region", "message"),
    [
        pytest.param(
            "back",
            "front-right-ear",
            "“Right ear” is on the front of the body: choose the front, or a part of the back.",
            id="front-part-on-the-back",
        ),
        pytest.param(
            "front",
            "back-lower-back",
            "“Lower back” is on the back of the body: choose the back, or a part of the front.",
            id="back-part-on-the-front",
        ),
    ],
)
def test_a_body_part_on_the_wrong_side_is_explained_next_to_the_mark_and_nothing_is_lost(
    side, region, message, client_as, teacher, pupil, school
):
    """Without JavaScript a row's side and part are chosen separately, so they can disagree:
    the form comes back with the message beside that mark's part, everything typed kept."""
    before = snapshot()
    data = incident_data(
        school,
        pupil,
        text="Sally said her brother pushed her into the door.",
        **{
            "mark-1-side": side,
            "mark-1-region": region,
            "mark-1-type": "bruise",
            "mark-1-colour": "purple and yellowish",
            "mark-1-note": "She said it was the door handle",
        },
    )
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 200
    page = html(response)
    assert f'<p class="errorlist" id="mark-1-region-error">Mark 1: {message}</p>' in page
    assert f"Mark 1: {message}" in errors_of(response)
    # What was typed comes back: the account, the mark's choices and its description.
    assert response.context["form"]["text"].value() == data["text"]
    assert f'<option value="{side}" selected>' in page
    assert f'<option value="{region}" selected>' in page
    assert '<option value="bruise" selected>' in page
    assert 'value="purple and yellowish"' in page
    assert 'value="She said it was the door handle"' in page
    assert changes(before, snapshot()) == {}
