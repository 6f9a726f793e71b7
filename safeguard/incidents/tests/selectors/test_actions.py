"""What of an incident's actions and files a member may read (`selectors/actions.py`): staff
alerted to an incident see neither a restricted category nor an action a lead kept for
the leads, nor its files; a lead's access to them ends with the role."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.incidents.models import Attachment
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
