"""Tables the database itself keeps unchanged: submitted records and the audit trail.

Triggers refuse every UPDATE, and every DELETE (and, on PostgreSQL, TRUNCATE),
whatever issued it: the app, a stray query in a shell, a bad migration. A
row can only be destroyed inside `allow_purge()`, a deliberate, named switch
for the retention process (records kept until the pupil is 25, then
destroyed) and for the test database's clean-up between browser tests. It
never allows an UPDATE.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection

PURGE_FLAG = "safeguard_allow_purge"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION safeguard_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' AND current_setting('{PURGE_FLAG.replace("_", ".", 1)}', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% rows cannot be changed or deleted (%)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def _sqlite(table: str) -> tuple[list[str], list[str]]:
    # A function that only Safeguard's own connections define: anywhere else
    # (the sqlite3 shell, another program) the DELETE fails outright.
    allowed = f"{PURGE_FLAG}()"
    forward = [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} rows cannot be changed'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {allowed}
            BEGIN SELECT RAISE(ABORT, '{table} rows cannot be deleted'); END""",
    ]
    reverse = [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]
    return forward, reverse


def _postgres(table: str) -> tuple[list[str], list[str]]:
    forward = [
        POSTGRES_FUNCTION,
        f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION safeguard_refuse_change()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION safeguard_refuse_change()""",
    ]
    reverse = [
        f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]
    return forward, reverse


def protect_tables(*tables: str) -> tuple[Callable, Callable]:
    """RunPython (forward, backward) functions that install the guards on these tables."""

    def statements(vendor: str, direction: int) -> list[str]:
        builder = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
        if builder is None:
            return []
        return [sql for table in tables for sql in builder(table)[direction]]

    def forward(apps, schema_editor) -> None:
        for sql in statements(schema_editor.connection.vendor, 0):
            schema_editor.execute(sql, params=None)  # the SQL holds a literal %

    def backward(apps, schema_editor) -> None:
        for sql in statements(schema_editor.connection.vendor, 1):
            schema_editor.execute(sql, params=None)  # the SQL holds a literal %

    return forward, backward


_sqlite_purge_allowed: set[int] = set()


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: define the purge switch on each SQLite connection."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(
            PURGE_FLAG, 0, lambda: int(id(raw) in _sqlite_purge_allowed), deterministic=False
        )


@contextmanager
def allow_purge(using=None) -> Iterator[None]:
    """Let this connection DELETE protected rows (never UPDATE them) until the block ends."""
    conn = connection if using is None else using
    conn.ensure_connection()
    setting = PURGE_FLAG.replace("_", ".", 1)
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [setting])
    else:
        _sqlite_purge_allowed.add(id(conn.connection))
    try:
        yield
    finally:
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [setting])
        else:
            _sqlite_purge_allowed.discard(id(conn.connection))
