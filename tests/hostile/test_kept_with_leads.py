"""Hostile: an incident a DSL or deputy kept with the leads is passed on to nobody else.

Once a lead keeps an incident with the leads, every member of staff who can still open it
(the author, those alerted before) may add actions, but a crafted request alerting or
assigning anyone who isn't a lead is refused by name, stores nothing and keeps what was
typed. Staff are told the same thing whether a lead kept it or a restricted category
does, and never the lead's reason. Only a lead may keep or release.
"""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.incidents.models import Alert, Category, IncidentReview
from safeguard.incidents.services import corrections
from safeguard.incidents.services.actions import ONLY_LEADS
from safeguard.incidents.tests.factories import record_test_incident
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
TYPED = "Checked the gate log for Tuesday afternoon."
SECRET_REASON = "Police operation Kestrel: the father is a suspect."
LEADS = [Role.DSL, Role.DEPUTY_DSL]
NON_LEADS = [Role.SLT, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.OFFICE, Role.MIDDAY, Role.OTHER]


def behaviour(school) -> Category:
    return Category.objects.for_school(school).get(name="Behaviour")


def action_data(**fields) -> dict:
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": TYPED,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(fields)
    return data


def add_url(incident) -> str:
    return reverse("incidents:action-add", args=[incident.pk])


def keep_url(incident) -> str:
    return reverse("incidents:incident-keep-with-leads", args=[incident.pk])


def hint(html: str) -> str:
    """The message the add action form shows staff who aren't leads."""
    found = re.search(r'<p class="message message--warning" id="limited-hint">(.*?)</p>', html)
    assert found, "no message for staff on the add action form"
    return found.group(1)


@pytest.fixture
def site_manager(persona):
    return persona(Role.OTHER, first_name="Sid", last_name="Manager")


@pytest.fixture
def staff_member(request, persona):
    """Someone in a role that isn't a lead, who may open the incident (they are alerted)."""
    return persona(request.param, first_name="Sam", last_name="Staff")


@pytest.fixture
def lead(request, persona):
    return persona(request.param, first_name="Lee", last_name="Lead")


def alerted_incident(school, author, *alerted):
    return record_test_incident(author, categories=[behaviour(school)], people=list(alerted))


def keep(incident, by, reason: str = SECRET_REASON) -> None:
    corrections.keep_with_leads(membership=by, incident=incident, reason=reason)


@pytest.mark.parametrize("field", ["people", "assigned_to"])
@pytest.mark.parametrize("staff_member", NON_LEADS, indirect=True)
@pytest.mark.parametrize("lead", LEADS, indirect=True)
def test_after_a_lead_keeps_it_staff_cannot_alert_or_assign_anyone_but_a_lead(
    field, staff_member, lead, site_manager, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher), membership_of(staff_member))
    keep(incident, membership_of(lead))
    data = action_data(**{field: str(membership_of(site_manager).pk)})
    if field == "assigned_to":
        data["due_on"] = TOMORROW.isoformat()
    before = snapshot()
    response = client_as(staff_member).post(add_url(incident), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [
        f"Sid Manager isn't a DSL or deputy. {ONLY_LEADS}"
    ]
    page = response.content.decode()
    assert "Kestrel" not in page and "kept with the leads" not in page.lower()
    assert response.context["form"]["text"].value() == TYPED
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("staff_member", NON_LEADS, indirect=True)
def test_a_crafted_group_on_a_kept_incident_alerts_only_its_leads(
    staff_member, site_manager, deputy, dsl, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher), membership_of(staff_member))
    keep(incident, membership_of(dsl))
    group = StaffGroup.objects.for_school(school).create(school=school, name="Site team")
    group.members.add(membership_of(site_manager), membership_of(deputy))
    response = client_as(staff_member).post(add_url(incident), action_data(groups=[group.pk]))
    assert response.status_code == 302
    told = Alert.objects.for_school(school).filter(incident=incident, action__text=TYPED)
    assert [(a.recipient, a.is_lead_only) for a in told] == [(deputy, True)]


@pytest.mark.parametrize("staff_member", NON_LEADS, indirect=True)
def test_the_message_is_the_same_whether_a_lead_kept_it_or_a_restricted_category_does(
    staff_member, site_manager, dsl, school, teacher, membership_of, client_as
):
    author, alerted = membership_of(teacher), membership_of(staff_member)
    kept = alerted_incident(school, author, alerted)
    keep(kept, membership_of(dsl))
    restricted = alerted_incident(school, author, alerted)
    corrections.recategorise(
        membership=membership_of(dsl),
        incident=restricted,
        categories=[Category.objects.for_school(school).get(name="Child protection")],
        reason="Disclosure.",
    )
    client = client_as(staff_member)
    pages = [client.get(add_url(incident)).content.decode() for incident in (kept, restricted)]
    assert hint(pages[0]) == hint(pages[1])
    assert hint(pages[0]).startswith(ONLY_LEADS)
    for page in pages:
        assert "restricted" not in page.lower() and "Kestrel" not in page
    refusals = [
        client.post(add_url(incident), action_data(people=[membership_of(site_manager).pk]))
        .context["form"]
        .errors["people"]
        for incident in (kept, restricted)
    ]
    assert refusals[0] == refusals[1]


