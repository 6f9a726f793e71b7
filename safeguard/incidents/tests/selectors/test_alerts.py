"""A person's own alerts (`selectors/alerts.py`): counted per incident, and those sent to
someone as a lead open nothing once they are no longer one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.accounts.permissions import Role
from safeguard.accounts.services import change_role
from safeguard.incidents.models import Alert, Attachment
from safeguard.incidents.selectors import (
    alerts_for,
    incidents_visible_to,
    unread_alert_count,
)
from safeguard.incidents.tests.factories import (
    category,
    record_test_incident,
)

pytestmark = pytest.mark.django_db


def test_the_unread_count_counts_incidents_not_alerts(
    client_as, dsl, teacher, membership_of, thrice_alerted
):
    record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("dashboard"))
    assert response.context["unread_alerts"] == 2


def url(name: str, *args) -> str:
    return reverse(name, args=args)


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
    assert client.post(url("incidents:alert-read", alert.key)).status_code == 404
    assert client.post(url("incidents:alert-read-by-number", alert.pk)).status_code == 404


def test_a_demoted_deputys_lists_and_counts_leave_it_out(
    demoted_deputy, deputy, membership_of, client_as
):
    membership = membership_of(deputy)
    assert not incidents_visible_to(membership).exists()
    assert not alerts_for(membership).exists()
    assert unread_alert_count(membership) == 0
    html = client_as(deputy).get(url("incidents:alert-list")).content.decode()
    assert f"Open incident {demoted_deputy.pk}" not in html
