"""A chronology shows incidents that name other children: every view, print and PDF of it
names the incidents it showed, so the access log of each child they concern lists it
("who has seen this child's record"), and the access log of a child it did not show
stays empty."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent, ShownIncident
from safeguard.casework.tests.test_chronology_views import ask_for_pdf, export_url
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oscar(school):
    return PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Zebedee")


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


def chronology(name, pupil):
    return reverse(f"casework:{name}", kwargs={"pupil_id": pupil.pk})


def access_log(client, pupil):
    response = client.get(reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk}))
    assert response.status_code == 200
    return response


def test_a_view_a_print_and_a_pdf_of_oscars_chronology_are_in_sallys_access_log(
    client_as, dsl, deputy, teacher, membership_of, oscar, sally, django_capture_on_commit_callbacks
):
    incident = record_test_incident(
        membership_of(teacher), pupil=oscar, text="Oscar pushed Sally.", links=[Link(sally)]
    )
    reader = client_as(deputy)
    assert reader.get(chronology("chronology", oscar)).status_code == 200
    assert reader.post(chronology("chronology-print", oscar)).status_code == 200
    _, export = ask_for_pdf(reader, oscar, django_capture_on_commit_callbacks)
    assert reader.post(export_url("chronology-pdf-download", export)).status_code == 200

    response = access_log(client_as(dsl), sally)
    rows = response.context["rows"]
    assert [row["event"].action for row in rows] == [
        AuditAction.CHRONOLOGY_DOWNLOADED,
        AuditAction.CHRONOLOGY_PRINTED,
        AuditAction.CHRONOLOGY_VIEWED,
    ]
    assert {row["event"].actor for row in rows} == {deputy}
    assert {row["event"].detail["incidents_shown"][0] for row in rows} == {incident.pk}
    content = response.content.decode()
    assert "Another pupil&#x27;s chronology, showing an incident about this pupil" in content
    assert "Oscar" not in content.split("<main", 1)[1]
    # Oscar's own log lists them as views of his record, as before.
    oscars = access_log(client_as(dsl), oscar).context["rows"]
    assert [row["subject"].label for row in oscars][:3] == ["Pupil record"] * 3


def test_nothing_appears_for_a_pupil_the_chronology_did_not_show(
    client_as, dsl, teacher, membership_of, oscar, sally, school
):
    """Sally is linked to an incident the filtered page leaves out: her log stays empty,
    and so does a child on no incident at all."""
    from safeguard.casework.services.key_events import start_of  # noqa: F401 (the app loads)

    record_test_incident(
        membership_of(teacher), pupil=oscar, text="Oscar pushed Sally.", links=[Link(sally)]
    )
    stranger = PupilFactory(school=school)
    client_as(dsl).post(chronology("chronology", oscar), {"entry_type": "key_event"})
    assert list(access_log(client_as(dsl), sally).context["rows"]) == []
    assert list(access_log(client_as(dsl), stranger).context["rows"]) == []


def test_the_events_name_the_incidents_shown_own_and_linked(
    client_as, dsl, teacher, membership_of, oscar, sally
):
    own = record_test_incident(membership_of(teacher), pupil=oscar)
    about_sally = record_test_incident(membership_of(teacher), pupil=sally, links=[Link(oscar)])
    client_as(dsl).get(chronology("chronology", oscar))
    event = AuditEvent.objects.get(action=AuditAction.CHRONOLOGY_VIEWED)
    assert event.detail["incidents_shown"] == sorted([own.pk, about_sally.pk])
    assert sorted(
        ShownIncident.objects.filter(event=event).values_list("incident_id", flat=True)
    ) == sorted([own.pk, about_sally.pk])


def test_the_shown_incidents_cannot_be_changed_or_deleted(
    client_as, dsl, teacher, membership_of, oscar
):
    record_test_incident(membership_of(teacher), pupil=oscar)
    client_as(dsl).get(chronology("chronology", oscar))
    for statement in (
        "UPDATE audit_shownincident SET incident_id = 1",
        "DELETE FROM audit_shownincident",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ShownIncident.objects.count() == 1
