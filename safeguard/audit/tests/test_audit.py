import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import GENESIS, genesis, record, verify_chain
from safeguard.lib.tests.app_role import database_owner

pytestmark = pytest.mark.django_db


def test_each_event_chains_to_the_previous_one(school, dsl):
    first = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school, target=school)
    second = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school, target=school)
    assert second.prev_hash == first.hash
    # Each chain starts from its own genesis value: the school's, and the deployment's.
    assert AuditEvent.objects.filter(chain=school.pk).first().prev_hash == genesis(school.pk)
    outside = record(actor=None, action=AuditAction.SIGN_IN_FAILED, detail={})
    assert outside.prev_hash == GENESIS


def test_an_untouched_chain_verifies(school, dsl):
    for _ in range(3):
        record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    checked, broken = verify_chain()
    assert broken is None
    assert checked == AuditEvent.objects.count()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"]
)
def test_the_database_refuses_to_change_or_remove_audit_events(school, dsl, statement):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action=AuditAction.SCHOOL_UPDATED).exists()


def _tamper(event_id):
    """What an attacker with the database owner's rights could do: drop the guard, edit a row."""
    with database_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks deferred to the test's commit would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_immutable"
            )
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
        cursor.execute(
            "UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["999", event_id]
        )


def test_verify_names_the_first_tampered_event(school, dsl):
    events = [record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school) for _ in range(4)]
    _tamper(events[2].pk)
    checked, broken = verify_chain()
    assert broken.pk == events[2].pk
    assert checked == AuditEvent.objects.filter(pk__lt=events[2].pk).count()


def test_verify_audit_command_fails_on_a_tampered_chain(school, dsl):
    event = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    _tamper(event.pk)
    with pytest.raises(CommandError, match=f"#{event.pk}"):
        call_command("verify_audit")


def test_verify_audit_command_reports_an_intact_chain(school, dsl, capsys):
    record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
