"""Another school's ids, a colleague's records and searches that reach past the school.

Each keyword of each URL, in turn, names another school's object (or a colleague's record,
alert or draft): the answer is the 404 a missing id gets, byte for byte. Suggestions,
searches, filters and lists never offer what belongs to another school; a draft stuffed with
another school's ids and a follow-up link naming someone else's task show none of it; a DSL
demoted mid-session loses the DSL's pages on the next click.
"""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.permissions import Role, capabilities_of
from safeguard.accounts.tests.factories import MembershipFactory, member
from safeguard.incidents import links
from safeguard.incidents.models import Action, Alert, Draft
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.helpers import (
    LET_IN,
    OBJECT_ROUTES,
    action_data,
    assert_nothing_from_elsewhere,
    html,
    incident_data,
    membership,
    missing_value,
    recorded,
)
from tests.hostile.state import changes, comparable, snapshot
from tests.routes import fetch

pytestmark = pytest.mark.django_db


# IDOR on object URLs -----------------------------------------------------------------------
# Each keyword of each URL, in turn, names the other school's object while the rest name
# the asker's own: the answer is the 404 a missing id gets, byte for byte, and nothing changes.


IDOR_CASES = [
    pytest.param(route, kwarg, id=f"{route}-{kwarg}")
    for route in OBJECT_ROUTES
    for kwarg in route.kwargs
]


@pytest.mark.parametrize(("route", "kwarg"), IDOR_CASES)
def test_another_schools_id_gets_the_same_404_as_a_missing_one(
    route, kwarg, dsl, client_as, ids_for, ids_elsewhere
):
    client = client_as(dsl)
    mine = ids_for(dsl)
    before = snapshot()

    theirs = fetch(client, route.url({**mine, kwarg: ids_elsewhere[kwarg]}))
    missing = fetch(client, route.url({**mine, kwarg: missing_value(kwarg)}))

    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs) == comparable(missing)
    assert changes(before, snapshot()) == {}
    # The control: the same URL with the asker's own ids is not a 404.
    assert fetch(client, route.url(mine)).status_code in LET_IN


# A colleague's incident (not alerted to me), its action, file and alerts, and their draft:
# to a member of staff these don't exist.
STAFF_OBJECT_ROUTES = [
    route
    for route in OBJECT_ROUTES
    if route.capability is not None and route.capability in capabilities_of(Role.TEACHER)
]


@pytest.mark.parametrize("route", STAFF_OBJECT_ROUTES, ids=str)
def test_a_colleagues_record_is_a_404_identical_to_a_missing_one_for_staff(
    route, teacher, client_as, ids_here
):
    client = client_as(teacher)
    before = snapshot()

    colleagues = fetch(client, route.url(ids_here))
    missing = fetch(client, route.url({k: missing_value(k) for k in ids_here}))

    assert colleagues.status_code == missing.status_code == 404
    assert comparable(colleagues) == comparable(missing)
    assert "Sally said she was sad." not in html(colleagues)
    assert changes(before, snapshot()) == {}


PERSONAL_ROUTES = [
    route for route in OBJECT_ROUTES if {"alert_id", "key", "draft_id"} & set(route.kwargs)
]


@pytest.mark.parametrize("route", PERSONAL_ROUTES, ids=str)
def test_even_a_dsl_cannot_open_a_colleagues_alert_or_draft(route, dsl, client_as, ids_here):
    """A DSL sees every incident, but an alert belongs to its recipient and a draft to its
    author: the DSL gets the 404 a missing one gets, and the alert stays unread."""
    client = client_as(dsl)
    before = snapshot()

    colleagues = fetch(client, route.url(ids_here))
    missing = fetch(client, route.url({k: missing_value(k) for k in ids_here}))

    assert colleagues.status_code == missing.status_code == 404
    assert comparable(colleagues) == comparable(missing)
    assert changes(before, snapshot()) == {}


def test_a_malformed_alert_key_in_the_emailed_link_is_a_plain_404(client_as, teacher):
    client = client_as(teacher)
    for key in ("not-a-uuid", "00000000-0000-0000-0000-00000000000g", "%00", "..%2F..%2F"):
        assert client.get(f"/alerts/{key}/").status_code == 404


# IDOR through searches and autocomplete ----------------------------------------------------


def test_pupil_suggestions_never_offer_another_schools_pupil(client_as, teacher, school, elsewhere):
    PupilFactory(school=membership(teacher, school).school, legal_first_name="Zebedina")
    response = client_as(teacher).post(reverse("incidents:pupil-search"), {"term": "Zebed"})
    assert response.status_code == 200
    assert "Zebedina" in html(response)  # the search works: our own pupil is found
    assert "Quartermaine" not in html(response)


def test_staff_suggestions_never_offer_another_schools_staff(client_as, teacher, elsewhere):
    response = client_as(teacher).post(reverse("incidents:staff-search"), {"term": "Xanthe"})
    assert response.status_code == 200
    assert "Faraway" not in html(response)


def test_who_will_be_told_ignores_another_schools_groups_people_and_categories(
    client_as, teacher, pupil, school, elsewhere
):
    data = incident_data(
        school,
        pupil,
        groups=[str(elsewhere["group"].pk)],
        people=[str(elsewhere["membership"].pk), str(elsewhere["dsl_membership"].pk)],
        categories=[str(elsewhere["category"].pk)],
    )
    response = client_as(teacher).post(reverse("incidents:recipients-preview"), data)
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))
    assert elsewhere["dsl"].email not in html(response)


