"""Events written before chains were per school still verify, and new ones start the chains."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import append_event, check_chain, genesis, record
from safeguard.lib.tests.app_role import database_owner

BEFORE = [("audit", "0010_more_audit_actions")]


def migrate(target) -> MigrationExecutor:
    with database_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
    return executor


@pytest.mark.django_db(transaction=True)
def test_events_written_before_per_school_chains_verify_and_the_deployment_chain_extends_them():
    school_model = AuditEvent._meta.get_field("school").related_model
    school = school_model._base_manager.create(name="Larkspur Primary", reference_code="LAR")
    executor = migrate(BEFORE)
    try:
        # Written as the code of that time wrote them: one chain for every school.
        old = executor.loader.project_state(BEFORE).apps.get_model("audit", "AuditEvent")
        legacy = [
            append_event(
                old(school_id=school.pk, action="school_updated", created_at=timezone.now())
            ),
            append_event(old(action="sign_in_failed", created_at=timezone.now())),
        ]
    finally:
        # Every app to its latest migration, so the tests after this one find the schema.
        migrate(executor.loader.graph.leaf_nodes())

    assert set(AuditEvent.objects.values_list("chain", flat=True)) == {None}
    assert check_chain().broken is None

    inside = record(actor=None, action=AuditAction.SCHOOL_UPDATED, school=school)
    outside = record(actor=None, action=AuditAction.SIGN_IN_FAILED, detail={})
    assert inside.prev_hash == genesis(school.pk)  # the school's own chain starts afresh
    assert outside.prev_hash == legacy[-1].hash  # the deployment's chain carries on
    result = check_chain()
    assert result.broken is None
    assert result.checked == 4
    assert {c.key: c.checked for c in result.chains} == {None: 3, school.pk: 1}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares bytes anyway")
def test_the_hash_columns_compare_byte_by_byte_and_still_refuse_a_second_successor():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, coll.collname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_collation coll ON coll.oid = a.attcollation "
            "WHERE (c.relname, a.attname) IN (('audit_auditevent', 'hash'), "
            "('audit_auditevent', 'prev_hash'), ('audit_seal', 'record_type'))"
        )
        found = {(table, column): name for table, column, name in cursor.fetchall()}
    assert found == {
        ("audit_auditevent", "hash"): "C",
        ("audit_auditevent", "prev_hash"): "C",
        ("audit_seal", "record_type"): "C",
    }
    first = record(actor=None, action=AuditAction.SIGN_IN_FAILED)
    fork = AuditEvent(action=AuditAction.SIGN_IN_FAILED, prev_hash=first.prev_hash, hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()
