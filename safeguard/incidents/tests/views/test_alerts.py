"""The alert pages (`views/alerts.py`): the list, the emailed link, read and acknowledge,
one press per incident, the alert log on the incident page, and alerts from every school."""

import uuid

import pytest
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Alert, Category, EmailState, Incident
from safeguard.incidents.tests.factories import (
    add_test_action,
    alert_of,
    alerts_of,
    newest_alert_of,
    record_test_incident,
    work_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(teacher, slt, dsl, membership_of) -> Incident:
    """The teacher records a safeguarding concern and names the SLT member; the DSL is told too."""
    return record_test_incident(membership_of(teacher), people=[membership_of(slt)])


def read_url(alert: Alert) -> str:
    return reverse("incidents:alert-read", args=[alert.key])


def ack_url(alert: Alert) -> str:
    return reverse("incidents:alert-acknowledge", args=[alert.key])


def test_the_list_shows_my_alerts_newest_first(client_as, slt, teacher, membership_of, incident):
    second = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    response = client_as(slt).get(reverse("incidents:alert-list"))
    assert [a.incident_id for a in response.context["page"]] == [second.pk, incident.pk]


def test_the_list_shows_who_alerted_me_the_category_and_unread(client_as, slt, teacher, incident):
    response = client_as(slt).get(reverse("incidents:alert-list"))
    content = response.content.decode()
    assert teacher.full_name in content
    assert "Safeguarding concern" in content
    assert "Unread" in content
    assert reverse("incidents:incident-detail", args=[incident.pk]) in content


def test_the_list_leaves_out_other_peoples_alerts(client_as, midday, incident):
    response = client_as(midday).get(reverse("incidents:alert-list"))
    assert list(response.context["page"]) == []


def test_the_list_shows_my_alerts_in_every_school_i_work_in(
    client_as, slt, other_school, incident, membership_of
):
    """Someone working in two schools sees the alerts of both, wherever they are working,
    not only those of the school they are working in."""
    from safeguard.accounts.tests.factories import member

    Membership.objects.create(school=other_school, user=slt, role=Role.TEACHER)
    colleague = member(other_school, Role.TEACHER)
    elsewhere = record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(slt, other_school)]
    )
    client = client_as(slt)
    client.post(reverse("accounts:switch-school"), {"school": incident.school_id})
    response = client.get(reverse("incidents:alert-list"))
    assert [row.alert for row in response.context["page"]] == [
        alert_of(slt, elsewhere),
        alert_of(slt, incident),
    ]


def test_a_governor_cannot_open_the_alert_list(client_as, governor):
    assert client_as(governor).get(reverse("incidents:alert-list")).status_code == 403


def test_the_emailed_link_takes_the_recipient_to_the_incident(client_as, slt, incident):
    alert = alert_of(slt, incident)
    response = client_as(slt).get(reverse("incidents:alert-open", args=[alert.key]))
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:incident-detail", args=[incident.pk])


def test_the_emailed_link_asks_a_signed_out_visitor_to_sign_in(client, slt, incident):
    url = reverse("incidents:alert-open", args=[alert_of(slt, incident).key])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_elses_emailed_link_is_not_found(client_as, slt, dsl, incident):
    response = client_as(dsl).get(
        reverse("incidents:alert-open", args=[alert_of(slt, incident).key])
    )
    assert response.status_code == 404


def test_an_unknown_emailed_link_is_not_found(client_as, slt, incident):
    response = client_as(slt).get(reverse("incidents:alert-open", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_the_emailed_link_switches_to_the_alerts_school(
    client_as, teacher, school, other_school, membership_of
):
    from safeguard.accounts.tests.factories import member

    Membership.objects.create(school=other_school, user=teacher, role=Role.TEACHER)
    colleague = member(other_school, Role.TEACHER)
    elsewhere = record_test_incident(
        membership_of(colleague, other_school), people=[membership_of(teacher, other_school)]
    )
    client = client_as(teacher)
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
    alert = alert_of(teacher, elsewhere)
    response = client.get(reverse("incidents:alert-open", args=[alert.key]), follow=True)
    assert response.status_code == 200
    assert response.context["incident"] == elsewhere
    assert response.context["current_school"] == other_school


def test_the_incident_page_offers_my_alert_buttons(client_as, slt, incident):
    response = client_as(slt).get(reverse("incidents:incident-detail", args=[incident.pk]))
    content = response.content.decode()
    alert = alert_of(slt, incident)
    assert read_url(alert) in content
    assert ack_url(alert) in content
    assert "I have read and understood" in content


def test_the_incident_page_shows_no_buttons_to_someone_not_alerted(client_as, teacher, incident):
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert b"I have read and understood" not in response.content


def test_marking_as_read_records_the_time_and_audits_it(client_as, slt, incident):
    alert = alert_of(slt, incident)
    response = client_as(slt).post(read_url(alert))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("incidents:incident-detail", args=[incident.pk]))
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert alert.acknowledged_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.ALERT_READ, actor=slt, target_id=str(alert.pk)
    ).exists()


