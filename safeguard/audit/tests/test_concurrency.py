"""Many requests auditing at once must still make one unbroken chain, never a fork."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record, verify_chain

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
