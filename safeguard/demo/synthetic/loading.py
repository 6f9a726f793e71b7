"""Loading fast on PostgreSQL: the tables' secondary indexes, unique constraints and
foreign keys are set aside while the rows arrive and put back, exactly as the migrations
defined them, before the same transaction commits.

Checking a foreign key row by row, and inserting into an index in random order (the audit
trail's hashes), cost far more than building the index once and checking each key with
one join at the end. PostgreSQL's DDL is transactional, so nothing is ever committed
without its indexes and constraints: if the build fails, the drops roll back with the
rows. Primary keys stay (ids arrive in order), and so do the triggers that keep records
and the audit trail unchanged: the loader only ever INSERTs.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models
from tqdm import tqdm

# Which kinds of constraint are set aside: foreign keys and unique constraints.
_SET_ASIDE = ("f", "u")


@dataclass(frozen=True)
class _Saved:
    table: str
    name: str
    definition: str
    is_constraint: bool


def _saved(tables: Sequence[str]) -> list[_Saved]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid), con.contype
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
            WHERE rel.relname = ANY(%s) AND con.contype = ANY(%s)
            ORDER BY rel.relname, con.conname
            """,
            [list(tables), list(_SET_ASIDE)],
        )
        constraints = [_Saved(t, n, d, True) for t, n, d, _ in cursor.fetchall()]
        cursor.execute(
            """
            SELECT tab.relname, idx.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class idx ON idx.oid = i.indexrelid
            JOIN pg_class tab ON tab.oid = i.indrelid
            WHERE tab.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY tab.relname, idx.relname
            """,
            [list(tables)],
        )
        indexes = [_Saved(t, n, d, False) for t, n, d in cursor.fetchall()]
    return constraints + indexes


def owns(models_loaded: Sequence[type[models.Model]]) -> bool:
    """Whether the connected role owns every one of these tables (as the migrating role
    does; the application's own role owns none and may not alter them)."""
    if connection.vendor != "postgresql":
        return True
    tables = sorted({m._meta.db_table for m in models_loaded})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [tables],
        )
        return bool(cursor.fetchone()[0])


@contextmanager
def indexes_built_after(
    models_loaded: Sequence[type[models.Model]],
    *,
    say: Callable[[str], None] = print,
    show_progress: bool = False,
) -> Iterator[None]:
    """Within the caller's transaction: set the tables' indexes aside, load, put them back."""
    if connection.vendor != "postgresql" or not owns(models_loaded):
        yield  # slower, with every check in place: fine for the tiny size the tests build
        return
    tables = sorted({m._meta.db_table for m in models_loaded})
    saved = _saved(tables)
    with connection.cursor() as cursor:
        # A table with checks still pending (rows written earlier in this transaction)
        # cannot be altered: run those checks now, then defer again as Django's keys are.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Foreign keys first: a unique constraint may not go while a key still uses it.
        for item in sorted(saved, key=lambda s: not s.definition.startswith("FOREIGN KEY")):
            if item.is_constraint:
                cursor.execute(f'ALTER TABLE "{item.table}" DROP CONSTRAINT "{item.name}"')
            else:
                cursor.execute(f'DROP INDEX "{item.name}"')
    loading = time.monotonic()
    yield
    started = time.monotonic()
    say(
        f"Rows loaded in {started - loading:,.0f} s; putting back {len(saved)} indexes and constraints..."
    )
    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # One index at a time, each sorted in memory where it fits, with the server's
        # parallel maintenance worker (the workers making rows are done by now, so memory is
        # free: 4 GB holds the seals' 40 million keys at `authority` size, where 2 GB
        # sorted in runs on disk); a foreign key's check is one join, hashed in memory.
        cursor.execute("SET LOCAL maintenance_work_mem = '4GB'")
        cursor.execute("SET LOCAL work_mem = '1GB'")
        # Indexes and unique constraints, then the foreign keys that may rely on them.
        items = sorted(saved, key=lambda s: s.definition.startswith("FOREIGN KEY"))
        for item in tqdm(items, desc="indexes and keys", disable=not show_progress):
            begun = time.monotonic()
            if item.is_constraint:
                cursor.execute(
                    f'ALTER TABLE "{item.table}" ADD CONSTRAINT "{item.name}" {item.definition}'
                )
            else:
                cursor.execute(item.definition)
            seconds[item.name] = time.monotonic() - begun
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:6]
    say(
        f"Indexes and constraints back in {time.monotonic() - started:,.0f} s (slowest: "
        + ", ".join(f"{name} {s:,.0f} s" for name, s in slowest)
        + ")."
    )
