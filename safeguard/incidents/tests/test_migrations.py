"""What the migrations set up: tables the database refuses to change, and the data moved by
0006 (shared actions, alerts sent to someone as a lead)."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safeguard.incidents.models import Action, Alert, Category, Incident
from safeguard.incidents.services.actions import submit_action
from safeguard.incidents.tests.factories import record_test_incident, unsealed_action
from safeguard.lib.immutable import allow_purge
from safeguard.lib.tests.app_role import database_owner

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


BEFORE = [("incidents", "0005_refuse_replace_and_retention_purge")]


def migrate(target) -> None:
    with database_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)


def migrate_to_the_latest() -> None:
    """Every app forward to its newest migration, so the tests after this one (transactional
    tests run last, on the same database) find the schema the models expect."""
    with database_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_actions_stay_shared_and_lead_alerts_are_marked(
    school, dsl, deputy, teacher, slt, membership_of
):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    protection = Category.objects.for_school(school).get(name="Child protection")
    ordinary = record_test_incident(
        membership_of(teacher), categories=[behaviour], people=[membership_of(slt)]
    )
    restricted = record_test_incident(membership_of(dsl), categories=[protection])
    action = submit_action(
        membership=membership_of(dsl),
        incident=ordinary,
        submit_key=uuid.uuid4(),
        text="Spoke to mum.",
        occurred_at=timezone.now(),
    ).record
    assert action.is_shared_with_alerted is False

    migrate(BEFORE)
    # As an alert about an action could be labelled once a DSL had added Child protection.
    Alert.objects.for_school(school).filter(recipient=slt).update(
        category_label="Behaviour, Child protection"
    )
    migrate_to_the_latest()

    action = Action.objects.for_school(school).get(pk=action.pk)
    assert action.is_shared_with_alerted is True
    alerts = Alert.objects.for_school(school)
    assert not alerts.get(incident=ordinary, recipient=slt).is_lead_only
    assert alerts.get(incident=ordinary, recipient=slt).category_label == "Behaviour"
    assert alerts.get(incident=restricted, recipient=deputy).is_lead_only
    with pytest.raises(DatabaseError), transaction.atomic():
        Action.objects.for_school(school).filter(pk=action.pk).update(text="Changed.")
