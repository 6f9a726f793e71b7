"""Where generated rows go: straight into the tables, in bulk, with ids chosen here.

On PostgreSQL rows are streamed with COPY (psycopg 3's `cursor.copy()`); elsewhere (SQLite,
the tiny size the tests use) with `bulk_create`. Either way nothing but INSERTs reach the
database, so the triggers that keep records and the audit trail unchanged stay on and are
never in the way. Ids come from `Ids`, each school's blocks reserved up front
(`blocks.reserve`); `finish` moves PostgreSQL's sequences past what was written, so the
app's own inserts carry on after the generated rows. Worker processes write to files
instead (`copyfiles.FileSink`), which this process then COPYs.
"""

import json
import time
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

Row = dict[str, Any]


def uuid_text(value: int) -> str:
    """`str(uuid.UUID(int=value))`, the way a UUID is stored, sealed and written to COPY,
    without making the object (millions of submit keys: a tenth of a worker's time)."""
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Writer(Protocol):
    """Where a school's rows go: the database (`Sink`) or files (`copyfiles.FileSink`)."""

    def write(self, model: type[models.Model], rows: Sequence[Row]) -> None: ...


class Table:
    """A model's stored columns in order, with the default for any a row leaves out."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.columns = [str(f.column) for f in fields]
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
    """Ids handed out from blocks reserved up front (`blocks.reserve`), one school at a time.

    Each school's rows take their ids from that school's own block of every table, so a
    school can be made anywhere (a worker process) and still fit beside the others, and
    the same seed gives the same ids however many processes share the work.
    """

    def __init__(self, blocks: dict[str, tuple[int, int]]) -> None:
        self._next = {table: first for table, (first, _) in blocks.items()}
        self._end = {table: end for table, (_, end) in blocks.items()}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        """Reserve `count` consecutive ids; return the first."""
        table = model._meta.db_table
        first = self._next[table]
        if first + count > self._end[table]:
            raise RuntimeError(f"{table}: the school's block of ids is used up.")
        self._next[table] = first + count
        return first


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
        self.count(table.name, len(rows))

    def count(self, name: str, rows: int) -> None:
        """Count rows written to a table (here or by a worker) and show them."""
        self.rows[name] = self.rows.get(name, 0) + rows
        self._progress(name, rows)

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

    def finish(self, loaded: Sequence[type[models.Model]]) -> None:
        """Move each loaded table's id sequence past its highest id (PostgreSQL)."""
        if not self.is_postgres:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
                cursor.execute(statement)
