"""Someone with the database's own rights rewrites, removes or adds a record behind the app's back.

The triggers stop the app and stray queries; they do not stop the database's owner, who can drop
or disable them. What must hold is that `verify_audit` notices: every record is sealed
into the audit trail when it is written, and the command recomputes each one from the database
and the files on disk and names the first that differs, is missing, or was never sealed.

On SQLite the attacker opens the database file with the plain `sqlite3` module (no Django, no
purge switch), drops the table's triggers and writes. On PostgreSQL the test connection is the
tables' owner: `ALTER TABLE ... DISABLE TRIGGER USER`, then the write. These tests commit what
they do (transactional), so the triggers are put back afterwards.
"""

import re
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from safeguard.audit.models import Seal
from safeguard.incidents.models import Category
from safeguard.incidents.services import actions, bodymap, corrections, recording
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.immutable import protect_tables
from safeguard.lib.tests.app_role import database_owner
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile.files import png_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_TABLES = [
    "incidents_incident",
    "incidents_incidentcategory",
    "incidents_linkedpupil",
    "incidents_action",
    "incidents_bodymapmark",
    "incidents_attachment",
    "incidents_incidentcorrection",
    "audit_seal",
]


@pytest.fixture(autouse=True)
def _triggers_put_back():
    yield
    install, remove = protect_tables(*RECORD_TABLES)
    with database_owner(), connection.schema_editor() as editor:
        remove(apps, editor)
        install(apps, editor)


