"""Drafts as the author meets them (`views/drafts.py`): the autosave, the buttons, the
dashboard, and a form kept as a draft when the session ends as it is submitted."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Category, Draft, Incident
from safeguard.incidents.services import drafts
from safeguard.incidents.tests.views.test_recording import SALLY_TEXT, form_data
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


SAVE = reverse("incidents:draft-save")


ADD = reverse("incidents:incident-add")


def fresh_form(**typed) -> dict:
    """What a new Add Incident page posts before the author has written or chosen anything."""
    now = timezone.localtime()
    return {
        "submit_key": str(uuid.uuid4()),
        "pupil": "",
        "pupil_query": "",
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "spoke_to_dsl": "no",
        "text": "",
        "location": "",
        "link_query": "",
        "people_query": "",
        **typed,
    }


def test_typing_in_the_pupil_search_alone_keeps_no_draft(client_as, midday, school):
    response = client_as(midday).post(SAVE, fresh_form(pupil_query="Sal"))
    assert response.status_code == 200
    assert response.json()["kept"] is False
    assert not Draft.objects.for_school(school).exists()


def test_visiting_add_incident_again_and_again_keeps_no_drafts(client_as, midday, school):
    client = client_as(midday)
    for _ in range(3):
        client.get(ADD)
        client.post(SAVE, fresh_form(pupil_query="Sa", link_query="Am", people_query="Te"))
    assert not Draft.objects.for_school(school).exists()
    assert "Carry on writing" not in client.get(reverse("dashboard")).content.decode()


def test_blank_text_is_not_worth_keeping(client_as, midday, school):
    client_as(midday).post(SAVE, fresh_form(text="   \n  ", location=" "))
    assert not Draft.objects.for_school(school).exists()


@pytest.mark.parametrize("field", ["text", "location"])
def test_written_words_start_a_draft(client_as, midday, school, field):
    response = client_as(midday).post(SAVE, fresh_form(**{field: "She said"}))
    assert response.json()["kept"] is True
    assert Draft.objects.for_school(school).get().data[field] == ["She said"]


def test_a_chosen_pupil_starts_a_draft(client_as, midday, school):
    sally = PupilFactory(school=school)
    client_as(midday).post(SAVE, fresh_form(pupil=str(sally.pk)))
    assert Draft.objects.for_school(school).get().data["pupil"] == [str(sally.pk)]


def test_a_chosen_category_starts_a_draft(client_as, midday, school):
    chosen = Category.objects.for_school(school).first()
    client_as(midday).post(SAVE, fresh_form(categories=[str(chosen.pk)]))
    assert Draft.objects.for_school(school).count() == 1


def test_a_mark_on_the_body_map_starts_a_draft(client_as, midday, school):
    client_as(midday).post(SAVE, fresh_form(**{"mark-1-side": "front", "mark-1-x": "500"}))
    assert Draft.objects.for_school(school).count() == 1


def test_another_schools_pupil_is_not_a_chosen_pupil(client_as, midday, school, other_school):
    theirs = PupilFactory(school=other_school)
    client_as(midday).post(SAVE, fresh_form(pupil=str(theirs.pk), link_pupil=[str(theirs.pk)]))
    assert not Draft.objects.for_school(school).exists()


def test_saving_the_same_form_again_updates_its_one_draft(client_as, midday, school):
    client = client_as(midday)
    form = fresh_form(text="She said")
    client.post(SAVE, form)
    client.post(SAVE, {**form, "text": "She said she was scared"})
    assert Draft.objects.for_school(school).get().data["text"] == ["She said she was scared"]


def test_an_existing_draft_emptied_by_its_author_is_kept_as_it_now_stands(
    client_as, midday, school
):
    client = client_as(midday)
    form = fresh_form(text="She said")
    client.post(SAVE, form)
    response = client.post(SAVE, {**form, "text": ""})
    assert response.json()["kept"] is True
    assert Draft.objects.for_school(school).get().data["text"] == [""]


def test_save_draft_button_on_an_empty_form_keeps_nothing_and_says_so(client_as, midday, school):
    response = client_as(midday).post(ADD, fresh_form(intent="save-draft"), follow=True)
    assert not Draft.objects.for_school(school).exists()
    assert "Nothing to save yet" in response.content.decode()


def test_starting_a_draft_is_audited_once_without_its_text(client_as, midday, school):
    client = client_as(midday)
    form = fresh_form(text="Sally said a secret thing")
    client.post(SAVE, form)
    client.post(SAVE, {**form, "text": "Sally said a secret thing again"})
    draft = Draft.objects.for_school(school).get()
    [event] = AuditEvent.objects.filter(action=AuditAction.DRAFT_STARTED)
    assert (event.actor, event.school, event.target_id) == (midday, school, str(draft.pk))
    assert "secret" not in str(event.detail)


def test_discarding_a_draft_is_audited(client_as, midday, school):
    draft = drafts.save_draft(
        membership=midday.memberships.get(), submit_key=uuid.uuid4(), data={"text": ["x"]}
    )
    client_as(midday).post(reverse("incidents:draft-discard", args=[draft.pk]))
    [event] = AuditEvent.objects.filter(action=AuditAction.DRAFT_DISCARDED)
    assert (event.actor, event.target_id) == (midday, str(draft.pk))
    assert not Draft.objects.for_school(school).exists()


def test_the_dashboard_offers_to_discard_each_draft(client_as, midday, school):
    first = Draft.objects.create(school=school, author=midday, data={"text": ["a"]})
    second = Draft.objects.create(school=school, author=midday, data={"text": ["b"]})
    page = client_as(midday).get(reverse("dashboard")).content.decode()
    for draft in (first, second):
        assert reverse("incidents:draft-discard", args=[draft.pk]) in page
    assert page.count(">Discard draft<") == 2


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def test_a_submit_after_the_idle_limit_is_kept_as_the_authors_draft(
    client_as, midday, school, sally
):
    client = client_as(midday)
    client.get(reverse("incidents:incident-add"))
    data = form_data(school, sally)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=25)):
        response = client.post(reverse("incidents:incident-add"), data)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Incident.objects.for_school(school).exists()
    draft = Draft.objects.for_school(school).get(author=midday)
    assert str(draft.submit_key) == data["submit_key"]
    assert draft.data["text"] == [SALLY_TEXT]
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "kept as a draft" in said


def test_an_idle_timeout_on_another_page_keeps_nothing_and_says_so_honestly(
    client_as, midday, school
):
    client = client_as(midday)
    client.get(reverse("dashboard"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=25)):
        response = client.get(reverse("incidents:incident-list"))
    assert not Draft.objects.for_school(school).exists()
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "20 minutes without activity" in said
    assert "kept as a draft" not in said
