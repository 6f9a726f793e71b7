"""Operation Encompass: a key adult records the police's notification; every other lead is
emailed that there is one (no details); it heads every lead's dashboard until a lead
acknowledges it; each named child's chronology shows it as a significant event.

Who may open each page at all is the permission matrix's (tests/test_url_permissions.py).
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import (
    EncompassAcknowledgement,
    EncompassChild,
    EncompassNotification,
)
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.lib import clock
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def omar(school):
    return PupilFactory(school=school, legal_first_name="Omar", legal_last_name="Jones")


def form_data(lead, *children, **changes):
    """What a key adult types for a notification received at 07:30 today about last night."""
    today = clock.localdate()
    data = {
        "received_on": today.isoformat(),
        "received_time": "07:30",
        "force": "Kent",
        "police_reference": "OE/2026/0413",
        "incident_on": (today - datetime.timedelta(days=1)).isoformat(),
        "incident_time": "22:10",
        "children": [child.pk for child in children],
        "presence": "present",
        "summary": "Police attended the home after a 999 call; Mum's partner arrested.",
        "key_adult": lead.pk,
        "check_in": "on",
        "response_notes": "Class teacher told to offer silent support.",
        "acknowledge": "",
    }
    data.update(changes)
    return data


def record(client, lead, *children, capture=None, **changes):
    url = reverse("casework:encompass-add")
    if capture is None:
        return client.post(url, form_data(lead, *children, **changes))
    with capture(execute=True):
        return client.post(url, form_data(lead, *children, **changes))


@pytest.fixture
def at_half_past_eight(time_machine):
    moment = datetime.datetime.combine(clock.localdate(), datetime.time(8, 30))
    time_machine.move_to(moment.astimezone(datetime.UTC), tick=False)


def test_a_key_adult_records_a_notification_and_the_other_leads_are_emailed_no_details(
    client_as,
    dsl,
    deputy,
    membership_of,
    sally,
    omar,
    smtp_server,
    django_capture_on_commit_callbacks,
    at_half_past_eight,
):
    lead = membership_of(dsl)
    response = record(client_as(dsl), lead, sally, omar, capture=django_capture_on_commit_callbacks)
    notification = EncompassNotification.objects.for_school(lead.school).get()
    assert response["Location"] == reverse("casework:encompass-detail", args=[notification.pk])
    assert notification.police_reference == "OE/2026/0413" and notification.check_in
    named = EncompassChild.objects.for_school(lead.school).filter(notification=notification)
    assert {child.pupil_id for child in named} == {sally.pk, omar.pk}
    [email] = smtp_server
    assert email["To"] == "deputy@larkspur.example"
    body = email.get_payload()
    assert "Operation Encompass" in email["Subject"] and "Dana" in email["Subject"]
    for secret in ("Sally", "Omar", "Jones", "OE/2026/0413", "arrested", "Kent"):
        assert secret not in body and secret not in email["Subject"]
    event = AuditEvent.objects.get(action=AuditAction.ENCOMPASS_RECORDED)
    assert sorted(event.detail["children"]) == sorted([sally.pk, omar.pk])
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()


def test_it_heads_every_leads_dashboard_until_a_lead_acknowledges_it(
    client_as, dsl, deputy, membership_of, sally
):
    record(client_as(dsl), membership_of(dsl), sally)
    notification = EncompassNotification.objects.for_school(sally.school).get()
    deputy_client = client_as(deputy)
    page = deputy_client.get(reverse("dashboard")).content.decode()
    assert "Operation Encompass: not yet acknowledged (1)" in page
    assert page.index('id="encompass-title"') < page.index('id="add-incident"')  # first
    assert "Sally Jones" in page

    detail = deputy_client.get(reverse("casework:encompass-detail", args=[notification.pk]))
    assert "No key adult has acknowledged this yet" in detail.content.decode()
    deputy_client.post(reverse("casework:encompass-acknowledge", args=[notification.pk]))
    assert EncompassAcknowledgement.objects.for_school(sally.school).count() == 1
    for person in (dsl, deputy):
        page = client_as(person).get(reverse("dashboard")).content.decode()
        assert "not yet acknowledged" not in page
    again = deputy_client.post(
        reverse("casework:encompass-acknowledge", args=[notification.pk]), follow=True
    )
    assert "You had already acknowledged it." in again.content.decode()
    assert EncompassAcknowledgement.objects.for_school(sally.school).count() == 1


def test_the_recording_lead_can_acknowledge_it_as_they_record_it(
    client_as, dsl, membership_of, sally
):
    record(client_as(dsl), membership_of(dsl), sally, acknowledge="on")
    assert EncompassAcknowledgement.objects.for_school(sally.school).get().acknowledged_by == dsl
    page = client_as(dsl).get(reverse("dashboard")).content.decode()
    assert "not yet acknowledged" not in page


def test_each_named_childs_chronology_shows_it_as_significant_without_the_other_child(
    client_as, dsl, membership_of, sally, omar
):
    record(client_as(dsl), membership_of(dsl), sally, omar)
    client = client_as(dsl)
    url = reverse("casework:chronology", kwargs={"pupil_id": sally.pk})
    page = client.post(url, {"view": "significant"}).content.decode()
    assert "Police notification of a domestic-abuse incident: present at the incident" in page
    assert "Mum&#x27;s partner arrested" in page or "Mum's partner arrested" in page
    assert "Omar" not in page
    only = client.post(url, {"entry_type": "encompass"}).content.decode()
    assert "Police notification of a domestic-abuse incident" in only


def test_each_showing_is_audited_against_every_child_it_names(
    client_as, dsl, membership_of, sally, omar
):
    record(client_as(dsl), membership_of(dsl), sally, omar)
    notification = EncompassNotification.objects.for_school(sally.school).get()
    client_as(dsl).get(reverse("casework:encompass-detail", args=[notification.pk]))
    views = AuditEvent.objects.filter(action=AuditAction.ENCOMPASS_VIEWED)
    assert sorted(views.values_list("pupil_id", flat=True)) == sorted([sally.pk, omar.pk])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"received_on": "2099-01-01"},
            "received_on",
            "can't have been received in the future",
        ),
        ({"incident_on": "2099-01-01"}, "incident_on", "must be before the notification"),
        ({"children": []}, "children", "Choose the children of this school"),
        ({"police_reference": ""}, "police_reference", "Enter the police reference"),
        ({"summary": "   "}, "summary", "Write what the police told you"),
        ({"presence": ""}, "presence", "Say whether the children were present"),
    ],
)
def test_bad_input_is_named_by_its_field_with_everything_typed_kept(
    client_as, dsl, membership_of, sally, changes, field, message
):
    response = record(client_as(dsl), membership_of(dsl), sally, **changes)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    if field != "summary":
        assert "after a 999 call" in page
    if field != "police_reference":
        assert "OE/2026/0413" in page
    assert not EncompassNotification.objects.for_school(sally.school).exists()


def test_another_schools_child_or_key_adult_is_not_a_valid_choice(
    client_as, dsl, membership_of, sally, other_school
):
    from safeguard.accounts.permissions import Role
    from safeguard.accounts.tests.factories import member

    elsewhere = PupilFactory(school=other_school)
    stranger = membership_of(member(other_school, Role.DSL), other_school)
    lead = membership_of(dsl)
    response = record(client_as(dsl), lead, sally, children=[sally.pk, elsewhere.pk])
    assert "Select a valid choice" in " ".join(response.context["form"].errors["children"])
    response = record(client_as(dsl), lead, sally, key_adult=stranger.pk)
    assert "Select a valid choice" in " ".join(response.context["form"].errors["key_adult"])
    assert not EncompassNotification.objects.for_school(sally.school).exists()


def test_the_database_refuses_to_change_or_delete_a_notification(
    client_as, dsl, membership_of, sally
):
    from django.db import DatabaseError, transaction

    record(client_as(dsl), membership_of(dsl), sally)
    notification = EncompassNotification.objects.for_school(sally.school).get()
    with pytest.raises(DatabaseError), transaction.atomic():
        EncompassNotification.objects.for_school(sally.school).filter(pk=notification.pk).update(
            summary="Nothing happened."
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        EncompassChild.objects.for_school(sally.school).filter(pupil=sally).delete()


def past_retention(pupil: Pupil) -> Pupil:
    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 26)
    Pupil.objects.for_school(pupil.school).filter(pk=pupil.pk).update(date_of_birth=long_ago)
    pupil.refresh_from_db()
    return pupil


def test_retention_destroys_the_childs_part_and_keeps_a_brothers(
    client_as, dsl, membership_of, sally, omar
):
    lead = membership_of(dsl)
    client = client_as(dsl)
    record(client, lead, sally, omar, acknowledge="on")  # shared with her brother
    record(client, lead, sally, police_reference="OE/2026/0500", acknowledge="on")  # hers only
    shared, own = EncompassNotification.objects.for_school(sally.school).order_by("pk")

    destroy_pupil_records(actor=dsl, pupil=past_retention(sally))

    notifications = EncompassNotification.objects.for_school(sally.school)
    assert list(notifications.values_list("pk", flat=True)) == [shared.pk]
    children = EncompassChild.objects.for_school(sally.school)
    assert list(children.values_list("pupil_id", flat=True)) == [omar.pk]
    assert EncompassAcknowledgement.objects.for_school(sally.school).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    assert event.detail["destroyed"]["casework.encompassnotification"] == [own.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
