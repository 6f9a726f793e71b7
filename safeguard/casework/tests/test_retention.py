"""A reviewed incident is destroyed with its reviews once the retention period is over, and the
audit trail still verifies: what was destroyed is named, not reported missing."""

import datetime
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.casework.models import TriageEntry
from safeguard.casework.tests.factories import decision, review
from safeguard.incidents.models import Alert, Category, Incident
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.tests.app_role import database_owner
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def past_retention(pupil: Pupil) -> Pupil:
    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 26)
    Pupil.objects.for_school(pupil.school).filter(pk=pupil.pk).update(date_of_birth=long_ago)
    pupil.refresh_from_db()
    return pupil


def test_a_reviewed_incident_is_destroyed_with_its_reviews_and_the_trail_verifies(
    lead, teacher, membership_of, school
):
    pupil = PupilFactory(school=school)
    incident = record_test_incident(membership_of(teacher), pupil=pupil)
    kept = record_test_incident(membership_of(teacher))
    restricted = Category.objects.for_school(school).filter(is_restricted=True).first()
    first = review(
        lead,
        incident,
        risk_level="medium",
        decision=decision(school, "Monitor"),
        rationale="Watch for a pattern.",
        categories=[restricted] if restricted else None,
        reply_kind="thanks",
    )
    second = review(lead, incident, risk_level="high", risk_reason="A second disclosure.")
    kept_review = review(lead, kept)
    past_retention(pupil)

    assert destroy_pupil_records(actor=lead.user, pupil=pupil) == 1

    assert not Incident.objects.for_school(school).filter(pk=incident.pk).exists()
    assert not TriageEntry.objects.for_school(school).filter(incident_id=incident.pk).exists()
    assert not Alert.objects.for_school(school).filter(incident_id=incident.pk).exists()
    assert TriageEntry.objects.for_school(school).filter(pk=kept_review.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    destroyed = event.detail["destroyed"]
    assert sorted(destroyed["casework.triageentry"]) == sorted([first.pk, second.pk])
    assert destroyed["incidents.incident"] == [incident.pk]
    # Their seals stay (the trail is never cut), and name records the event destroyed.
    assert Seal.objects.filter(record_type="casework.triageentry", record_id=first.pk).exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
    assert "destroyed" in out.getvalue()


def purge_function_source() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef('safeguard_purge_pupil_records(bigint)'::regprocedure)"
        )
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_the_reviews_to_the_purge_function_and_reverses(db):
    migration = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_triageentry" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_triageentry" not in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_triageentry" in purge_function_source()


def test_a_review_deleted_any_other_way_is_still_missing_after_a_destruction(
    lead, teacher, membership_of, school
):
    pupil = past_retention(PupilFactory(school=school))
    review(lead, record_test_incident(membership_of(teacher), pupil=pupil))
    kept = review(lead, record_test_incident(membership_of(teacher)))
    destroy_pupil_records(actor=lead.user, pupil=pupil)
    delete = "DELETE FROM casework_triageentry WHERE id = %s"
    with database_owner(), connection.cursor() as cursor:  # as the database's owner would
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER casework_triageentry_no_delete")
            cursor.execute(delete, [kept.pk])
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE casework_triageentry DISABLE TRIGGER USER")
            cursor.execute(delete, [kept.pk])
            cursor.execute("ALTER TABLE casework_triageentry ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match=f"casework.triageentry {kept.pk}: missing"):
        call_command("verify_audit", stdout=io.StringIO())


def test_the_pupils_key_events_are_destroyed_with_their_records_and_the_trail_verifies(
    lead, school
):
    from safeguard.casework.models import KeyEvent
    from safeguard.casework.services.key_events import add_key_event

    pupil = past_retention(PupilFactory(school=school))
    other = PupilFactory(school=school)
    doomed = add_key_event(
        membership=lead,
        pupil=pupil,
        kind="case_closed",
        happened_on=datetime.date.today(),
        summary="Case closed by social care.",
    )
    kept = add_key_event(
        membership=lead,
        pupil=other,
        kind="other",
        happened_on=datetime.date.today(),
        summary="Another child's event.",
    )
    destroy_pupil_records(actor=lead.user, pupil=pupil)
    assert list(KeyEvent.objects.for_school(school).values_list("pk", flat=True)) == [kept.pk]
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    assert event.detail["destroyed"]["casework.keyevent"] == [doomed.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_the_key_events_to_the_purge_function_and_reverses(db):
    migration = import_module(
        "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
    )
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_keyevent" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_keyevent" not in purge_function_source()
        assert "DELETE FROM casework_triageentry" in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_keyevent" in purge_function_source()


def test_a_pdf_of_the_chronology_still_waiting_is_deleted_with_the_records(
    lead, teacher, membership_of, school, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from safeguard.casework.chronology.exports import request_pdf
    from safeguard.casework.models import ChronologyExport

    pupil = PupilFactory(school=school)
    record_test_incident(membership_of(teacher), pupil=pupil)
    with django_capture_on_commit_callbacks(execute=True):
        export = request_pdf(membership=lead, pupil=pupil, data={})
    other = request_pdf(membership=lead, pupil=PupilFactory(school=school), data={})
    stored_name = ChronologyExport.objects.for_school(school).get(pk=export.pk).stored_name
    assert default_storage.exists(stored_name)
    past_retention(pupil)

    destroy_pupil_records(actor=lead.user, pupil=pupil)

    assert not ChronologyExport.objects.for_school(school).filter(pk=export.pk).exists()
    assert not default_storage.exists(stored_name)
    assert ChronologyExport.objects.for_school(school).filter(pk=other.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    assert event.detail["destroyed"]["casework.chronologyexport"] == [export.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