def test_the_pupil_list_search_never_finds_another_schools_pupil(client_as, dsl, elsewhere):
    response = client_as(dsl).post(reverse("pupils:pupil-list"), {"q": "Quarterm"})
    assert response.status_code == 200
    assert response.context["pupils"] == []
    assert "Zebedee" not in html(response)


def test_the_move_incident_search_never_finds_another_schools_pupil(
    client_as, dsl, teacher, pupil, elsewhere
):
    incident = record_test_incident(membership(teacher, pupil.school), pupil=pupil)
    url = reverse("incidents:incident-move", args=[incident.pk])
    response = client_as(dsl).post(url, {"search": "Quarterm"})
    assert response.context["found"] == []
    assert "Zebedee" not in html(response)


def test_the_audit_trail_refuses_a_filter_on_another_schools_person(client_as, dsl, elsewhere):
    person = elsewhere["dsl"].pk
    response = client_as(dsl).get(reverse("audit:trail"), {"person": person})
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert "rows" not in response.context
    assert elsewhere["dsl"].email not in html(response)


def test_the_audit_export_refuses_a_filter_on_another_schools_person(client_as, dsl, elsewhere):
    response = client_as(dsl).get(reverse("audit:export"), {"person": elsewhere["dsl"].pk})
    assert response.status_code == 400
    assert elsewhere["dsl"].email not in html(response)


def test_the_incident_list_shows_a_dsl_nothing_from_another_school(client_as, dsl, elsewhere):
    response = client_as(dsl).get(reverse("incidents:incident-list"))
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))


def test_the_alert_list_of_someone_in_two_schools_shows_only_schools_they_still_work_in(
    client_as, school, elsewhere
):
    """Their own alert from the other school is listed, named by school,
    but not once their role there has ended."""
    both = member(school, Role.TEACHER, first_name="Bea")
    there = MembershipFactory(user=both, school=elsewhere["school"], role=Role.TEACHER)
    Alert.objects.create(
        school=elsewhere["school"],
        incident=elsewhere["incident"],
        recipient=both,
        created_by=elsewhere["dsl"],
        reason="named",
        category_label="Fernhill Secret Category",
    )
    client = client_as(both)
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
    response = client.get(reverse("incidents:alert-list"))
    assert response.context["request"].school == school
    assert len(response.context["page"].rows) == 1
    assert "Fernhill Secret Category" in html(response)
    there.is_active = False
    there.save()
    response = client.get(reverse("incidents:alert-list"))
    assert response.status_code == 200
    assert len(response.context["page"].rows) == 0
    assert "Fernhill Secret Category" not in html(response)


# Drafts, follow-ups and roles changed mid-session --------------------------------------------


def test_a_draft_stuffed_with_another_schools_ids_shows_nothing_of_theirs_when_resumed(
    client_as, teacher, school, elsewhere
):
    client = client_as(teacher)
    key = uuid.uuid4()
    saved = client.post(
        reverse("incidents:draft-save"),
        {
            "submit_key": str(key),
            "text": "Half a sentence",  # worth keeping, so a draft is started
            "pupil": str(elsewhere["pupil"].pk),
            "link_pupil": [str(elsewhere["pupil"].pk)],
            "people": [str(elsewhere["membership"].pk)],
            "groups": [str(elsewhere["group"].pk)],
            "categories": [str(elsewhere["category"].pk)],
            "dsl_spoken_to": str(elsewhere["dsl_membership"].pk),
        },
    )
    draft = Draft.objects.for_school(school).get(
        pk=links.id_from_key("draft", saved.json()["draft"])
    )
    response = client.get(reverse("incidents:draft-resume", args=[draft.pk]))
    assert response.status_code == 200
    assert_nothing_from_elsewhere(html(response))
    assert elsewhere["dsl"].email not in html(response)


def test_a_follow_up_link_naming_a_colleagues_task_shows_none_of_it(
    client_as, teacher, midday, dsl, school
):
    incident = recorded(membership(teacher, school), people=[membership(midday, school)])
    due = timezone.localdate() + datetime.timedelta(days=2)
    client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(
            text="Secret task wording for the DSL only.",
            assigned_to=str(membership(dsl, school).pk),
            due_on=f"{due:%Y-%m-%d}",
        ),
    )
    task = Action.objects.for_school(school).get(incident=incident)
    url = reverse("incidents:action-add", args=[incident.pk])
    offered = re.compile(r"<option[^>]*>[^<]*Secret task wording")
    for value in (str(task.pk), "abc", "99999999999999999999999"):
        response = client_as(midday).get(url, {"follows_up": value})
        assert response.status_code == 200
        # (The action itself is listed under the incident they were alerted to; it is
        # never offered as a task of theirs to follow up.)
        assert not offered.search(html(response))
    # The control: the person the task is assigned to is offered it.
    assert offered.search(html(client_as(dsl).get(url)))


def test_a_dsl_demoted_mid_session_loses_dsl_pages_on_the_next_click(
    client_as, dsl, deputy, school
):
    client = client_as(dsl)
    assert client.get(reverse("pupils:pupil-list")).status_code == 200
    demoted = membership(dsl, school)
    demoted.role = Role.TEACHER
    demoted.save(update_fields=["role"])
    assert client.get(reverse("pupils:pupil-list")).status_code == 403
