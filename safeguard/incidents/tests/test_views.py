import pytest
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.tests.factories import record_test_incident

pytestmark = pytest.mark.django_db


def test_author_opens_their_incident_and_the_view_is_audited(client_as, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher), text="Sally said <b>hello</b>")
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    assert b"Sally said &lt;b&gt;hello&lt;/b&gt;" in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.INCIDENT_VIEWED, actor=teacher, target_id=str(incident.pk)
    ).exists()


def test_someone_elses_incident_is_not_found(client_as, teacher, midday, membership_of, school):
    from safeguard.incidents.models import Category

    incident = record_test_incident(
        membership_of(midday),
        categories=[Category.objects.for_school(school).get(name="Behaviour")],
    )
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[incident.pk]))
    assert response.status_code == 404


def test_missing_incident_looks_the_same_as_someone_elses(client_as, teacher):
    response = client_as(teacher).get(reverse("incidents:incident-detail", args=[999999]))
    assert response.status_code == 404


def test_dsl_lists_every_incident(client_as, dsl, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("incidents:incident-list"))
    assert list(response.context["page"].object_list) == [incident]


def test_governor_cannot_open_incidents(client_as, governor, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    client = client_as(governor)
    assert client.get(reverse("incidents:incident-list")).status_code == 403
    assert client.get(reverse("incidents:incident-detail", args=[incident.pk])).status_code == 403


def test_long_incident_list_is_paged_with_older_and_newer_links(
    client_as, dsl, teacher, membership_of
):
    for _ in range(51):
        record_test_incident(membership_of(teacher))
    client = client_as(dsl)
    first = client.get(reverse("incidents:incident-list"))
    assert len(first.context["page"].object_list) == 50
    assert b'href="?page=2">Older</a>' in first.content
    second = client.get(reverse("incidents:incident-list") + "?page=2")
    assert len(second.context["page"].object_list) == 1
    assert b'href="?page=1">Newer</a>' in second.content


def test_dsl_dashboard_lists_incidents_awaiting_review(client_as, dsl, teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    response = client_as(dsl).get(reverse("dashboard"))
    assert response.context["awaiting_review_count"] == 1
    assert list(response.context["awaiting_review"]) == [incident]


def test_teacher_dashboard_has_no_review_list(client_as, teacher, membership_of):
    record_test_incident(membership_of(teacher))
    response = client_as(teacher).get(reverse("dashboard"))
    assert response.context["awaiting_review_count"] == 0
    assert b"Awaiting your review" not in response.content


def test_dsl_filters_the_list_by_review_status(client_as, dsl, teacher, membership_of, school):
    from safeguard.incidents.models import IncidentReview

    reviewed = record_test_incident(membership_of(teacher))
    fresh = record_test_incident(membership_of(teacher))
    IncidentReview.objects.for_school(school).filter(incident=reviewed).update(status="open")
    client = client_as(dsl)
    new_only = client.get(reverse("incidents:incident-list") + "?status=new")
    assert list(new_only.context["page"].object_list) == [fresh]
    nonsense = client.get(reverse("incidents:incident-list") + "?status=nonsense")
    assert len(nonsense.context["page"].object_list) == 2
