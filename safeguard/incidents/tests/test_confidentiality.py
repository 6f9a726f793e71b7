"""Restricted categories and leads-only actions stay with the safeguarding leads.

Issue 7 findings 2 and 7, issue 8 item 1: access that came from being a lead ends
with the role; an alert gives a non-lead only what a non-lead may see; on an
incident with a restricted category only leads are alerted or assigned; an action
a lead adds is for leads only unless they choose to share it.
"""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import StaffGroup
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.incidents.models import Alert, Attachment
from safeguard.incidents.selectors import (
    alerts_for,
    incidents_visible_to,
    open_assignments_for,
    unread_alert_count,
)
from safeguard.incidents.services import corrections
from safeguard.incidents.tests.factories import add_test_action, category, record_test_incident

pytestmark = pytest.mark.django_db

NON_LEADS = [Role.SLT, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.OFFICE, Role.MIDDAY, Role.OTHER]
HUB_CALL = "Phoned the Safeguarding Hub, reference SH-1234"
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


# Issue 8 item 1: alerted staff don't see what a lead added behind them ----------------------


@pytest.fixture
def recategorised(school, midday, dsl, membership_of, persona):
    """A midday supervisor's incident alerting `role`; the DSL then adds Child protection and
    an action. Returns (incident, the person alerted)."""

    def make(role: str):
        viewer = persona(role)
        incident = record_test_incident(
            membership_of(midday),
            categories=[category(school, "Behaviour")],
            people=[membership_of(viewer)],
        )
        corrections.recategorise(
            membership=membership_of(dsl),
            incident=incident,
            categories=[category(school, "Behaviour"), category(school, "Child protection")],
            reason="Disclosure to the class teacher.",
        )
        files = [SimpleUploadedFile("hub-referral.txt", b"SH-1234")]
        add_test_action(membership_of(dsl), incident, text=HUB_CALL, files=files)
        return incident, viewer

    return make


@pytest.mark.parametrize("role", NON_LEADS)
def test_alerted_staff_see_neither_the_restricted_category_nor_the_leads_action(
    role, recategorised, client_as
):
    incident, viewer = recategorised(role)
    client = client_as(viewer)
    pages = {
        "incident page": url("incidents:incident-detail", incident.pk),
        "print view": url("incidents:incident-print", incident.pk),
        "alert list": url("incidents:alert-list"),
        "my incidents": url("incidents:my-incidents"),
        "tasks": url("incidents:assignment-list"),
        "dashboard": url("dashboard"),
    }
    for where, address in pages.items():
        response = client.get(address)
        assert response.status_code == 200, where
        html = response.content.decode()
        assert "Child protection" not in html, where
        assert "SH-1234" not in html, where
        assert "hub-referral" not in html, where
        assert "restricted" not in html.lower(), where
    detail = client.get(pages["incident page"]).content.decode()
    assert "Behaviour" in detail


@pytest.mark.parametrize("role", NON_LEADS)
def test_alerted_staff_are_not_alerted_about_a_leads_action_and_counts_leave_it_out(
    role, recategorised, membership_of
):
    incident, viewer = recategorised(role)
    membership = membership_of(viewer)
    assert [a.action_id for a in alerts_for(membership)] == [None]
    assert unread_alert_count(membership) == 1
    assert list(incidents_visible_to(membership)) == [incident]
    assert not open_assignments_for(membership).exists()


def test_the_author_sees_the_categories_they_recorded_and_not_the_leads_action(
    recategorised, midday, client_as
):
    incident, _ = recategorised(Role.TEACHER)
    html = client_as(midday).get(url("incidents:incident-detail", incident.pk)).content.decode()
    assert "Behaviour" in html
    assert "Child protection" not in html
    assert "SH-1234" not in html


def test_the_leads_file_is_not_found_for_alerted_staff(recategorised, client_as, school):
    incident, viewer = recategorised(Role.TEACHER)
    file = Attachment.objects.for_school(school).get(incident=incident)
    response = client_as(viewer).get(url("incidents:attachment-download", incident.pk, file.pk))
    assert response.status_code == 404


def test_leads_still_see_everything(recategorised, deputy, client_as):
    incident, _ = recategorised(Role.TEACHER)
    html = client_as(deputy).get(url("incidents:incident-detail", incident.pk)).content.decode()
    assert "Child protection" in html
    assert "SH-1234" in html
    assert "hub-referral" in html


