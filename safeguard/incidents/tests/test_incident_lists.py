"""The navigation's "My incidents" (everyone who records) and "Incidents" (the leads, filtered)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.incidents.models import Category, IncidentReview
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

MY_INCIDENTS = reverse("incidents:my-incidents")
ALL_INCIDENTS = reverse("incidents:incident-list")
RECORDERS = [role for role in Role if role not in (Role.GOVERNOR, Role.DSL, Role.DEPUTY_DSL)]


def nav_links(response) -> dict[str, str]:
    """The main navigation's entries, by label: {label: the link's attributes}."""
    html = response.content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "the page has no main navigation"
    return {
        label: attributes
        for attributes, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav.group(1))
    }


def shown(response) -> list:
    return list(response.context["page"].object_list)


# Navigation: who sees which entry, and each entry answers


@pytest.mark.parametrize("role", RECORDERS)
def test_staff_who_record_see_my_incidents_and_not_incidents(role, persona, client_as):
    client = client_as(persona(role))
    links = nav_links(client.get(reverse("dashboard")))
    assert f'href="{MY_INCIDENTS}"' in links["My incidents"]
    assert "Incidents" not in links
    assert client.get(MY_INCIDENTS).status_code == 200


@pytest.mark.parametrize("role", [Role.DSL, Role.DEPUTY_DSL])
def test_leads_see_incidents_and_my_incidents(role, persona, client_as):
    client = client_as(persona(role))
    links = nav_links(client.get(reverse("dashboard")))
    assert f'href="{ALL_INCIDENTS}"' in links["Incidents"]
    assert f'href="{MY_INCIDENTS}"' in links["My incidents"]
    assert client.get(ALL_INCIDENTS).status_code == 200
    assert client.get(MY_INCIDENTS).status_code == 200


def test_governors_see_neither_entry_and_neither_page_opens(governor, client_as):
    client = client_as(governor)
    links = nav_links(client.get(reverse("dashboard")))
    assert "My incidents" not in links and "Incidents" not in links
    assert client.get(MY_INCIDENTS).status_code == 403
    assert client.get(ALL_INCIDENTS).status_code == 403


def test_the_current_list_is_marked_in_the_navigation(dsl, client_as):
    client = client_as(dsl)
    on_mine = nav_links(client.get(MY_INCIDENTS))
    assert 'aria-current="page"' in on_mine["My incidents"]
    assert 'aria-current="page"' not in on_mine["Incidents"]
    on_all = nav_links(client.get(ALL_INCIDENTS))
    assert 'aria-current="page"' in on_all["Incidents"]
    assert 'aria-current="page"' not in on_all["My incidents"]


def test_staff_who_open_the_whole_school_list_are_sent_to_their_own(teacher, client_as):
    response = client_as(teacher).get(ALL_INCIDENTS)
    assert response.status_code == 302
    assert response["Location"] == MY_INCIDENTS


# My incidents


def test_a_midday_supervisor_finds_her_own_incident_after_recording_it(
    midday, client_as, membership_of
):
    incident = record_test_incident(membership_of(midday))
    response = client_as(midday).get(MY_INCIDENTS)
    assert shown(response) == [incident]
    assert "You recorded it" in response.content.decode()


def test_my_incidents_shows_those_alerted_to_me_labelled_so(teacher, slt, client_as, membership_of):
    mine = record_test_incident(membership_of(teacher))
    told = record_test_incident(membership_of(slt), people=[membership_of(teacher)])
    record_test_incident(membership_of(slt))  # neither mine nor alerted to me
    response = client_as(teacher).get(MY_INCIDENTS)
    assert shown(response) == [told, mine]
    html = response.content.decode()
    assert html.count("You recorded it") == 1
    assert html.count("Alerted to you") == 1


def test_a_leads_my_incidents_holds_only_theirs_not_the_whole_school(
    dsl, teacher, slt, client_as, membership_of, school
):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    theirs = record_test_incident(membership_of(dsl))
    record_test_incident(membership_of(teacher), categories=[behaviour])  # the DSL isn't told
    alerted = record_test_incident(membership_of(slt), people=[membership_of(dsl)])
    response = client_as(dsl).get(MY_INCIDENTS)
    assert set(shown(response)) == {theirs, alerted}


def test_my_incidents_filters_to_recorded_or_alerted(teacher, slt, client_as, membership_of):
    mine = record_test_incident(membership_of(teacher))
    told = record_test_incident(membership_of(slt), people=[membership_of(teacher)])
    client = client_as(teacher)
    assert shown(client.get(MY_INCIDENTS, {"show": "recorded"})) == [mine]
    assert shown(client.get(MY_INCIDENTS, {"show": "alerted"})) == [told]
    assert len(shown(client.get(MY_INCIDENTS, {"show": "nonsense"}))) == 2


# Incidents: the leads' filters (ids, codes and dates only in the address)


@pytest.fixture
def three(teacher, slt, membership_of, school):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    year3 = record_test_incident(
        membership_of(teacher),
        pupil=PupilFactory(school=school, year_group="3"),
        categories=[behaviour],
    )
    year5 = record_test_incident(
        membership_of(slt), pupil=PupilFactory(school=school, year_group="5")
    )
    withdrawn = record_test_incident(
        membership_of(teacher), pupil=PupilFactory(school=school, year_group="5")
    )
    IncidentReview.objects.for_school(school).filter(incident=withdrawn).update(is_withdrawn=True)
    IncidentReview.objects.for_school(school).filter(incident=year5).update(status="monitoring")
    return {"year3": year3, "year5": year5, "withdrawn": withdrawn, "behaviour": behaviour}


def test_leads_filter_incidents_by_status_withdrawn_apart(dsl, client_as, three):
    client = client_as(dsl)
    assert shown(client.get(ALL_INCIDENTS, {"status": "new"})) == [three["year3"]]
    assert shown(client.get(ALL_INCIDENTS, {"status": "monitoring"})) == [three["year5"]]
    assert shown(client.get(ALL_INCIDENTS, {"status": "withdrawn"})) == [three["withdrawn"]]


def test_leads_filter_incidents_by_category(dsl, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"category": three["behaviour"].pk})
    assert shown(response) == [three["year3"]]


def test_leads_filter_incidents_by_year_group(dsl, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"year": "5"})
    assert set(shown(response)) == {three["year5"], three["withdrawn"]}


def test_leads_filter_incidents_by_who_recorded_them(dsl, slt, client_as, three):
    response = client_as(dsl).get(ALL_INCIDENTS, {"recorded_by": slt.pk})
    assert shown(response) == [three["year5"]]


def test_leads_filter_incidents_by_the_date_recorded(dsl, teacher, client_as, membership_of, three):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        old = record_test_incident(membership_of(teacher))
    client = client_as(dsl)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    recent = shown(client.get(ALL_INCIDENTS, {"recorded_from": since}))
    assert old not in recent and three["year5"] in recent
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert shown(client.get(ALL_INCIDENTS, {"recorded_to": until})) == [old]


def test_a_bad_filter_is_explained_and_the_others_still_apply(dsl, client_as, three):
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"status": "monitoring", "recorded_from": "2026-02-30", "category": "x"}
    )
    assert response.status_code == 200
    assert shown(response) == [three["year5"]]
    html = response.content.decode()
    assert "Enter a real date" in html
    assert "Choose a category from the list" in html


def test_the_from_date_after_the_to_date_is_explained(dsl, client_as, three):
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"recorded_from": "2026-03-10", "recorded_to": "2026-03-01"}
    )
    assert "The “from” date is after the “to” date" in response.content.decode()


def test_another_schools_category_or_person_is_not_a_filter(
    dsl, dsl_other_school, client_as, three, other_school
):
    theirs = Category.objects.for_school(other_school).first()
    response = client_as(dsl).get(
        ALL_INCIDENTS, {"category": theirs.pk, "recorded_by": dsl_other_school.pk}
    )
    assert len(shown(response)) == 3
    html = response.content.decode()
    assert "Choose a category from the list" in html
    assert "Choose someone from the list" in html


def test_the_pages_keep_the_filters(dsl, teacher, client_as, membership_of):
    for _ in range(51):
        record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(ALL_INCIDENTS, {"status": "new", "recorded_by": teacher.pk})
    assert len(shown(response)) == 50
    html = response.content.decode()
    assert f"?status=new&amp;recorded_by={teacher.pk}&amp;page=2" in html


def test_the_filters_carry_no_names_in_the_address(dsl, client_as, three):
    html = client_as(dsl).get(ALL_INCIDENTS).content.decode()
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    names = set(re.findall(r'name="([^"]+)"', form))
    assert names == {"status", "category", "year", "recorded_by", "recorded_from", "recorded_to"}


def test_non_leads_cannot_filter_my_incidents_by_status_to_learn_the_review(
    teacher, client_as, membership_of, school
):
    mine = record_test_incident(membership_of(teacher))
    IncidentReview.objects.for_school(school).filter(incident=mine).update(status="closed")
    response = client_as(teacher).get(MY_INCIDENTS, {"status": "new"})
    assert shown(response) == [mine]
