"""Alerts across schools and per incident: what a crafted request
cannot do.

Tess is a DSL at Larkspur and teaches at Fernhill. Her alert list shows both schools, and
opening a Fernhill alert switches her session there. Nobody may use that to open someone
else's alert, to reach a school where their role has ended, to see an alert sent to them as
a lead where they no longer are one, or to mark alerts in a school they aren't working in.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.middleware import SESSION_SCHOOL_KEY
from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Alert
from safeguard.incidents.services import actions
from safeguard.incidents.tests.factories import record_test_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(school, other_school):
    lead = member(school, Role.DSL, email="tess@larkspur.example", first_name="Tess")
    Membership.objects.create(school=other_school, user=lead, role=Role.TEACHER)
    return lead


@pytest.fixture
def fernhill_alert(tess, other_school, membership_of) -> Alert:
    colleague = member(other_school, Role.TEACHER)
    incident = record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(tess, other_school)]
    )
    return Alert.objects.for_school(other_school).get(incident=incident, recipient=tess)


def in_larkspur(client, school):
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
    assert client.session[SESSION_SCHOOL_KEY] == school.pk


def refused(response, client, school) -> None:
    assert response.status_code == 404
    assert client.session[SESSION_SCHOOL_KEY] == school.pk  # still where they were
    assert (
        not AuditEvent.objects.filter(action=AuditAction.SCHOOL_SWITCHED)
        .exclude(school=school)
        .exists()
    )


def test_someone_elses_alert_from_another_school_opens_nothing(
    client_as, dsl, school, fernhill_alert
):
    client = client_as(dsl)
    in_larkspur(client, school)
    response = client.get(reverse("incidents:alert-incident", args=[fernhill_alert.key]))
    refused(response, client, school)


def test_an_alert_where_the_role_has_ended_opens_nothing(
    client_as, tess, school, other_school, fernhill_alert
):
    Membership.objects.for_school(other_school).filter(user=tess).update(is_active=False)
    client = client_as(tess)
    in_larkspur(client, school)
    for url in (
        reverse("incidents:alert-incident", args=[fernhill_alert.key]),
        reverse("incidents:alert-open", args=[fernhill_alert.key]),
    ):
        refused(client.get(url), client, school)
    fernhill_alert.refresh_from_db()
    assert fernhill_alert.read_at is None


def test_an_alert_sent_as_a_lead_where_no_longer_one_opens_nothing(
    client_as, tess, school, other_school, membership_of
):
    fernhill = Membership.objects.for_school(other_school).get(user=tess)
    fernhill.role = Role.DSL
    fernhill.save()
    colleague = member(other_school, Role.TEACHER)
    incident = record_test_incident(membership_of(colleague, other_school))  # the DSL alert
    fernhill.role = Role.TEACHER
    fernhill.save()
    alert = Alert.objects.for_school(other_school).get(incident=incident, recipient=tess)
    assert alert.is_lead_only
    client = client_as(tess)
    in_larkspur(client, school)
    refused(client.get(reverse("incidents:alert-incident", args=[alert.key])), client, school)


@pytest.mark.parametrize("by", ["key", "number"])
@pytest.mark.parametrize("button", ["incidents:alert-read", "incidents:alert-acknowledge"])
def test_a_button_cannot_mark_an_alert_of_a_school_not_worked_in(
    client_as, tess, school, fernhill_alert, button, by
):
    """The buttons act in the current school only; the list's link switches school first.
    So do the addresses by number that pages shown before alerts had keys posted to."""
    client = client_as(tess)
    in_larkspur(client, school)
    name, named = (
        (button, fernhill_alert.key) if by == "key" else (f"{button}-by-number", fernhill_alert.pk)
    )
    response = client.post(reverse(name, args=[named]))
    assert response.status_code == 404
    fernhill_alert.refresh_from_db()
    assert fernhill_alert.read_at is None and fernhill_alert.acknowledged_at is None


def test_opening_from_the_list_refuses_post(client_as, tess, school, fernhill_alert):
    client = client_as(tess)
    in_larkspur(client, school)
    response = client.post(reverse("incidents:alert-incident", args=[fernhill_alert.key]))
    assert response.status_code == 405
    assert client.session[SESSION_SCHOOL_KEY] == school.pk


def test_an_older_alert_id_does_not_reach_past_the_newest_shown(
    client_as, dsl, teacher, membership_of
):
    """Acknowledging through an older alert's id covers only up to that one."""
    incident = record_test_incident(membership_of(teacher))
    record_test_incident(membership_of(teacher))  # another incident: untouched
    actions.submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Phoned mum.",
        occurred_at=timezone.now(),
        tell_leads=True,
    )
    first, second = (
        Alert.objects.for_school(incident.school_id)
        .filter(incident=incident, recipient=dsl)
        .order_by("id")
    )
    client_as(dsl).post(reverse("incidents:alert-acknowledge", args=[first.key]))
    second.refresh_from_db()
    assert second.acknowledged_at is None
    assert (
        Alert.objects.for_school(incident.school_id)
        .filter(recipient=dsl, acknowledged_at__isnull=False)
        .count()
        == 1
    )