def test_marking_as_read_twice_keeps_the_first_time_and_one_audit_event(client_as, slt, incident):
    alert = alert_of(slt, incident)
    client = client_as(slt)
    client.post(read_url(alert))
    alert.refresh_from_db()
    first = alert.read_at
    client.post(read_url(alert))
    alert.refresh_from_db()
    assert alert.read_at == first
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_READ).count() == 1


def test_acknowledging_also_marks_read_and_audits_it(client_as, slt, incident):
    alert = alert_of(slt, incident)
    response = client_as(slt).post(ack_url(alert))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.read_at == alert.acknowledged_at
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert (event.actor, event.target_id) == (slt, str(alert.pk))
    assert event.detail == {"incident": incident.pk, "action": None, "marked_read": True}


def test_read_and_acknowledge_refuse_get(client_as, slt, incident):
    alert = alert_of(slt, incident)
    client = client_as(slt)
    assert client.get(read_url(alert)).status_code == 405
    assert client.get(ack_url(alert)).status_code == 405
    alert.refresh_from_db()
    assert alert.read_at is None


def test_someone_elses_alert_cannot_be_marked(client_as, slt, dsl, incident):
    alert = alert_of(slt, incident)
    client = client_as(dsl)
    assert client.post(read_url(alert)).status_code == 404
    assert client.post(ack_url(alert)).status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None


def test_another_schools_alert_is_not_found(client_as, dsl_other_school, slt, incident):
    alert = alert_of(slt, incident)
    assert client_as(dsl_other_school).post(read_url(alert)).status_code == 404


def test_a_governor_cannot_mark_alerts(client_as, governor, slt, incident):
    assert client_as(governor).post(read_url(alert_of(slt, incident))).status_code == 403


def test_the_dsl_sees_who_was_alerted_and_what_became_of_it(client_as, dsl, slt, incident):
    client_as(slt).post(ack_url(alert_of(slt, incident)))
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk]))
    content = response.content.decode()
    assert "Who was alerted" in content
    assert slt.full_name in content
    assert "Named by the author" in content
    assert "Safeguarding lead" in content


def test_the_deputy_sees_the_alert_log(client_as, deputy, incident):
    response = client_as(deputy).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert b"Who was alerted" in response.content


@pytest.mark.parametrize("who", ["teacher", "slt"])
def test_other_staff_do_not_see_the_alert_log(client_as, request, who, incident):
    user = request.getfixturevalue(who)
    response = client_as(user).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    assert b"Who was alerted" not in response.content


def test_the_alert_log_shows_a_retrying_email_with_its_error(client_as, dsl, slt, incident):
    Alert.objects.for_school(incident.school_id).filter(pk=alert_of(slt, incident).pk).update(
        email_state=EmailState.RETRYING,
        email_attempts=2,
        email_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk]))
    content = response.content.decode()
    assert "Retrying" in content
    assert "after 2 failed attempts" in content
    assert "ConnectionRefusedError" in content


def test_the_alert_log_shows_a_failed_email(client_as, dsl, slt, incident):
    Alert.objects.for_school(incident.school_id).filter(pk=alert_of(slt, incident).pk).update(
        email_state=EmailState.FAILED, email_attempts=6
    )
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert b"Failed</span> after 6 attempts" in response.content


def test_an_incident_nobody_was_alerted_to_says_so(client_as, dsl, teacher, membership_of, school):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    quiet = record_test_incident(membership_of(teacher), categories=[behaviour])
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[quiet.pk]))
    assert b"Nobody was alerted about this incident." in response.content


def test_the_incident_page_offers_one_read_and_one_acknowledge(client_as, dsl, thrice_alerted):
    response = client_as(dsl).get(reverse("incidents:incident-detail", args=[thrice_alerted.pk]))
    content = response.content.decode()
    assert content.count("I have read and understood") == 1
    assert content.count(">Mark as read<") == 1
    newest_alert = newest_alert_of(dsl, thrice_alerted)
    assert reverse("incidents:alert-acknowledge", args=[newest_alert.key]) in content


def test_pressing_acknowledge_once_covers_the_incident(client_as, dsl, thrice_alerted):
    client = client_as(dsl)
    response = client.post(
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).key])
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
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).key])
    )
    add_test_action(membership_of(teacher), thrice_alerted, tell_leads=True)
    assert client.get(reverse("dashboard")).context["unread_alerts"] == 1
    page = client.get(
        reverse("incidents:incident-detail", args=[thrice_alerted.pk])
    ).content.decode()
    assert page.count("I have read and understood") == 1
    assert (
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(dsl, thrice_alerted).key])
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


def test_the_alert_log_summarises_each_entry(client_as, dsl, slt, teacher, membership_of):
    recorded = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    client_as(slt).post(
        reverse("incidents:alert-acknowledge", args=[newest_alert_of(slt, recorded).key])
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
    url = reverse("incidents:alert-incident", args=[alert.key])
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
