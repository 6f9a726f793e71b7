"""Many requests auditing at once must still make one unbroken chain (SECURITY.md §5.5)."""

import os
import subprocess
import sys
import threading

import pytest
from django.db import connection

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.audit.services import record, verify_chain

WRITERS = 20


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain(school, dsl):
    if _in_memory_sqlite():
        pytest.skip("run on a SQLite file by the test below")
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


def test_concurrent_appends_keep_one_unbroken_chain_on_a_sqlite_file(tmp_path):
    """The test database is normally SQLite in memory, whose shared cache refuses a
    waiting writer at once instead of letting it wait as a real file does; so the test
    above runs again here, in a separate process, against a database file."""
    if not _in_memory_sqlite():
        pytest.skip("the test above ran against this database directly")
    result = subprocess.run(  # noqa: S603 (our own interpreter and test file)
        [
            sys.executable,
            "-m",
            "pytest",
            f"{__file__}::test_concurrent_appends_keep_one_unbroken_chain",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        env={**os.environ, "SQLITE_TEST_PATH": str(tmp_path / "test.sqlite3")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
