"""One school's rows as files in PostgreSQL's COPY text format, made by a worker process
and loaded by the process that holds the build's transaction.

The worker does the expensive part (formatting every value, JSON included) so the loading
process only streams bytes to the server.
"""

import datetime
import json
import operator
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, models

from safeguard.demo.synthetic.sink import Row, Table


def _text(value: str) -> str:
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\n" in value:  # narratives' paragraphs (str.replace is far quicker than translate)
        value = value.replace("\n", "\\n")
    if "\t" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\r", "\\r")
    return value


_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


def _json(value: Any) -> str:
    return _text(_ENCODE(value))


_FORMAT: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    bool: lambda v: "t" if v else "f",
    type(None): lambda _: "\\N",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    uuid.UUID: str,
    dict: _json,
    list: _json,
}


def _other(value: Any) -> Callable[[Any], str]:
    """The format for a subclass of a known type (a model's choices are `str` enums)."""
    for known in (bool, str, int, datetime.datetime, datetime.date, dict, list):
        if isinstance(value, known):
            found = _FORMAT[known] if known is not int else (lambda v: str(int(v)))
            _FORMAT[type(value)] = found
            return found
    raise TypeError(f"No COPY format for {type(value).__name__}")


def format_rows(table: Table, rows: Sequence[Row]) -> str:
    """The rows as COPY text, one line each, in the table's column order."""
    # Every column's default first, then the row's own values (extra keys are ignored).
    defaults = dict(zip(table.attnames, table.defaults, strict=True))
    values = operator.itemgetter(*table.attnames)
    fmt = _FORMAT
    lines = []
    for row in rows:
        lines.append(
            "\t".join([(fmt.get(type(v)) or _other(v))(v) for v in values({**defaults, **row})])
        )
    lines.append("")
    return "\n".join(lines)


class FileSink:
    """Writes each table's rows to a file of its own in `folder`, in the order they come."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tables: dict[type[models.Model], Table] = {}
        self.files: dict[str, Any] = {}
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}  # formatting each table's rows, CPU

    def write(self, model: type[models.Model], rows: Sequence[Row]) -> None:
        if not rows:
            return
        table = self.tables.get(model) or self.tables.setdefault(model, Table(model))
        out = self.files.get(table.name)
        if out is None:
            out = self.files[table.name] = (self.folder / f"{table.name}.copy").open(
                "w", encoding="utf-8", newline="\n"
            )
        started = time.process_time()
        out.write(format_rows(table, rows))
        spent = time.process_time() - started
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + spent
        self.rows[table.name] = self.rows.get(table.name, 0) + len(rows)

    def close(self) -> list[tuple[str, list[str], str, int]]:
        """Close the files; say what each holds: table, columns, file, rows."""
        for out in self.files.values():
            out.close()
        return [
            (t.name, t.columns, str(self.folder / f"{t.name}.copy"), self.rows[t.name])
            for t in self.tables.values()
            if t.name in self.files
        ]


def load(files: Sequence[tuple[str, list[str], str, int]], seconds: dict[str, float]) -> None:
    """COPY each file into its table (in this process's transaction), then delete it."""
    raw = connection.connection
    for table, columns, path, _ in files:
        started = time.monotonic()
        names = ", ".join(f'"{c}"' for c in columns)
        with (
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            open(path, "rb") as source,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        Path(path).unlink()
        seconds[table] = seconds.get(table, 0.0) + time.monotonic() - started
