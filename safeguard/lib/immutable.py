"""Tables the database itself keeps unchanged: submitted records and the audit trail.

Triggers refuse every UPDATE, and every DELETE (and, on PostgreSQL, TRUNCATE),
whatever issued it: the app, a stray query in a shell, a bad migration. On
SQLite they also refuse an INSERT that would replace an existing row (`INSERT
OR REPLACE`, `REPLACE INTO`), since SQLite deletes the old row without firing
its DELETE triggers. A row can only be destroyed inside `allow_purge()`, a
deliberate, named switch for the retention process (records kept until the
pupil is 25, then destroyed) and for the test database's clean-up between
browser tests. It never allows an UPDATE.

Who can open the switch:

- PostgreSQL: only a role that owns the table. The application connects as a
  role that owns nothing (`lib/db_roles.py`, docs/deploying.md): setting
  `safeguard.allow_purge` in its session changes nothing for it, and it may
  not alter, disable or drop a trigger. It destroys records only through
  `safeguard_purge_pupil_records()`, a SECURITY DEFINER function owned by the
  owner role that refuses records not yet due (`incidents/retention.py`).
- SQLite has no users: whoever can write the file can drop the triggers, or
  define `safeguard_allow_purge()` on their own connection. The triggers stop
  mistakes and any program that is not Safeguard; against the file's owner
  the guarantee is tamper evidence (the audit chain and `verify_audit`).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper
from django.db.migrations.state import StateApps

# What RunPython runs: (apps, schema_editor) -> None.
MigrationCode = Callable[[StateApps, BaseDatabaseSchemaEditor], None]

PURGE_FLAG = "safeguard_allow_purge"
PURGE_SETTING = "safeguard.allow_purge"  # a PostgreSQL setting; the SQL below spells it out

# The purge switch counts only for a role that owns the table (or a superuser):
# the migrations' owner role, or a SECURITY DEFINER function it owns. The
# application's own role can set the switch in its session to no effect.
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION safeguard_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE'
     AND current_setting('safeguard.allow_purge', true) = 'on'
     AND pg_catalog.pg_has_role(
       current_user,
       (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
       'MEMBER'
     ) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% rows cannot be changed or deleted (%)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""

# The function as first installed, which honoured the switch for any role; kept
# so the migration that replaced it can be reversed.
POSTGRES_FUNCTION_ANY_ROLE = """
CREATE OR REPLACE FUNCTION safeguard_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' AND current_setting('safeguard.allow_purge', true) = 'on' THEN
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


def _sqlite_unique_keys(cursor: CursorWrapper, table: str) -> list[list[str]]:
    """Each set of columns the table holds unique: its primary key, then every UNIQUE index."""
    cursor.execute(f"PRAGMA table_info('{table}')")
    keys = [[row[1] for row in cursor.fetchall() if row[5]]]
    cursor.execute(f"PRAGMA index_list('{table}')")
    for _seq, name, is_unique, _origin, is_partial in cursor.fetchall():
        if not is_unique:
            continue
        cursor.execute(f"PRAGMA index_info('{name}')")
        columns = [row[2] for row in cursor.fetchall()]
        if is_partial or None in columns:
            # A partial or expression index needs its own condition; refuse to
            # install a guard that would miss it rather than guard it wrongly.
            raise ValueError(f"{table}: no replace guard for the unique index {name}")
        if columns not in keys:
            keys.append(columns)
    return [key for key in keys if key]


def _sqlite_no_replace(cursor: CursorWrapper, table: str) -> tuple[list[str], list[str]]:
    """Refuse an INSERT that meets an existing row on any unique key, whatever its
    conflict clause: `OR REPLACE` would delete that row without firing a DELETE
    trigger. A plain duplicate fails here too, still as an integrity error."""
    clash = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE "  # noqa: S608  # nosec B608: names from the schema
        + " AND ".join(f'"{column}" = NEW."{column}"' for column in key)
        + ")"
        for key in _sqlite_unique_keys(cursor, table)
    )
    forward = [
        f"DROP TRIGGER IF EXISTS {table}_no_replace",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {clash}
            BEGIN SELECT RAISE(ABORT, '{table} rows cannot be replaced'); END""",
    ]
    return forward, [f"DROP TRIGGER IF EXISTS {table}_no_replace"]


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


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)  # the SQL holds a literal %


def protect_tables(*tables: str) -> tuple[MigrationCode, MigrationCode]:
    """RunPython (forward, backward) functions that install the guards on these tables."""

    def statements(schema_editor: BaseDatabaseSchemaEditor, direction: int) -> list[str]:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return [sql for table in tables for sql in _postgres(table)[direction]]
        if vendor != "sqlite":
            return []
        with schema_editor.connection.cursor() as cursor:
            return [
                sql
                for table in tables
                for sql in _sqlite(table)[direction] + _sqlite_no_replace(cursor, table)[direction]
            ]

    def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        _run(schema_editor, statements(schema_editor, 0))

    def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        _run(schema_editor, statements(schema_editor, 1))

    return forward, backward


def refuse_replace(*tables: str) -> tuple[MigrationCode, MigrationCode]:
    """RunPython (forward, backward): on SQLite, add the replace guard to tables
    protected before `protect_tables` installed it. A rebuild of the table (SQLite
    adding a constraint) drops it with the other guards: call `protect_tables` again."""

    def run(schema_editor: BaseDatabaseSchemaEditor, direction: int) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            sql = [s for table in tables for s in _sqlite_no_replace(cursor, table)[direction]]
        _run(schema_editor, sql)

    return (lambda apps, schema_editor: run(schema_editor, 0)), (
        lambda apps, schema_editor: run(schema_editor, 1)
    )


def purge_only_by_owner() -> tuple[MigrationCode, MigrationCode]:
    """RunPython (forward, backward): on PostgreSQL, replace the trigger function so
    the purge switch counts only for the tables' owner."""

    def run(schema_editor: BaseDatabaseSchemaEditor, sql: str) -> None:
        if schema_editor.connection.vendor == "postgresql":
            _run(schema_editor, [sql])

    return (lambda apps, schema_editor: run(schema_editor, POSTGRES_FUNCTION)), (
        lambda apps, schema_editor: run(schema_editor, POSTGRES_FUNCTION_ANY_ROLE)
    )


_sqlite_purge_allowed: set[int] = set()


def register_sqlite_function(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """connection_created receiver: define the purge switch on each SQLite connection."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(
            PURGE_FLAG, 0, lambda: int(id(raw) in _sqlite_purge_allowed), deterministic=False
        )


@contextmanager
def allow_purge(using: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Let this connection DELETE protected rows (never UPDATE them) until the block ends."""
    conn = connection if using is None else using
    conn.ensure_connection()
    setting = PURGE_SETTING
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
