"""One read and one acknowledgement per person per incident, a short alert
log for the DSL (item 6), and alerts from every school a person works in (item 10)."""

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.services import alerting
from safeguard.incidents.tests.factories import (
    add_test_action,
    alerts_of,
    newest_alert_of,
    record_test_incident,
    work_in,
)

pytestmark = pytest.mark.django_db


# Item 5: the services


def test_one_acknowledgement_covers_every_alert_on_the_incident_so_far(
    dsl, membership_of, thrice_alerted
):
    done = alerting.acknowledge_alerts(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert done == 3
    for alert in alerts_of(dsl, thrice_alerted):
        assert alert.acknowledged_at is not None
        assert alert.read_at is not None
    events = AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED, actor=dsl)
    assert sorted(int(e.target_id) for e in events) == [
        a.pk for a in alerts_of(dsl, thrice_alerted)
    ]


def test_one_mark_as_read_covers_every_alert_on_the_incident_so_far(
    dsl, membership_of, thrice_alerted
):
    done = alerting.mark_alerts_read(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert done == 3
    assert all(alert.read_at for alert in alerts_of(dsl, thrice_alerted))
    assert not any(alert.acknowledged_at for alert in alerts_of(dsl, thrice_alerted))
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ, actor=dsl).count() == 3


def test_an_alert_that_arrived_after_the_page_was_shown_stays_unread(
    dsl, teacher, membership_of, thrice_alerted
):
    shown = newest_alert_of(dsl, thrice_alerted)  # the newest alert on the page as it was rendered
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)  # arrives meanwhile
    alerting.acknowledge_alerts(membership=membership_of(dsl), alert=shown)
    later = newest_alert_of(dsl, thrice_alerted)
    assert later.pk != shown.pk
    assert later.read_at is None and later.acknowledged_at is None
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_acknowledging_leaves_other_incidents_and_other_people_alone(
    dsl, slt, teacher, membership_of, thrice_alerted
):
    other = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    alerting.acknowledge_alerts(
        membership=membership_of(dsl), alert=newest_alert_of(dsl, thrice_alerted)
    )
    assert alerts_of(dsl, other)[0].read_at is None
    assert alerts_of(slt, other)[0].read_at is None


def test_two_acknowledgements_at_once_audit_each_alert_once(dsl, membership_of, thrice_alerted):
    """Two tabs, or a double click: both requests read the alert before either wrote."""
    membership = membership_of(dsl)
    stale = newest_alert_of(dsl, thrice_alerted)
    first = alerting.acknowledge_alerts(membership=membership, alert=stale)
    second = alerting.acknowledge_alerts(membership=membership, alert=stale)
    assert (first, second) == (3, 0)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_reading_then_acknowledging_says_which_alerts_it_marked_read(
    dsl, teacher, membership_of, thrice_alerted
):
    membership = membership_of(dsl)
    alerting.mark_alerts_read(membership=membership, alert=newest_alert_of(dsl, thrice_alerted))
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)
    alerting.acknowledge_alerts(membership=membership, alert=newest_alert_of(dsl, thrice_alerted))
    events = AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).order_by("id")
    assert [e.detail["marked_read"] for e in events] == [False, False, False, True]


def test_a_read_racing_an_acknowledgement_is_audited_once_each(dsl, membership_of, thrice_alerted):
    """Mark as read lands between the acknowledgement's read of the rows and its write."""
    membership = membership_of(dsl)
    stale = newest_alert_of(dsl, thrice_alerted)
    alerting.mark_alerts_read(membership=membership, alert=stale)
    alerting.acknowledge_alerts(membership=membership, alert=stale)
    alerting.mark_alerts_read(membership=membership, alert=stale)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 3


def test_someone_else_cannot_mark_my_alerts(slt, dsl, membership_of, thrice_alerted):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        alerting.acknowledge_alerts(
            membership=membership_of(slt), alert=newest_alert_of(dsl, thrice_alerted)
        )
    assert not any(alert.read_at for alert in alerts_of(dsl, thrice_alerted))


# Item 5: what the person sees


def test_the_unread_count_counts_incidents_not_alerts(
    client_as, dsl, teacher, membership_of, thrice_alerted
):
    record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("dashboard"))
    assert response.context["unread_alerts"] == 2


def test_the_incident_page_offers_one_read_and_one_acknowledge(client_as, dsl, thrice_alerted):
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[thrice_alerted.pk]))
    content = response.content.decode()
    assert content.count("I have read and understood") == 1
    assert content.count(">Mark as read<") == 1
    newest_alert = newest_alert_of(dsl, thrice_alerted)
    assert reverse("incidents:alert-acknowledge", args=[newest_alert.pk]) in content


