"""Crafted autosaves that hold nothing worth keeping: none of them may start a draft, so
the author's "Carry on writing" list can't be filled with empty drafts."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Category, Draft
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

SAVE = reverse("incidents:draft-save")


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"pupil_query": "Sally", "link_query": "Amira", "people_query": "Terry"},
        {"text": " \t\r\n ", "location": "   "},
        {"pupil": "abc", "link_pupil": ["-1", "0"], "categories": ["x"]},
        {"pupil": str(2**70), "people": ["99999999"], "dsl_spoken_to": "99999999"},
        {"mark-1-side": " ", "mark-1-note": ""},
        {"mark-1": "front", "marks": "1", "mark-1-2-note": "x"},
        {"kind": "conversation", "spoke_to_dsl": "yes", "occurred_on": "2026-01-01"},
        {"unknown_field": "Sally said", "intent": "submit", "csrfmiddlewaretoken": "x"},
    ],
    ids=[
        "nothing",
        "only-searches",
        "only-whitespace",
        "ids-that-are-not-ids",
        "ids-that-do-not-exist",
        "blank-mark",
        "mark-like-names",
        "only-defaults",
        "words-in-fields-the-form-does-not-have",
    ],
)
def test_an_autosave_with_nothing_worth_keeping_starts_no_draft(client_as, midday, school, fields):
    response = client_as(midday).post(SAVE, {"submit_key": str(uuid.uuid4()), **fields})
    assert response.status_code == 200
    assert response.json() == {"kept": False}
    assert not Draft.objects.for_school(school).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DRAFT_STARTED).exists()


def test_a_flood_of_empty_autosaves_under_new_keys_starts_no_draft(client_as, midday, school):
    client = client_as(midday)
    for _ in range(30):
        client.post(SAVE, {"submit_key": str(uuid.uuid4()), "pupil_query": "Sa"})
    assert not Draft.objects.for_school(school).exists()


def test_another_schools_choices_alone_start_no_draft(client_as, midday, school, other_school):
    pupil = PupilFactory(school=other_school)
    client_as(midday).post(
        SAVE,
        {
            "submit_key": str(uuid.uuid4()),
            "pupil": str(pupil.pk),
            "link_pupil": [str(pupil.pk)],
            "categories": [str(Category.objects.for_school(other_school).first().pk)],
            "people": [str(other_school_member(other_school).pk)],
        },
    )
    assert not Draft.objects.for_school(school).exists()
    assert not Draft.objects.for_school(other_school).exists()


def other_school_member(other_school):
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.tests.factories import member

    return member(other_school, Role.TEACHER, email="far@fernhill.example").memberships.get()


def test_an_empty_form_arriving_after_the_session_ended_keeps_no_draft(client_as, midday, school):
    """The idle-timeout path (accounts.sessions) keeps a form in flight as a draft; an
    empty one is not kept, and the sign-in page doesn't claim it was."""
    client = client_as(midday)
    client.get(reverse("incidents:incident-add"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=25)):
        response = client.post(
            reverse("incidents:incident-add"),
            {"submit_key": str(uuid.uuid4()), "pupil_query": "Sal", "intent": "submit"},
        )
    assert response["Location"].startswith(reverse("account_login"))
    assert not Draft.objects.for_school(school).exists()
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "kept as a draft" not in said