def behind_the_apps_back(table: str, sql: str, params: tuple = ()) -> None:
    """Write to a protected table as its owner would: with its triggers out of the way."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        raw = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            raw.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            raw.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            raw.execute(sql.replace("%s", "?"), params)
            raw.commit()
        finally:
            raw.close()
    else:
        with database_owner(), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def verify_audit_fails(message: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    assert message in str(refused.value), str(refused.value)
    return str(refused.value)


def sealed_at(label: str, pk: int) -> int:
    return Seal.objects.get(record_type=label, record_id=pk).event_id


@pytest.fixture
def records(school, teacher, dsl, membership_of):
    """One of every kind of protected record, each written through its service."""
    incident = record_test_incident(
        membership_of(teacher),
        links=[recording.Link(PupilFactory(school=school))],
        marks=[bodymap.Mark(side="front", x=500, y=300, mark_type="bruise", note="left arm")],
        files=[upload("bruise.png", png_bytes(), "image/png")],
    )
    action = actions.submit_action(
        membership=membership_of(teacher),
        incident=incident,
        submit_key=uuid.uuid4(),
        text="Phoned mum.",
        occurred_at=timezone.now(),
        files=[upload("call.txt", b"Mum called back.", "text/plain")],
    ).record
    correction = corrections.report_mistake(
        membership=membership_of(teacher), incident=incident, note="Wrong day."
    )
    call_command("verify_audit")  # what the services wrote verifies before anyone meddles
    return {"incident": incident, "action": action, "correction": correction}


def pick(label: str, records: dict) -> int:
    """The id of one record of this kind among those the fixture wrote."""
    model = apps.get_model(label)
    incident = records["incident"]
    rows = model._base_manager.filter(school=incident.school)
    return rows.order_by("pk").values_list("pk", flat=True).first()


# kind -> (record type, table, column, new value)
REWRITES = {
    "incident": ("incidents.incident", "incidents_incident", "text", "Nothing happened."),
    "action": ("incidents.action", "incidents_action", "text", "Nobody was told."),
    "body-map mark": ("incidents.bodymapmark", "incidents_bodymapmark", "note", "none"),
    "correction": (
        "incidents.incidentcorrection",
        "incidents_incidentcorrection",
        "reason",
        "All fine.",
    ),
    "linked pupil": ("incidents.linkedpupil", "incidents_linkedpupil", "role", "witness"),
    "category as recorded": (
        "incidents.incidentcategory",
        "incidents_incidentcategory",
        "category_id",
        None,  # another category of the school
    ),
    "attachment": ("incidents.attachment", "incidents_attachment", "original_name", "x.png"),
}


@pytest.mark.parametrize("kind", REWRITES)
def test_verify_audit_names_a_record_rewritten_behind_the_apps_back(kind, records, school):
    label, table, column, value = REWRITES[kind]
    pk = pick(label, records)
    if value is None:
        value = Category.objects.for_school(school).get(name="Behaviour").pk
    rewrite = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608
    behind_the_apps_back(table, rewrite, (value, pk))
    verify_audit_fails(
        f"{label} {pk}: contents differ from the audit trail sealed at event "
        f"#{sealed_at(label, pk)}"
    )


# Rows nothing else points at, so the owner can delete them with foreign keys still enforced.
DELETABLE = {
    kind: REWRITES[kind][:2]
    for kind in (
        "body-map mark",
        "correction",
        "linked pupil",
        "category as recorded",
        "attachment",
    )
}


@pytest.mark.parametrize("kind", DELETABLE)
def test_verify_audit_names_a_record_deleted_behind_the_apps_back(kind, records):
    label, table = DELETABLE[kind]
    pk = pick(label, records)
    event = sealed_at(label, pk)
    behind_the_apps_back(table, f"DELETE FROM {table} WHERE id = %s", (pk,))  # noqa: S608
    verify_audit_fails(f"{label} {pk}: missing; it was sealed at event #{event}")


# kind -> (record type, columns to change in the copy so it fits the table's unique constraints)
INSERTS: dict[str, tuple[str, dict[str, Callable[[], object]]]] = {
    "incident": ("incidents.incident", {"submit_key": uuid.uuid4, "text": lambda: "Invented."}),
    "action": ("incidents.action", {"submit_key": uuid.uuid4, "text": lambda: "Invented."}),
    "body-map mark": ("incidents.bodymapmark", {"number": lambda: 99}),
    "correction": ("incidents.incidentcorrection", {"reason": lambda: "Invented."}),
}


def insert_a_copy(kind: str, source: int) -> int:
    """Copy a row of `kind` behind the app's back (fitting its unique columns); its new id."""
    label, overrides = INSERTS[kind]
    model = apps.get_model(label)
    table = model._meta.db_table
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.name in overrides:
            expressions.append("%s")
            params.append(field.get_db_prep_value(overrides[field.name](), connection))
        else:
            expressions.append(field.column)
    behind_the_apps_back(
        table,
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {table} WHERE id = %s",
        (*params, source),
    )
    return model._base_manager.order_by("-pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("kind", INSERTS)
def test_verify_audit_names_a_record_inserted_behind_the_apps_back(kind, records):
    label, _ = INSERTS[kind]
    inserted = insert_a_copy(kind, pick(label, records))
    verify_audit_fails(f"{label} {inserted}: present but never sealed in the audit trail")


def test_verify_audit_names_an_attachment_whose_stored_file_was_changed_on_disk(records):
    pk = pick("incidents.attachment", records)
    attachment = apps.get_model("incidents.attachment")._base_manager.get(pk=pk)
    Path(default_storage.path(attachment.stored_name)).write_bytes(b"a different picture")
    verify_audit_fails(
        f"incidents.attachment {pk}: contents differ from the audit trail sealed at event "
        f"#{sealed_at('incidents.attachment', pk)}"
    )


def test_verify_audit_names_an_attachment_whose_stored_file_was_removed(records):
    pk = pick("incidents.attachment", records)
    attachment = apps.get_model("incidents.attachment")._base_manager.get(pk=pk)
    Path(default_storage.path(attachment.stored_name)).unlink()
    verify_audit_fails(f"incidents.attachment {pk}: contents differ")


def test_rewriting_the_seal_as_well_as_the_record_breaks_the_event_that_sealed_it(records):
    """The owner rewrites an incident and its seal to match; the event's commitment no longer does."""
    from safeguard.audit import sealing

    incident = records["incident"]
    behind_the_apps_back(
        "incidents_incident",
        "UPDATE incidents_incident SET text = %s WHERE id = %s",
        ("Nothing happened.", incident.pk),
    )
    forged = sealing.digests([incident])[0].sha256
    seal = Seal.objects.get(record_type="incidents.incident", record_id=incident.pk)
    behind_the_apps_back(
        "audit_seal", "UPDATE audit_seal SET sha256 = %s WHERE id = %s", (forged, seal.pk)
    )
    message = verify_audit_fails(f"event #{seal.event_id}: the seals kept for it")
    assert re.search(r"[0-9]+ problems?", message)


def test_a_seal_slipped_in_beside_an_event_that_sealed_nothing_is_named(records, school):
    """The owner inserts a record and a seal for it, naming an old event: that event sealed nothing."""
    from safeguard.audit import sealing
    from safeguard.audit.models import AuditAction, AuditEvent, SealLayout

    incident = records["incident"]
    bystander = AuditEvent.objects.filter(action=AuditAction.SCHOOL_CREATED).order_by("id").first()
    forged = sealing.digests([incident])[0]
    layout = SealLayout.objects.get(record_type="incidents.incident")
    behind_the_apps_back(
        "audit_seal",
        "INSERT INTO audit_seal (event_id, record_type, record_id, layout_id, sha256) "
        "VALUES (%s, %s, %s, %s, %s)",
        (bystander.pk, "incidents.incident", incident.pk + 1000, layout.pk, forged.sha256),
    )
    verify_audit_fails(
        f"incidents.incident {incident.pk + 1000}: its seal names event #{bystander.pk}, "
        "which sealed nothing"
    )


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's foreign key already refuses a seal that names no event",
)
def test_a_record_inserted_with_a_seal_naming_an_event_that_does_not_exist_is_named(records):
    """Another program writing the file (which enforces no foreign keys) adds an incident and
    a seal for it that names an event far beyond the trail, as if written during the check."""
    from safeguard.audit.models import SealLayout

    label, _ = INSERTS["incident"]
    inserted = insert_a_copy("incident", records["incident"].pk)
    layout = SealLayout.objects.get(record_type=label)
    behind_the_apps_back(
        "audit_seal",
        "INSERT INTO audit_seal (event_id, record_type, record_id, layout_id, sha256) "
        "VALUES (%s, %s, %s, %s, %s)",
        (999_999_999, label, inserted, layout.pk, "0" * 64),
    )
    try:
        message = verify_audit_fails(f"{label} {inserted}: present but never sealed")
        assert "2 problems" in message  # the forged seal is named as well
    finally:  # the test database's own foreign-key check at the end would refuse it
        behind_the_apps_back("audit_seal", "DELETE FROM audit_seal WHERE event_id = 999999999")
