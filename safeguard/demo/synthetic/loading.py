"""Loading fast on PostgreSQL: the tables' secondary indexes, unique constraints and
foreign keys are set aside while the rows arrive (`set_aside`, in the load's transaction)
and put back exactly as the migrations defined them once the load has committed
(`put_back`, in several sessions at once, so both cores build them).

Checking a foreign key row by row, and inserting into an index in random order (the audit
trail's hashes), cost far more than building the index once and checking each key with
one join at the end. Between the commit and the last index, the dataset is marked
unfinished: `generate_data` and the benchmark refuse it (`--reset` starts again), so a
dataset without its indexes and keys is never measured or built on. Primary keys stay
(ids arrive in order), and so do the triggers that keep records and the audit trail
unchanged: the loader only ever INSERTs.
"""

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, models
from tqdm import tqdm

# Which kinds of constraint are set aside: foreign keys and unique constraints.
_SET_ASIDE = ("f", "u")


@dataclass(frozen=True)
class Saved:
    """An index or constraint set aside, with what builds it again."""

    table: str
    name: str
    definition: str
    is_constraint: bool

    @property
    def is_key(self) -> bool:
        return self.definition.startswith("FOREIGN KEY")


DEADLOCK = "40P01"


def _saved(tables: Sequence[str]) -> list[Saved]:
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
        constraints = [Saved(t, n, d, True) for t, n, d, _ in cursor.fetchall()]
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
        indexes = [Saved(t, n, d, False) for t, n, d in cursor.fetchall()]
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


def set_aside(models_loaded: Sequence[type[models.Model]]) -> list[Saved]:
    """Within the caller's transaction: drop the tables' secondary indexes, unique
    constraints and foreign keys, and return their definitions for `put_back`. Nothing
    (an empty list) on SQLite or for a role that does not own the tables: slower, with
    every check in place, which is fine for the tiny size the tests build."""
    if connection.vendor != "postgresql" or not owns(models_loaded):
        return []
    tables = sorted({m._meta.db_table for m in models_loaded})
    saved = _saved(tables)
    with connection.cursor() as cursor:
        # A table with checks still pending (rows written earlier in this transaction)
        # cannot be altered: run those checks now, then defer again as Django's keys are.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # No autovacuum on them until the indexes are back: it would scan the new rows
        # while the indexes are built from them, and hold up the constraints' locks.
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
        # Foreign keys first: a unique constraint may not go while a key still uses it.
        for item in sorted(saved, key=lambda s: not s.is_key):
            if item.is_constraint:
                cursor.execute(f'ALTER TABLE "{item.table}" DROP CONSTRAINT "{item.name}"')
            else:
                cursor.execute(f'DROP INDEX "{item.name}"')
    return saved


def put_back(
    saved: Sequence[Saved],
    *,
    sessions: int,
    say: Callable[[str], None] = print,
    show_progress: bool = False,
) -> None:
    """Build the indexes and constraints again from their definitions, after the load has
    committed, in `sessions` database sessions at once: indexes and unique constraints
    first, largest tables first, then the foreign keys that may rely on them.

    One session builds one index at a time with at most one parallel worker, and checks a
    foreign key on one core: two sessions keep both cores busy. Each statement commits on
    its own; one that fails stops the build with the dataset still unfinished.
    """
    if not saved:
        return
    started = time.monotonic()
    say(f"Putting back {len(saved)} indexes and constraints in {sessions} session(s)...")
    sizes = _table_sizes(sorted({s.table for s in saved}))
    seconds: dict[str, float] = {}
    with tqdm(total=len(saved), desc="indexes and keys", disable=not show_progress) as bar:
        for is_key in (False, True):
            stage = sorted((s for s in saved if s.is_key == is_key), key=lambda s: -sizes[s.table])
            _in_sessions(stage, sessions, seconds, bar)
    with connection.cursor() as cursor:
        for table in sorted(sizes):
            cursor.execute(f'ALTER TABLE "{table}" RESET (autovacuum_enabled)')
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:6]
    say(
        f"Indexes and constraints back in {time.monotonic() - started:,.0f} s (slowest: "
        + ", ".join(f"{name} {s:,.0f} s" for name, s in slowest)
        + ")."
    )


def _table_sizes(tables: Sequence[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(tables)],
        )
        return dict(cursor.fetchall())


def _in_sessions(
    items: Sequence[Saved], sessions: int, seconds: dict[str, float], bar: Any
) -> None:
    queue = deque(items)
    lock = threading.Lock()

    def work() -> None:
        # A thread of its own has a database connection of its own, closed at the end.
        try:
            with connection.cursor() as cursor:
                # Memory is free by now (the processes making rows are done): 4 GB holds
                # the seals' 40 million keys at `authority` size in one sort, where 2 GB
                # sorted in runs on disk; a foreign key's check is one join, hashed.
                cursor.execute("SET maintenance_work_mem = '4GB'")
                cursor.execute("SET work_mem = '1GB'")
                while True:
                    with lock:
                        if not queue:
                            return
                        item = queue.popleft()
                    begun = time.monotonic()
                    _execute(cursor, item)
                    with lock:
                        seconds[item.name] = time.monotonic() - begun
                        bar.update(1)
        finally:
            connection.close()

    with ThreadPoolExecutor(sessions) as pool:
        for future in [pool.submit(work) for _ in range(max(1, sessions))]:
            future.result()


def _execute(cursor: Any, item: Saved) -> None:
    """One definition, tried again if the server broke a deadlock by stopping it: two keys
    between the same two tables, added at once, can each wait on the other's lock."""
    statement = (
        f'ALTER TABLE "{item.table}" ADD CONSTRAINT "{item.name}" {item.definition}'
        if item.is_constraint
        else item.definition
    )
    for attempt in range(5):
        try:
            cursor.execute(statement)
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != DEADLOCK or attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))
