"""Where generated rows go: straight into the tables, in bulk, with ids chosen here.

On PostgreSQL rows are streamed with COPY (psycopg 3's `cursor.copy()`); elsewhere (SQLite,
the tiny size the tests use) with `bulk_create`. Either way nothing but INSERTs reach the
database, so the triggers that keep records and the audit trail unchanged stay on and are
never in the way. Ids come from `Ids`, which starts past the highest id of each table;
`finish` moves PostgreSQL's sequences past what was written, so the app's own inserts
carry on after the generated rows.
"""

import json
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

Row = dict[str, Any]


class Table:
    """A model's stored columns in order, with the default for any a row leaves out."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.defaults = [f.get_default() if f.has_default() or f.null else None for f in fields]
        self.json = [isinstance(f, models.JSONField) for f in fields]

    def tuples(self, rows: Iterable[Row], *, for_copy: bool) -> Iterable[tuple[Any, ...]]:
        names, defaults, json_at = self.attnames, self.defaults, self.json
        has_json = any(json_at)
        for row in rows:
            values = [row.get(n, d) for n, d in zip(names, defaults, strict=True)]
            if has_json and for_copy:
                values = [
                    json.dumps(v) if j and v is not None else v
                    for v, j in zip(values, json_at, strict=True)
                ]
            yield tuple(values)


class Ids:
    """The next free id of each table, read once: the generator is the database's only writer.

    A role that may not move a sequence (the application's own role on PostgreSQL, which
    the tests use) takes each block of ids from the sequence itself instead.
    """

    def __init__(self, *, from_sequences: bool = False) -> None:
        self._next: dict[str, int] = {}
        self.from_sequences = from_sequences and connection.vendor == "postgresql"

    def take(self, model: type[models.Model], count: int = 1) -> int:
        """Reserve `count` consecutive ids; return the first."""
        table = model._meta.db_table
        if self.from_sequences:
            return self._from_sequence(table, model._meta.pk.column or "id", count)
        if table not in self._next:
            pk = model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT MAX("{pk}") FROM "{table}"')  # noqa: S608  # nosec B608: model names
                self._next[table] = (cursor.fetchone()[0] or 0) + 1
        first = self._next[table]
        self._next[table] = first + count
        return first

    def _from_sequence(self, table: str, column: str, count: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS v "
                "FROM generate_series(1, %s)) AS taken",
                [f'"{table}"', column, max(count, 1)],
            )
            first, last = cursor.fetchone()
        if last - first + 1 != max(count, 1):
            raise RuntimeError(
                f"{table}: another writer took ids meanwhile; build in a database of its own."
            )
        return int(first)


class Sink:
    """Writes batches of rows per table and keeps the count and a progress bar for each."""

    def __init__(self, *, show_progress: bool) -> None:
        self.tables: dict[type[models.Model], Table] = {}
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.bars: dict[str, Any] = {}
        self.show_progress = show_progress
        self.is_postgres = connection.vendor == "postgresql"

    def write(self, model: type[models.Model], rows: Sequence[Row]) -> None:
        if not rows:
            return
        table = self.tables.get(model) or self.tables.setdefault(model, Table(model))
        started = time.monotonic()
        if self.is_postgres:
            self._copy(table, rows)
        else:
            instances = [
                model(**dict(zip(table.attnames, values, strict=True)))
                for values in table.tuples(rows, for_copy=False)
            ]
            model._base_manager.bulk_create(instances, batch_size=500)
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + time.monotonic() - started
        self.rows[table.name] = self.rows.get(table.name, 0) + len(rows)
        self._progress(table.name, len(rows))

    def _copy(self, table: Table, rows: Sequence[Row]) -> None:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        raw = connection.connection
        statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for values in table.tuples(rows, for_copy=True):
                copy.write_row(values)

    def _progress(self, name: str, count: int) -> None:
        if not self.show_progress:
            return
        bar = self.bars.get(name)
        if bar is None:
            bar = self.bars[name] = tqdm(
                desc=name[:28].ljust(28), unit=" rows", unit_scale=True, position=len(self.bars)
            )
        bar.update(count)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()

    def finish(self, *, ids: Ids) -> None:
        """Move each written table's id sequence past its highest id (PostgreSQL)."""
        if not self.is_postgres or ids.from_sequences:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [t.model for t in self.tables.values()]
            ):
                cursor.execute(statement)
