"""The add action form alerts people as the incident form does: group toggles, and named
people found by a type-ahead (POSTed) that offers only whom the action may alert."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.incidents.models import Action, Alert
from safeguard.incidents.services import corrections
from safeguard.incidents.tests.factories import category, record_test_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(teacher, slt, membership_of, school):
    """A behaviour incident by the teacher, who alerted the SLT member."""
    return record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(slt)],
    )


@pytest.fixture
def restricted(incident, dsl, membership_of, school):
    corrections.recategorise(
        membership=membership_of(dsl),
        incident=incident,
        categories=[category(school, "Child protection")],
        reason="Disclosure.",
    )
    return incident


@pytest.fixture
def sid(persona):
    return persona(Role.OTHER, first_name="Sid", last_name="Zorkman")


@pytest.fixture
def deb(persona):
    return persona(Role.DEPUTY_DSL, first_name="Deb", last_name="Zorkwell")


def add_url(incident) -> str:
    return reverse("incidents:action-add", args=[incident.pk])


def search_url(incident) -> str:
    return reverse("incidents:action-staff-search", args=[incident.pk])


def form_data(**fields) -> dict:
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(fields)
    return data


def offered(response) -> set[str]:
    return set(re.findall(r'data-label="([^"]+)"', response.content.decode()))


# The same components as the incident form


def test_named_people_are_a_type_ahead_not_a_list_of_every_member_of_staff(
    client_as, slt, sid, incident
):
    html = client_as(slt).get(add_url(incident)).content.decode()
    assert 'role="combobox"' in html and 'id="people-search"' in html
    assert f'data-search-url="{search_url(incident)}"' in html
    assert 'name="people"' not in html  # no list of every member of staff to tick


def test_groups_are_toggles_with_how_many_they_alert(
    client_as, slt, sid, deb, incident, school, membership_of
):
    group = StaffGroup.objects.for_school(school).create(school=school, name="Pastoral team")
    group.members.add(membership_of(sid), membership_of(deb))
    html = client_as(slt).get(add_url(incident)).content.decode()
    toggles = re.findall(r'<div class="group-toggle">(.*?)</div>', html, re.S)
    assert any("Pastoral team" in t and "2 people" in t for t in toggles), toggles


# The type-ahead: POSTed, and only whom the action may alert


def test_typing_a_name_suggests_matching_colleagues(client_as, slt, sid, deb, incident):
    response = client_as(slt).post(search_url(incident), {"term": "zork"})
    assert response.status_code == 200
    assert offered(response) == {"Sid Zorkman", "Deb Zorkwell"}


def test_the_suggestions_leave_out_me_governors_and_other_schools(
    client_as, slt, governor, dsl_other_school, incident
):
    for user in (slt, governor, dsl_other_school):
        user.last_name = "Searchable"
        user.save()
    response = client_as(slt).post(search_url(incident), {"term": "searchable"})
    assert offered(response) == set()


def test_the_search_is_never_a_get_so_no_name_reaches_an_address(client_as, slt, incident):
    assert client_as(slt).get(search_url(incident), {"term": "zork"}).status_code == 405


def test_on_a_restricted_incident_only_leads_are_suggested(client_as, slt, sid, deb, restricted):
    response = client_as(slt).post(search_url(restricted), {"term": "zork"})
    assert offered(response) == {"Deb Zorkwell"}


def test_a_leads_unshared_action_suggests_only_leads_and_a_shared_one_everyone(
    client_as, dsl, sid, deb, incident
):
    client = client_as(dsl)
    assert offered(client.post(search_url(incident), {"term": "zork"})) == {"Deb Zorkwell"}
    shared = client.post(search_url(incident), {"term": "zork", "is_shared_with_alerted": "on"})
    assert offered(shared) == {"Sid Zorkman", "Deb Zorkwell"}


def test_a_lead_sharing_a_restricted_incidents_action_still_gets_only_leads(
    client_as, dsl, sid, deb, restricted
):
    response = client_as(dsl).post(
        search_url(restricted), {"term": "zork", "is_shared_with_alerted": "on"}
    )
    assert offered(response) == {"Deb Zorkwell"}


def test_someone_who_cannot_see_the_incident_cannot_search_from_it(client_as, midday, incident):
    assert client_as(midday).post(search_url(incident), {"term": "zork"}).status_code == 404


# Without JavaScript: a search button, ticked matches, remove buttons; nothing typed is lost


def test_without_javascript_find_person_lists_matches_and_keeps_the_text(
    client_as, slt, sid, deb, incident, membership_of
):
    response = client_as(slt).post(
        add_url(incident),
        form_data(intent="search-people", people_query="zork", text="Spoke to mum at the gate."),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spoke to mum at the gate." in html
    assert re.search(rf'type="checkbox" name="people" value="{membership_of(deb).pk}"', html)
    assert "Sid Zorkman" in html
    assert "There is a problem" not in html
    assert not Action.objects.for_school(incident.school_id).exists()


def test_without_javascript_the_matches_on_a_restricted_incident_are_leads_only(
    client_as, slt, sid, deb, restricted
):
    response = client_as(slt).post(
        add_url(restricted), form_data(intent="search-people", people_query="zork")
    )
    html = response.content.decode()
    assert "Deb Zorkwell" in html and "Sid Zorkman" not in html


def test_without_javascript_a_chosen_person_can_be_removed(
    client_as, slt, sid, deb, incident, membership_of
):
    sid_id, deb_id = membership_of(sid).pk, membership_of(deb).pk
    response = client_as(slt).post(
        add_url(incident),
        form_data(intent=f"remove-person-{sid_id}", people=[sid_id, deb_id]),
    )
    rows = response.content.decode().split('data-rows="people"')[1].split("</ul>")[0]
    assert "Deb Zorkwell" in rows and "Sid Zorkman" not in rows


def test_people_chosen_by_name_and_a_group_are_alerted(
    client_as, slt, sid, deb, incident, school, membership_of
):
    group = StaffGroup.objects.for_school(school).create(school=school, name="Pastoral team")
    group.members.add(membership_of(deb))
    response = client_as(slt).post(
        add_url(incident), form_data(people=[membership_of(sid).pk], groups=[group.pk])
    )
    assert response.status_code == 302
    action = Action.objects.for_school(school).get(incident=incident)
    told = set(
        Alert.objects.for_school(school).filter(action=action).values_list("recipient", flat=True)
    )
    assert {sid.pk, deb.pk} <= told


def test_a_refused_person_stays_chosen_with_the_reason_beside_the_field(
    client_as, slt, sid, restricted, membership_of
):
    response = client_as(slt).post(add_url(restricted), form_data(people=[membership_of(sid).pk]))
    assert response.status_code == 400
    html = response.content.decode()
    rows = html.split('data-rows="people"')[1].split("</ul>")[0]
    assert "Sid Zorkman" in rows
    errors = re.search(r'<ul class="errorlist" id="people-errors">.*?</ul>', html, re.S).group(0)
    assert "isn&#x27;t a DSL or deputy" in errors
    assert 'href="#people-search"' in html


def test_the_task_due_date_is_still_a_date_and_the_assignee_a_choice(
    client_as, slt, deb, incident, membership_of
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_as(slt).post(
        add_url(incident),
        form_data(assigned_to=membership_of(deb).pk, due_on=tomorrow.isoformat()),
    )
    assert response.status_code == 302
