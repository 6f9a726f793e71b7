"""Many requests auditing at once must still make unbroken chains, never a fork, and
different schools' requests must not wait for each other."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import check_chain, record, verify_chain

WRITERS = 20


def _in_memory_sqlite() -> bool:
    database = connections[DEFAULT_DB_ALIAS]
    return isinstance(database, SQLiteDatabase) and database.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain(school, dsl):
    if _in_memory_sqlite():
        # Shared-cache memory databases refuse a waiting writer at once; the suite's
        # SQLite test database is a file (pyproject.toml: SQLITE_TEST_PATH).
        pytest.skip("needs a SQLite file or PostgreSQL")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def append() -> None:
        try:
            start.wait()
            record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
        except BaseException as error:  # reported below, with the others
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AuditEvent.objects.filter(action=AuditAction.SCHOOL_UPDATED).count() == WRITERS
    checked, broken = verify_chain()
    assert broken is None
    assert checked == AuditEvent.objects.count()


@pytest.mark.django_db(transaction=True)
def test_two_schools_appending_at_once_each_keep_one_unbroken_chain(
    school, other_school, dsl, dsl_other_school
):
    if _in_memory_sqlite():
        pytest.skip("needs a SQLite file or PostgreSQL")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def append(n: int) -> None:
        try:
            start.wait()
            if n % 2:
                record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
            else:
                record(
                    actor=dsl_other_school, action=AuditAction.SCHOOL_UPDATED, school=other_school
                )
        except BaseException as error:  # reported below, with the others
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    for key in (school.pk, other_school.pk):
        updates = AuditEvent.objects.filter(chain=key, action=AuditAction.SCHOOL_UPDATED)
        assert updates.count() == WRITERS // 2
    result = check_chain()
    assert result.broken is None
    assert result.checked == AuditEvent.objects.count()


def _append_without_waiting(actor, school) -> AuditEvent:
    """Append, but give up rather than wait more than a second for another writer's lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        return record(actor=actor, action=AuditAction.SCHOOL_UPDATED, school=school)


@pytest.mark.django_db(transaction=True)
def test_a_school_appends_while_another_schools_writer_holds_its_chain(
    school, other_school, dsl, dsl_other_school
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's per-chain locks; SQLite has one writer at a time")
    holding, release = threading.Event(), threading.Event()
    held: list[AuditEvent] = []

    def hold_larkspurs_chain() -> None:
        try:
            with transaction.atomic():
                held.append(record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school))
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    writer = threading.Thread(target=hold_larkspurs_chain)
    writer.start()
    try:
        assert holding.wait(30)
        # Fernhill's chain is free: its append does not wait for Larkspur's open transaction.
        fernhill = _append_without_waiting(dsl_other_school, other_school)
        # Larkspur's own next append must wait its turn: it would otherwise fork the chain.
        with pytest.raises(OperationalError):
            _append_without_waiting(dsl, school)
    finally:
        release.set()
        writer.join()

    after = record(actor=dsl, action=AuditAction.SCHOOL_UPDATED, school=school)
    assert after.prev_hash == held[0].hash
    assert fernhill.chain == other_school.pk
    assert check_chain().broken is None