def test_a_lead_shares_an_action_with_the_staff_alerted(
    recategorised, dsl, membership_of, client_as
):
    incident, viewer = recategorised(Role.TEACHER)
    add_test_action(
        membership_of(dsl),
        incident,
        text="Mum is coming in on Monday.",
        is_shared_with_alerted=True,
    )
    html = client_as(viewer).get(url("incidents:incident-detail", incident.pk)).content.decode()
    assert "Mum is coming in on Monday." in html
    assert "SH-1234" not in html


def test_a_leads_action_is_leads_only_unless_shared(dsl, teacher, school, membership_of):
    incident = record_test_incident(membership_of(teacher))
    kept = add_test_action(membership_of(dsl), incident)
    shared = add_test_action(membership_of(dsl), incident, is_shared_with_alerted=True)
    assert kept.is_shared_with_alerted is False
    assert shared.is_shared_with_alerted is True


def test_a_non_leads_action_is_always_shared(teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    action = add_test_action(membership_of(teacher), incident, is_shared_with_alerted=False)
    assert action.is_shared_with_alerted is True


def test_alerts_about_a_leads_only_action_go_to_leads_only(
    dsl, deputy, teacher, slt, school, membership_of
):
    incident = record_test_incident(
        membership_of(teacher), categories=[category(school, "Behaviour")]
    )
    with pytest.raises(ValidationError) as refused:
        add_test_action(membership_of(dsl), incident, people=[membership_of(slt)])
    assert "people" in refused.value.message_dict
    action = add_test_action(membership_of(dsl), incident, tell_leads=True)
    # The incident's author is told about a shared action, never about a leads-only one.
    assert [a.recipient for a in action.alerts.all()] == [deputy]


def test_the_action_form_offers_leads_an_unticked_share_box(dsl, teacher, membership_of, client_as):
    incident = record_test_incident(membership_of(teacher))
    form = client_as(dsl).get(url("incidents:action-add", incident.pk)).context["form"]
    assert "is_shared_with_alerted" in form.fields
    assert not form["is_shared_with_alerted"].value()
    html = client_as(dsl).get(url("incidents:action-add", incident.pk)).content.decode()
    assert "Share this action with the staff alerted to this incident" in html


def test_the_action_form_has_no_share_box_for_other_staff(teacher, membership_of, client_as):
    incident = record_test_incident(membership_of(teacher))
    form = client_as(teacher).get(url("incidents:action-add", incident.pk)).context["form"]
    assert "is_shared_with_alerted" not in form.fields


def test_a_lead_posting_the_share_box_shares_the_action(
    dsl, teacher, slt, membership_of, client_as
):
    incident = record_test_incident(membership_of(teacher), people=[membership_of(slt)])
    response = client_as(dsl).post(
        url("incidents:action-add", incident.pk),
        {
            "submit_key": str(uuid.uuid4()),
            "text": "Agreed a plan with mum.",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "is_shared_with_alerted": "on",
        },
    )
    assert response.status_code == 302
    html = client_as(slt).get(url("incidents:incident-detail", incident.pk)).content.decode()
    assert "Agreed a plan with mum." in html


# Issue 7 finding 2: access that came from being a lead ends with the role --------------------


@pytest.fixture
def demoted_deputy(school, dsl, deputy, membership_of):
    """The DSL records a Child protection incident (the deputy is alerted) with a file; the
    deputy then becomes a teacher. Returns the incident."""
    files = [SimpleUploadedFile("notes.txt", b"notes")]
    incident = record_test_incident(
        membership_of(dsl), categories=[category(school, "Child protection")], files=files
    )
    assert Alert.objects.for_school(school).filter(recipient=deputy).exists()
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    return incident


def test_a_demoted_deputy_no_longer_opens_what_they_were_alerted_to_as_a_lead(
    demoted_deputy, deputy, school, client_as
):
    incident = demoted_deputy
    alert = Alert.objects.for_school(school).get(recipient=deputy)
    file = Attachment.objects.for_school(school).get(incident=incident)
    client = client_as(deputy)
    for address in (
        url("incidents:incident-detail", incident.pk),
        url("incidents:incident-print", incident.pk),
        url("incidents:attachment-download", incident.pk, file.pk),
        url("incidents:action-add", incident.pk),
        url("incidents:alert-open", alert.key),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("incidents:alert-read", alert.pk)).status_code == 404


def test_a_demoted_deputys_lists_and_counts_leave_it_out(
    demoted_deputy, deputy, membership_of, client_as
):
    membership = membership_of(deputy)
    assert not incidents_visible_to(membership).exists()
    assert not alerts_for(membership).exists()
    assert unread_alert_count(membership) == 0
    html = client_as(deputy).get(url("incidents:alert-list")).content.decode()
    assert f"Open incident {demoted_deputy.pk}" not in html


def test_a_demoted_lead_loses_a_task_on_a_restricted_incident(school, dsl, deputy, membership_of):
    incident = record_test_incident(
        membership_of(dsl), categories=[category(school, "Child protection")]
    )
    add_test_action(
        membership_of(dsl), incident, assigned_to=membership_of(deputy), due_on=TOMORROW
    )
    assert open_assignments_for(membership_of(deputy)).count() == 1
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    assert not open_assignments_for(membership_of(deputy)).exists()


def test_a_lead_named_on_an_ordinary_incident_keeps_what_a_non_lead_may_see(
    school, teacher, dsl, deputy, membership_of
):
    incident = record_test_incident(
        membership_of(teacher),
        categories=[category(school, "Behaviour")],
        people=[membership_of(deputy)],
    )
    change_role(membership=membership_of(deputy), changed_by=dsl, role=Role.TEACHER)
    assert list(incidents_visible_to(membership_of(deputy))) == [incident]


# Issue 7 finding 7: restricted incidents are passed on to leads only ------------------------


def test_on_a_restricted_incident_a_non_lead_cannot_alert_a_non_lead(
    restricted_assignment, slt, persona, membership_of
):
    site_manager = persona(Role.OTHER)
    with pytest.raises(ValidationError) as refused:
        add_test_action(
            membership_of(slt), restricted_assignment, people=[membership_of(site_manager)]
        )
    assert "people" in refused.value.message_dict
    assert "DSLs and deputies" in " ".join(refused.value.message_dict["people"])
    assert not incidents_visible_to(membership_of(site_manager)).exists()


def test_on_a_restricted_incident_a_non_lead_cannot_assign_a_non_lead(
    restricted_assignment, slt, persona, membership_of
):
    site_manager = persona(Role.OTHER)
    with pytest.raises(ValidationError) as refused:
        add_test_action(
            membership_of(slt),
            restricted_assignment,
            assigned_to=membership_of(site_manager),
            due_on=TOMORROW,
        )
    assert "assigned_to" in refused.value.message_dict


def test_on_a_restricted_incident_a_non_lead_may_alert_and_assign_leads(
    restricted_assignment, slt, deputy, membership_of
):
    action = add_test_action(
        membership_of(slt),
        restricted_assignment,
        assigned_to=membership_of(deputy),
        due_on=TOMORROW,
    )
    assert [a.recipient for a in action.alerts.all()] == [deputy]


def test_on_a_restricted_incident_a_group_alerts_only_its_leads(
    restricted_assignment, slt, deputy, persona, school, membership_of
):
    site_manager = persona(Role.OTHER)
    group = StaffGroup.objects.for_school(school).create(school=school, name="Site and pastoral")
    group.members.add(membership_of(site_manager), membership_of(deputy))
    action = add_test_action(membership_of(slt), restricted_assignment, groups=[group])
    assert [a.recipient for a in action.alerts.all()] == [deputy]


def test_the_action_form_on_a_restricted_incident_offers_only_leads_and_says_so(
    restricted_assignment, slt, deputy, persona, client_as
):
    site_manager = persona(Role.OTHER, first_name="Sid", last_name="Manager")
    response = client_as(slt).get(url("incidents:action-add", restricted_assignment.pk))
    html = response.content.decode()
    assert "only the school's DSLs and deputies can be alerted or given a task" in html
    assert "restricted" not in html.lower()  # staff are not told a restricted category was added
    assert "Sid Manager" not in html
    assert deputy.full_name in html
    assert site_manager.pk


def test_a_dsl_recording_a_restricted_incident_cannot_alert_a_non_lead(
    school, dsl, teacher, membership_of
):
    with pytest.raises(ValidationError) as refused:
        record_test_incident(
            membership_of(dsl),
            categories=[category(school, "Child protection")],
            people=[membership_of(teacher)],
        )
    assert "people" in refused.value.message_dict
    assert not incidents_visible_to(membership_of(teacher)).exists()
