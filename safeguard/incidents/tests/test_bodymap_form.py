"""Mistakes in the body map on the Add Incident form, posted without JavaScript."""

import pytest
from django.urls import reverse

from safeguard.incidents.models import BodyMapMark, Draft, Incident
from safeguard.incidents.tests.test_recording_views import SALLY_TEXT, form_data
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

ADD = reverse("incidents:incident-add")


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def post_mark(client, school, pupil, **mark):
    data = form_data(school, pupil, **{f"mark-1-{k}": v for k, v in mark.items()})
    return client.post(ADD, data)


def test_a_front_part_chosen_for_the_back_is_explained_next_to_the_mark(
    client_as, midday, school, sally
):
    response = post_mark(
        client_as(midday), school, sally, side="back", region="front-right-ear", type="bruise"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Right ear” is on the front of the body" in page
    assert 'id="mark-1-region-error"' in page
    # Everything typed is kept: the account, the pupil, the categories and the mark itself.
    assert SALLY_TEXT.split("'")[0] in page and "Chosen: <strong>Sally Jones</strong>" in page
    assert response.context["form"]["categories"].value() == form_data(school, sally)["categories"]
    assert response.context["form"]["groups"].value() == form_data(school, sally)["groups"]
    assert '<option value="front-right-ear" selected>' in page
    assert '<option value="bruise" selected>' in page
    assert not Incident.objects.for_school(school).exists()
    assert not BodyMapMark.objects.for_school(school).exists()


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        ({"side": "back", "x": "abc", "y": "1", "type": "cut"}, "place on the drawing"),
        ({"side": "front", "x": "2000", "y": "5", "type": "cut"}, "place on the drawing"),
        ({"side": "front", "region": "front-elbow-of-doom", "type": "cut"}, "from the list"),
        ({"region": "nowhere", "type": "cut"}, "from the list"),
        ({"side": "sideways", "region": "back-left-calf", "type": "cut"}, "front or the back"),
        ({"side": "", "x": "500", "y": "500", "type": "cut"}, "front or the back"),
        ({"side": "front", "type": "burn", "colour": "red"}, "choose the part of the body"),
        ({"side": "front", "region": "front-face", "type": "punch"}, "what kind of mark"),
        ({"side": "front", "region": "front-face", "type": "cut", "note": "x" * 501}, "500"),
    ],
)
def test_every_kind_of_mistake_in_a_mark_is_shown_not_a_crash(
    client_as, midday, school, sally, mark, message
):
    response = post_mark(client_as(midday), school, sally, **mark)
    assert response.status_code == 200
    assert any(message in text for _, text in response.context["error_summary"])
    assert message in response.content.decode()
    assert not Incident.objects.for_school(school).exists()


def test_a_draft_holding_a_wrong_part_of_the_body_opens_with_its_message(
    client_as, midday, school, sally
):
    data = form_data(school, sally, **{"mark-1-side": "back", "mark-1-region": "front-right-ear"})
    client = client_as(midday)
    client.post(reverse("incidents:draft-save"), data)
    draft = Draft.objects.for_school(school).get()
    response = client.get(reverse("incidents:draft-resume", args=[draft.pk]))
    assert response.status_code == 200
    assert "is on the front of the body" in response.content.decode()