@pytest.mark.parametrize("staff_member", NON_LEADS, indirect=True)
def test_staff_never_see_why_a_lead_kept_it(
    staff_member, dsl, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher), membership_of(staff_member))
    keep(incident, membership_of(dsl))
    client = client_as(staff_member)
    alert = Alert.objects.for_school(school).get(incident=incident, recipient=staff_member)
    pages = [
        reverse("incidents:incident-detail", args=[incident.pk]),
        reverse("incidents:incident-print", args=[incident.pk]),
        add_url(incident),
        reverse("incidents:my-incidents"),
        reverse("incidents:alert-list"),
        reverse("incidents:alert-incident", args=[alert.key]),
        keep_url(incident),
        reverse("dashboard"),
    ]
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code in (200, 403), page
        text = response.content.decode()
        assert "Kestrel" not in text, page
        assert "kept with the leads" not in text.lower(), page
    dsl_page = client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert "Kestrel" in dsl_page.content.decode()


@pytest.mark.parametrize("keep_value", ["yes", "no"])
@pytest.mark.parametrize("role", [*NON_LEADS, Role.GOVERNOR])
def test_only_a_lead_may_keep_or_release_even_by_a_crafted_post(
    role, keep_value, persona, dsl, school, teacher, membership_of, client_as
):
    someone = persona(role)
    incident = alerted_incident(school, membership_of(teacher), membership_of(someone))
    if keep_value == "no":
        keep(incident, membership_of(dsl))
    before = snapshot()
    client = client_as(someone)
    assert client.get(keep_url(incident)).status_code == 403
    response = client.post(keep_url(incident), {"keep": keep_value, "reason": "Mine now."})
    assert response.status_code == 403
    assert changes(before, snapshot()) == {}


def test_another_schools_dsl_gets_not_found(
    dsl_other_school, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher))
    before = snapshot()
    response = client_as(dsl_other_school).post(
        keep_url(incident), {"keep": "yes", "reason": "Ours now."}
    )
    assert response.status_code == 404
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("staff_member", NON_LEADS, indirect=True)
@pytest.mark.parametrize("lead", LEADS, indirect=True)
def test_releasing_lets_staff_alert_and_assign_colleagues_again(
    staff_member, lead, site_manager, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher), membership_of(staff_member))
    keep(incident, membership_of(lead))
    corrections.release_from_leads(
        membership=membership_of(lead), incident=incident, reason="Operation over."
    )
    chosen = membership_of(site_manager).pk
    response = client_as(staff_member).post(
        add_url(incident),
        action_data(people=[chosen], assigned_to=chosen, due_on=TOMORROW.isoformat()),
    )
    assert response.status_code == 302
    told = Alert.objects.for_school(school).get(
        incident=incident, action__text=TYPED, recipient=site_manager
    )
    assert not told.is_lead_only
    page = client_as(staff_member).get(add_url(incident)).content.decode()
    assert 'id="limited-hint"' not in page


def test_alerts_a_lead_sends_while_it_is_kept_go_to_leads_only_and_as_leads(
    dsl, deputy, site_manager, school, teacher, membership_of, client_as
):
    incident = alerted_incident(school, membership_of(teacher))
    keep(incident, membership_of(dsl))
    response = client_as(dsl).post(
        add_url(incident),
        action_data(is_shared_with_alerted="on", people=[membership_of(site_manager).pk]),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["people"] == [
        "Sid Manager isn't a DSL or deputy. A DSL or deputy has kept this incident with the "
        "leads, so only the school's DSLs and deputies can be alerted or given a task."
    ]
    response = client_as(dsl).post(
        add_url(incident), action_data(is_shared_with_alerted="on", tell_leads="on")
    )
    assert response.status_code == 302
    told = Alert.objects.for_school(school).filter(incident=incident, action__text=TYPED)
    assert {(a.recipient, a.is_lead_only) for a in told} == {(deputy, True)}
    assert IncidentReview.objects.for_school(school).get(incident=incident).is_kept_with_leads


@pytest.mark.parametrize("field", ["people", "assigned_to"])
def test_a_lead_keeping_it_while_an_action_is_being_sent_still_stops_the_non_lead(
    field, monkeypatch, site_manager, dsl, school, teacher, membership_of, client_as
):
    """A lead presses "Keep with the leads" between the form's checks and the action being
    written: the action is refused as if it had been kept before, nobody is told."""
    from safeguard.incidents.services import actions

    incident = alerted_incident(school, membership_of(dsl), membership_of(teacher))
    checked = actions._check

    def check_then_a_lead_keeps_it(membership, sent, audience):
        checked(membership, sent, audience)
        if not IncidentReview.objects.for_school(school).get(incident=incident).is_kept_with_leads:
            keep(incident, membership_of(dsl))

    monkeypatch.setattr(actions, "_check", check_then_a_lead_keeps_it)
    data = action_data(**{field: str(membership_of(site_manager).pk)})
    if field == "assigned_to":
        data["due_on"] = TOMORROW.isoformat()
    response = client_as(teacher).post(add_url(incident), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [
        f"Sid Manager isn't a DSL or deputy. {ONLY_LEADS}"
    ]
    assert response.context["form"]["text"].value() == TYPED
    assert not Alert.objects.for_school(school).filter(recipient=site_manager).exists()
    assert not incident.actions.filter(text=TYPED).exists()
