"""The header's unread alert count (`context_processors.py`), in every school of the person."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.incidents.models import Incident
from safeguard.incidents.tests.factories import (
    alert_of,
    record_test_incident,
    work_in,
)

pytestmark = pytest.mark.django_db


def alert_the_slt_member(teacher, slt, membership_of) -> Incident:
    """The teacher records a safeguarding concern and names the SLT member."""
    return record_test_incident(membership_of(teacher), people=[membership_of(slt)])


def test_the_header_shows_my_unread_count(client_as, slt, teacher, membership_of):
    alert_the_slt_member(teacher, slt, membership_of)
    alert_the_slt_member(teacher, slt, membership_of)
    response = client_as(slt).get(reverse("dashboard"))
    assert (
        b'<span class="header-word">Alerts </span>(2)<span class="visually-hidden"> unread</span>'
        in response.content
    )


def test_the_header_count_drops_when_an_alert_is_read(client_as, slt, teacher, membership_of):
    incident = alert_the_slt_member(teacher, slt, membership_of)
    client = client_as(slt)
    client.post(reverse("incidents:alert-read", args=[alert_of(slt, incident).key]))
    response = client.get(reverse("dashboard"))
    assert response.context["unread_alerts"] == 0


def test_governors_see_no_alerts_link(client_as, governor):
    response = client_as(governor).get(reverse("dashboard"))
    assert response.context["unread_alerts"] is None
    assert b"alerts-link" not in response.content


def test_the_header_counts_unread_alerts_in_every_school(
    client_as, trust_lead, teacher, school, other_school, membership_of
):
    record_test_incident(membership_of(teacher))  # Larkspur: the DSL alert
    colleague = member(other_school, Role.TEACHER)
    record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(trust_lead, other_school)]
    )
    client = client_as(trust_lead)
    work_in(client, other_school)
    response = client.get(reverse("dashboard"))
    assert response.context["unread_alerts"] == 2


def test_the_header_leaves_out_lead_alerts_where_the_person_is_no_longer_a_lead(
    client_as, trust_lead, school, other_school, membership_of
):
    """Tess was a DSL at Fernhill once; the alerts she got there as a lead are not hers now."""
    colleague = member(other_school, Role.TEACHER)
    fernhill = Membership.objects.for_school(other_school).get(user=trust_lead)
    fernhill.role = Role.DSL
    fernhill.save()
    record_test_incident(membership_of(colleague, other_school))  # the DSL alert
    fernhill.role = Role.TEACHER
    fernhill.save()
    client = client_as(trust_lead)
    work_in(client, school)
    assert client.get(reverse("dashboard")).context["unread_alerts"] == 0
    assert list(client.get(reverse("incidents:alert-list")).context["page"]) == []


def test_the_header_leaves_out_a_school_where_the_membership_is_inactive(
    client_as, trust_lead, school, other_school, membership_of
):
    colleague = member(other_school, Role.TEACHER)
    record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(trust_lead, other_school)]
    )
    Membership.objects.for_school(other_school).filter(user=trust_lead).update(is_active=False)
    client = client_as(trust_lead)
    assert client.get(reverse("dashboard")).context["unread_alerts"] == 0
    assert list(client.get(reverse("incidents:alert-list")).context["page"]) == []
