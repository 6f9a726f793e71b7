"""The database itself refuses to change or remove what was recorded (SQLite and PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguard.incidents.models import Incident
from safeguard.incidents.tests.factories import record_test_incident, unsealed_action
from safeguard.lib.immutable import allow_purge

pytestmark = pytest.mark.django_db

RECORD_TABLES = [
    "incidents_incident",
    "incidents_incidentcategory",
    "incidents_linkedpupil",
    "incidents_action",
    "incidents_bodymapmark",
    "incidents_attachment",
    "incidents_incidentcorrection",
]


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_a_submitted_incident_is_refused(teacher, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    with pytest.raises(DatabaseError):
        raw("UPDATE incidents_incident SET text = %s WHERE id = %s", ["rewritten", incident.pk])
    assert Incident.objects.for_school(school).get(pk=incident.pk).text == incident.text


def test_raw_delete_of_a_submitted_incident_is_refused(teacher, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    with pytest.raises(DatabaseError):
        raw("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
    assert Incident.objects.for_school(school).filter(pk=incident.pk).exists()


def test_orm_save_of_a_submitted_incident_is_refused(teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    incident.text = "changed"
    with pytest.raises(DatabaseError), transaction.atomic():
        incident.save()


@pytest.fixture
def one_row_in_every_record_table(teacher, membership_of, school):

    from django.core.files.uploadedfile import SimpleUploadedFile

    from safeguard.incidents.models import Attachment, IncidentCorrection
    from safeguard.incidents.services import bodymap, recording
    from safeguard.pupils.tests.factories import PupilFactory

    incident = record_test_incident(
        membership_of(teacher),
        links=[recording.Link(PupilFactory(school=school))],
        marks=[bodymap.Mark(side="front", x=500, y=300, mark_type="bruise")],
        files=[SimpleUploadedFile("note.txt", b"abc", "text/plain")],
    )
    unsealed_action(incident, "Phoned mum.")
    IncidentCorrection.objects.create(
        school=school, incident=incident, kind="mistake_reported", made_by=teacher
    )
    assert Attachment.objects.for_school(school).exists()


@pytest.mark.parametrize("table", RECORD_TABLES)
def test_every_record_table_refuses_update_and_delete(table, one_row_in_every_record_table):
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError):
            raw(statement)


def test_purge_switch_allows_delete_but_never_update(teacher, membership_of):
    incident = record_test_incident(membership_of(teacher))
    with allow_purge(), pytest.raises(DatabaseError):
        raw("UPDATE incidents_incident SET text = 'x' WHERE id = %s", [incident.pk])
    # Outside the switch, delete is refused again.
    with pytest.raises(DatabaseError):
        raw("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
