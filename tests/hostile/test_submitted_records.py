"""A submitted record can't be changed, and submitting it twice records it once.

No URL and no method edits or deletes a submitted incident, its actions or files; the same
incident or action sent twice (or in a race, or with a key someone else used) is stored once,
and a draft can't be revived once its incident is submitted.
"""

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.incidents.models import Action, Incident
from tests.hostile.helpers import ADD, KWARGS_OF, action_data, incident_data, membership, recorded
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db


# Editing or deleting a submitted incident --------------------------------------------------
# No URL and no method changes a submitted incident, its actions or files.

RECORD_ROUTES = [
    "incidents:incident-detail",
    "incidents:incident-print",
    "incidents:action-add",
    "incidents:attachment-download",
    "incidents:incident-recategorise",
    "incidents:incident-move",
    "incidents:incident-withdraw",
    "incidents:incident-status",
    "incidents:incident-report-mistake",
]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url_name", RECORD_ROUTES)
def test_put_patch_and_delete_on_any_incident_url_are_refused(
    url_name, method, submitted, client_as, dsl
):
    url = KWARGS_OF[url_name].url(submitted)
    before = snapshot()
    response = getattr(client_as(dsl), method)(
        url, "text=Rewritten&pupil=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 405
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "url_name",
    ["incidents:incident-detail", "incidents:incident-print", "incidents:attachment-download"],
)
def test_posting_new_text_to_a_read_only_incident_url_is_refused(
    url_name, submitted, client_as, dsl
):
    before = snapshot()
    response = client_as(dsl).post(
        KWARGS_OF[url_name].url(submitted), {"text": "Rewritten.", "location": "Nowhere"}
    )
    assert response.status_code == 405
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/{incident_id}/edit/",
        "/incidents/{incident_id}/delete/",
        "/incidents/{incident_id}/update/",
        "/incidents/{incident_id}/files/{attachment_id}/delete/",
        "/operator-admin/incidents/incident/{incident_id}/change/",
        "/operator-admin/incidents/incident/{incident_id}/delete/",
    ],
)
def test_guessed_edit_and_delete_urls_do_not_exist(path, submitted, client_as, dsl):
    before = snapshot()
    client = client_as(dsl)
    url = path.format(**submitted)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Rewritten.", "post": "yes"}).status_code == 404
    assert changes(before, snapshot()) == {}


# Double submits ----------------------------------------------------------------------------


def test_the_same_incident_submitted_twice_is_recorded_once(client_as, teacher, pupil, school):
    client = client_as(teacher)
    data = incident_data(school, pupil)
    first = client.post(ADD, data)
    second = client.post(ADD, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.for_school(school).count() == 1
    assert AuditEvent.objects.filter(action="incident_recorded").count() == 1


def test_a_submit_that_loses_the_race_returns_the_winners_incident(
    client_as, teacher, pupil, school, monkeypatch
):
    """Two requests with one key at the same moment: both pass the "already recorded?"
    check; the database's unique key lets one insert win and the other returns it."""
    from safeguard.incidents.services import recording, submitting

    data = incident_data(school, pupil)
    client = client_as(teacher)
    assert client.post(ADD, data).status_code == 302
    real = submitting.submitted_before
    calls = []

    def first_look_misses(model, **lookup):
        calls.append(lookup["submit_key"])
        return None if len(calls) == 1 else real(model, **lookup)

    monkeypatch.setattr(submitting, "submitted_before", first_look_misses)
    # The view's own early look (a retry lands on the incident) misses too: both racers
    # got past it before either had written.
    monkeypatch.setattr(recording, "submitted_earlier", lambda **_: None)
    before = snapshot()
    response = client.post(ADD, data)
    assert response.status_code == 302
    assert len(calls) == 2  # the insert failed on the unique key, and the winner was found
    assert changes(before, snapshot()) == {}


def test_the_same_action_submitted_twice_is_added_once(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    client = client_as(teacher)
    data = action_data()
    url = reverse("incidents:action-add", args=[incident.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Action.objects.for_school(school).filter(incident=incident).count() == 1


def test_an_action_key_reused_on_another_incident_adds_nothing(client_as, teacher, school):
    first = recorded(membership(teacher, school))
    second = recorded(membership(teacher, school))
    client = client_as(teacher)
    data = action_data()
    client.post(reverse("incidents:action-add", args=[first.pk]), data)
    before = snapshot()
    response = client.post(reverse("incidents:action-add", args=[second.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This form was already used. Reload the page to add a new action."
    ]
    assert changes(before, snapshot()) == {}


def test_an_action_key_reused_by_someone_else_adds_nothing(client_as, teacher, dsl, school):
    incident = recorded(membership(teacher, school))
    data = action_data()
    url = reverse("incidents:action-add", args=[incident.pk])
    client_as(teacher).post(url, data)
    before = snapshot()
    response = client_as(dsl).post(url, {**data, "text": "Overwritten."})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This form was already used. Reload the page to add a new action."
    ]
    assert changes(before, snapshot()) == {}


def test_a_draft_cannot_be_revived_after_its_incident_is_submitted(
    client_as, teacher, pupil, school
):
    client = client_as(teacher)
    data = incident_data(school, pupil)
    client.post(ADD, data)
    before = snapshot()
    response = client.post(reverse("incidents:draft-save"), {**data, "text": "Rewritten."})
    assert response.status_code == 400
    assert response.json() == {"error": "This incident has already been submitted."}
    assert changes(before, snapshot()) == {}
