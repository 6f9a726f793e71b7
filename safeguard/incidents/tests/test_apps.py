"""Every record is sealed into the audit trail by the service that writes it: the app
registers each table the database protects for sealing (`apps.py`), and `verify_audit`
names any record changed, removed or added behind the services' back."""

import io
import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from safeguard.audit import sealing
from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.incidents.models import Action
from safeguard.incidents.services import actions, bodymap, corrections, recording
from safeguard.incidents.tests.factories import record_test_incident, unsealed_action
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def seals_of(event: AuditEvent) -> set[tuple[str, int]]:
    return set(Seal.objects.filter(event=event).values_list("record_type", "record_id"))


def notes(data: bytes = b"Notes from the call.") -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.txt", data, "text/plain")


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_recording_an_incident_seals_it_and_everything_recorded_with_it(
    teacher, membership_of, school
):
    incident = record_test_incident(
        membership_of(teacher),
        links=[recording.Link(PupilFactory(school=school))],
        marks=[bodymap.Mark(side="back", x=400, y=500, mark_type="bruise")],
        files=[notes()],
    )
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RECORDED)
    labels = sorted(label for label, _ in seals_of(event))
    assert labels == [
        "incidents.attachment",
        "incidents.bodymapmark",
        "incidents.incident",
        "incidents.incidentcategory",
        "incidents.incidentreference",
        "incidents.linkedpupil",
    ]
    assert ("incidents.incident", incident.pk) in seals_of(event)
    assert event.detail["sealed"]["records"] == 6


def test_adding_an_action_seals_it_and_its_files(teacher, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    action = actions.submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Phoned mum.",
        occurred_at=timezone.now(),
        files=[notes()],
    ).record
    event = AuditEvent.objects.get(action=AuditAction.ACTION_ADDED)
    assert {label for label, _ in seals_of(event)} == {"incidents.action", "incidents.attachment"}
    assert ("incidents.action", action.pk) in seals_of(event)


def test_a_correction_and_a_mistake_report_are_sealed(teacher, dsl, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    reported = corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="Wrong day."
    )
    corrected = corrections.set_status(
        membership=membership_of(dsl), incident=incident, status="open", reason="Looking into it."
    )
    for action, correction in (
        (AuditAction.MISTAKE_REPORTED, reported),
        (AuditAction.INCIDENT_STATUS_CHANGED, corrected),
    ):
        event = AuditEvent.objects.get(action=action)
        assert seals_of(event) == {("incidents.incidentcorrection", correction.pk)}


def test_the_seal_holds_a_digest_not_the_record_text(teacher, membership_of):
    record_test_incident(membership_of(teacher), text="Sally said she was sad.")
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RECORDED)
    assert "Sally" not in str(event.detail)
    assert all(len(sha) == 64 for sha in Seal.objects.values_list("sha256", flat=True))


def test_verify_audit_passes_on_records_written_through_the_services(
    teacher, dsl, membership_of, school
):
    incident = record_test_incident(
        membership_of(teacher),
        marks=[bodymap.Mark(side="front", x=500, y=300, mark_type="cut")],
        files=[notes()],
    )
    actions.submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Phoned mum.",
        occurred_at=timezone.now(),
    )
    corrections.withdraw(membership=membership_of(dsl), incident=incident, reason="Wrong child.")
    out = verify()
    assert "Audit chain intact" in out
    assert f"Sealed records intact: {Seal.objects.count()} records checked." in out


def test_a_record_written_without_its_service_is_reported_as_never_sealed(
    teacher, membership_of, school
):
    incident = record_test_incident(membership_of(teacher))
    action = unsealed_action(incident, "Added by a script.")
    with pytest.raises(CommandError, match=f"incidents.action {action.pk}: present but never"):
        verify()


def test_records_written_before_sealing_existed_are_sealed_once_by_the_upgrade(
    teacher, membership_of, school
):
    incident = record_test_incident(membership_of(teacher))
    unsealed_action(incident, "Written before this version.")
    sealed = sealing.seal_existing(apps, labels=sealing.registered_labels())
    assert sealed == 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditAction.RECORDS_SEALED
    assert event.detail["sealed"]["records"] == 1
    assert "Sealed records intact" in verify()
    assert sealing.seal_existing(apps, labels=sealing.registered_labels()) == 0


def test_the_upgrade_seals_in_chunks_each_with_its_own_event(teacher, membership_of, school):
    incident = record_test_incident(membership_of(teacher))
    for n in range(5):
        unsealed_action(incident, f"Old action {n}.")
    assert sealing.seal_existing(apps, labels=["incidents.action"], chunk_size=2) == 5
    assert AuditEvent.objects.filter(action=AuditAction.RECORDS_SEALED).count() == 3
    assert "Sealed records intact" in verify()


def test_sealing_refuses_a_model_that_is_not_a_sealed_record_type(school, dsl):
    from safeguard.audit.services import record

    with pytest.raises(LookupError):
        record(actor=dsl, action=AuditAction.CATEGORY_CREATED, school=school, seal=[school])


def _protected_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%\\_no\\_update' ESCAPE '\\'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%\\_immutable'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_the_database_protects_is_a_sealed_record_type():
    """A table made immutable without being registered would go unchecked by verify_audit."""
    registered = {apps.get_model(label)._meta.db_table for label in sealing.registered_labels()}
    the_trail_itself = {"audit_auditevent", "audit_seal", "audit_seallayout", "audit_shownincident"}
    assert _protected_tables() - the_trail_itself == registered


def test_a_column_added_after_a_record_was_sealed_leaves_its_seal_valid(
    teacher, membership_of, school
):
    """Each seal names the fields it covers: here, an action sealed before `due_on` existed."""
    from safeguard.audit.services import append_event

    incident = record_test_incident(membership_of(teacher))
    action = unsealed_action(incident, "Sealed by an older version.")
    older = [name for name in sealing.field_names(Action) if name != "due_on"]
    row = Action.objects.for_school(school).filter(pk=action.pk).values(*older).get()
    digest = sealing.Digest(
        "incidents.action",
        action.pk,
        " ".join(older),
        sealing.record_digest("incidents.action", older, row, None),
    )
    append_event(
        AuditEvent(
            action=AuditAction.RECORDS_SEALED, detail={"sealed": sealing.commitment([digest])}
        ),
        [digest],
    )
    assert "Sealed records intact" in verify()