def test_pressing_acknowledge_once_covers_the_incident(client_as, dsl, thrice_alerted):
    client = client_as(dsl)
    response = client.post(
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).pk])
    )
    assert response.status_code == 302
    assert all(alert.acknowledged_at for alert in alerts_of(dsl, thrice_alerted))
    page = client.get(reverse("incidents:incident-detail", args=[thrice_alerted.pk]))
    assert b"I have read and understood</button>" not in page.content
    assert client.get(reverse("dashboard")).context["unread_alerts"] == 0


def test_a_later_action_raises_a_new_unread_item(
    client_as, dsl, teacher, membership_of, thrice_alerted
):
    client = client_as(dsl)
    client.post(
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).pk])
    )
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)
    assert client.get(reverse("dashboard")).context["unread_alerts"] == 1
    page = client.get(
        reverse("incidents:incident-detail", args=[thrice_alerted.pk])
    ).content.decode()
    assert page.count("I have read and understood") == 1
    assert (
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).pk])
        in page
    )


def test_the_alert_list_shows_one_row_per_incident(
    client_as, dsl, teacher, membership_of, thrice_alerted
):
    other = record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("incidents:alert-list"))
    rows = list(response.context["page"])
    assert [row.incident_id for row in rows] == [other.pk, thrice_alerted.pk]
    assert "3 new" in response.content.decode()


def test_opening_the_emailed_link_marks_my_alerts_on_the_incident_read(
    client_as, dsl, thrice_alerted
):
    first = alerts_of(dsl, thrice_alerted)[0]
    response = client_as(dsl).get(reverse("incidents:alert-open", args=[first.key]))
    assert response.status_code == 302
    assert all(alert.read_at for alert in alerts_of(dsl, thrice_alerted))
    assert not any(alert.acknowledged_at for alert in alerts_of(dsl, thrice_alerted))
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ, actor=dsl).count() == 3


# Item 6: the DSL's alert log


def test_the_alert_log_summarises_each_entry(client_as, dsl, slt, teacher, membership_of):
    recorded = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    client_as(slt).post(
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(slt, recorded).pk])
    )
    add_test_action(membership_of(teacher), recorded, people=[membership_of(slt)])
    content = (
        client_as(dsl)
        .get(reverse("incidents:incident-detail", args=[recorded.pk]))
        .content.decode()
    )
    assert "Incident recorded: 2 told, 1 read, 1 acknowledged" in content
    assert "Action by" in content and "1 told, 0 read, 0 acknowledged" in content
    # The full table is still there, one click away, without JavaScript.
    assert "<details" in content and "Everyone alerted" in content


def test_the_alert_log_comes_after_the_record_actions_and_corrections(
    client_as, dsl, teacher, membership_of, thrice_alerted
):
    content = (
        client_as(dsl)
        .get(reverse("incidents:incident-detail", args=[thrice_alerted.pk]))
        .content.decode()
    )
    assert content.index('id="alert-log"') > content.index('id="actions-title"')
    assert content.index('id="alert-log"') > content.index('id="facts-title"')


# Item 10: a person in two schools


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


def test_the_alert_list_shows_every_school_and_names_it(
    client_as, trust_lead, teacher, school, other_school, membership_of
):
    here = record_test_incident(membership_of(teacher))
    colleague = member(other_school, Role.TEACHER)
    there = record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(trust_lead, other_school)]
    )
    client = client_as(trust_lead)
    work_in(client, school)
    response = client.get(reverse("incidents:alert-list"))
    assert [row.incident_id for row in response.context["page"]] == [there.pk, here.pk]
    content = response.content.decode()
    assert ">School</th>" in content
    assert "Fernhill Academy" in content and "Larkspur Primary" in content


def test_the_alert_list_has_no_school_column_for_someone_in_one_school(
    client_as, dsl, thrice_alerted
):
    response = client_as(dsl).get(reverse("incidents:alert-list"))
    assert b">School</th>" not in response.content


def test_opening_an_alert_from_another_school_switches_school_and_audits_it(
    client_as, trust_lead, school, other_school, membership_of
):
    colleague = member(other_school, Role.TEACHER)
    there = record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(trust_lead, other_school)]
    )
    client = client_as(trust_lead)
    work_in(client, school)
    listing = client.get(reverse("incidents:alert-list")).content.decode()
    [alert] = alerts_of(trust_lead, there)
    url = reverse("incidents:alert-incident", args=[alert.pk])
    assert url in listing
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.context["incident"] == there
    assert response.context["current_school"] == other_school
    event = AuditEvent.objects.filter(action=AuditAction.SCHOOL_SWITCHED, actor=trust_lead).last()
    assert event.school_id == other_school.pk
    assert event.detail == {"from": school.pk}
    alert.refresh_from_db()
    assert alert.read_at is None  # opening from the list reads nothing for the person


def test_switching_school_from_the_menu_is_audited(client_as, trust_lead, school, other_school):
    client = client_as(trust_lead)
    work_in(client, school)
    work_in(client, other_school)
    event = AuditEvent.objects.filter(action=AuditAction.SCHOOL_SWITCHED).last()
    assert (event.actor, event.school_id) == (trust_lead, other_school.pk)
