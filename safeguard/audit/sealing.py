"""Sealed records: tamper evidence for every immutable record, not only for the trail.

Database triggers stop the app and stray queries from changing a submitted record, but
not the database's owner, who can drop them. So each immutable record is *sealed* when it
is written: its SHA-256 over every stored field (and whatever else its app adds, such as
the bytes of an attachment's file) is kept in a `Seal` row, and the audit event written
in the same transaction commits to its seals (`detail["sealed"]`: their count and a digest
of them). The event's hash covers that commitment, and each event's hash covers the one
before it in its chain, so a record cannot be rewritten, removed or slipped in without
`verify_audit` noticing, short of rewriting the chain from that point on, which the
anchored head catches (docs/security.md).

The audit app knows no other app's models: each app registers its immutable models here
from its `AppConfig.ready()` (incidents does; casework will, the same way), and passes
what it writes to `audit.services.record(..., seal=[...])`.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef

# What an app adds to a record's digest beyond its columns, from the row's values
# (an attachment adds the SHA-256 of its stored file).
Extra = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class SealedType:
    label: str  # "incidents.incident"
    model: type[models.Model]
    extra: Extra | None = None


_types: dict[str, SealedType] = {}


def register(model: type[models.Model], *, extra: Extra | None = None) -> None:
    """Make `model` a sealed record type: call from the owning app's `AppConfig.ready()`.

    Register every model whose table `lib.immutable.protect_tables` guards; a
    test fails for a guarded table that is not registered.
    """
    if not _has_integer_id(model):
        raise ImproperlyConfigured(f"{model._meta.label}: sealed records need an integer id.")
    _types[model._meta.label_lower] = SealedType(model._meta.label_lower, model, extra)


def _has_integer_id(model: type[models.Model]) -> bool:
    """Seals are kept by integer id: an auto id, or a one-to-one key to a row that has one."""
    pk = model._meta.pk
    if isinstance(pk, models.OneToOneField):
        pk = pk.target_field
    return isinstance(pk, models.AutoField)  # BigAutoField is one too


def registered_labels() -> list[str]:
    return sorted(_types)


def field_names(model: type[models.Model]) -> list[str]:
    """Every stored column of the model, by attribute name, sorted."""
    return sorted(f.attname for f in model._meta.concrete_fields)


# Values JSON takes as they are (exact types: a subclass goes the long way below).
_AS_IS = frozenset({str, int, bool, float, type(None)})
# The canonical JSON of digests: json.dumps with these arguments, built once.
CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _plain(value: Any) -> Any:
    """A stored value as JSON, the same however the database hands it back."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def record_digest(
    label: str, fields: Sequence[str], row: Mapping[str, Any], extra: Extra | None
) -> str:
    """SHA-256 of a record's canonical JSON: its type, the named fields and any extra."""
    payload: dict[str, Any] = {
        "type": label,
        # A field the row no longer has is left out, so the digest differs from the seal's.
        "fields": {name: _plain(row[name]) for name in fields if name in row},
    }
    if extra is not None:
        payload["extra"] = extra(row)  # nosec B610 - a function of ours, not QuerySet.extra()
    text = CANONICAL.encode(payload)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Digest:
    record_type: str
    record_id: int
    fields: str  # the layout: field names separated by spaces
    sha256: str


class Commitment:
    """What an audit event commits to: its seals' count and a digest over them, in order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.records = 0

    def add(self, record_type: str, record_id: int, sha256: str) -> None:
        self._hash.update(f"{record_type} {record_id} {sha256}\n".encode())
        self.records += 1

    def value(self) -> dict[str, Any]:
        return {"records": self.records, "sha256": self._hash.hexdigest()}


def commitment(found: Iterable[Digest]) -> dict[str, Any]:
    """The `detail["sealed"]` value for these digests (sorted by type, then id)."""
    result = Commitment()
    for digest in sorted(found, key=lambda d: (d.record_type, d.record_id)):
        result.add(digest.record_type, digest.record_id, digest.sha256)
    return result.value()


def digests(objects: Iterable[models.Model]) -> list[Digest]:
    """Each saved object's digest, from its row read back from the database.

    Reading back means the digest is of exactly what `verify_audit` will read.
    """
    wanted: dict[str, set[int]] = {}
    for obj in objects:
        label = obj._meta.label_lower
        if label not in _types:
            raise LookupError(f"{label} is not a sealed record type: register it in its app.")
        if obj.pk is None:
            raise ValueError(f"{label}: save the record before sealing it.")
        wanted.setdefault(label, set()).add(obj.pk)
    found: list[Digest] = []
    for label in sorted(wanted):
        entry = _types[label]
        fields = field_names(entry.model)
        pk = entry.model._meta.pk.attname
        rows = entry.model._base_manager.filter(pk__in=wanted[label]).order_by("pk")
        read = 0
        for row in rows.values(*fields):
            sha = record_digest(label, fields, row, entry.extra)
            found.append(Digest(label, row[pk], " ".join(fields), sha))
            read += 1
        if read != len(wanted[label]):
            raise ValueError(f"{label}: a record to seal is not in the database.")
    return found


def write_seals(event: models.Model, found: Sequence[Digest], *, apps: Any = None) -> None:
    """Store the seals of `event`. A layout two chains' writers create at once is made once:
    the second's insert waits, fails the unique constraint, and get_or_create reads it."""
    seal_model, layout_model = _models(apps)
    layouts: dict[tuple[str, str], int] = {}
    for digest in found:
        key = (digest.record_type, digest.fields)
        if key not in layouts:
            layout, _ = layout_model.objects.get_or_create(
                record_type=digest.record_type, fields=digest.fields
            )
            layouts[key] = layout.pk
    seal_model.objects.bulk_create(
        [
            seal_model(
                event_id=event.pk,
                record_type=d.record_type,
                record_id=d.record_id,
                layout_id=layouts[(d.record_type, d.fields)],
                sha256=d.sha256,
            )
            for d in found
        ],
        batch_size=1000,
    )


def _models(apps: Any) -> tuple[Any, Any]:
    if apps is None:
        from safeguard.audit.models import Seal, SealLayout

        return Seal, SealLayout
    return apps.get_model("audit", "Seal"), apps.get_model("audit", "SealLayout")


# Records written before sealing existed ---------------------------------------------------


def seal_existing(apps: Any, *, labels: Iterable[str], chunk_size: int = 5000) -> int:
    """Seal every record of these types that has no seal yet; return how many were sealed.

    For a data migration (`apps` is the migration's app registry; Django's own
    works too): records written before sealing existed, or before their type
    was registered, get one `RECORDS_SEALED` event per `chunk_size` records.
    Such a seal vouches for the record from the upgrade on, not for its past.
    Not offered as a command: sealing whatever is in the table is exactly what
    someone who slipped a row in behind the app's back would want.
    """
    from safeguard.audit import services

    event_model = apps.get_model("audit", "AuditEvent")
    seal_model, _ = _models(apps)
    total = 0
    for label in sorted(labels):
        extra = _types[label].extra
        model = apps.get_model(label)
        fields = field_names(model)
        pk = model._meta.pk.attname
        sealed = seal_model.objects.filter(record_type=label, record_id=OuterRef("pk"))
        unsealed = model._base_manager.filter(~Exists(sealed)).order_by("pk")
        last = None
        while True:
            page = unsealed if last is None else unsealed.filter(pk__gt=last)
            rows = list(page.values(*fields)[:chunk_size])
            if not rows:
                break
            last = rows[-1][pk]
            found = [
                Digest(label, row[pk], " ".join(fields), record_digest(label, fields, row, extra))
                for row in rows
            ]
            services.append_event(
                event_model(action="records_sealed", detail={"sealed": commitment(found)}),
                found,
                apps=apps,
            )
            total += len(found)
    return total


# Verifying -------------------------------------------------------------------------------


@dataclass
class RecordCheck:
    checked: int = 0  # records found as sealed
    problems: list[str] = field(default_factory=list)  # the first `limit`, in order found
    problem_count: int = 0
    limit: int = 20

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)


def check_records(*, limit: int = 20, chunk_size: int = 2000) -> RecordCheck:
    """Recompute every sealed record and compare it with the audit trail, streaming.

    First each event's seals are checked against what the event committed to; then, type
    by type, the table and its seals are walked side by side in id order, so memory stays
    flat however many records there are. Reports a record that differs, one sealed but
    missing, and one present but never sealed (written behind the app's back). Only events
    up to the newest one at the start are considered, so records written during the check
    are neither missing nor unsealed.
    """
    from safeguard.audit.models import AuditEvent, SealLayout

    result = RecordCheck(limit=limit)
    # PostgreSQL streams only in a transaction, here one snapshot: an event of one school can
    # commit after a higher id of another, so its rows must not show in one query only. On
    # SQLite (ids commit in order) a transaction would be IMMEDIATE and hold off writers.
    postgresql = connection.vendor == "postgresql"
    snapshot = postgresql and not connection.in_atomic_block
    with transaction.atomic() if postgresql else nullcontext():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        _check_commitments(mark, result, chunk_size)
        layouts = {
            pk: fields.split() for pk, fields in SealLayout.objects.values_list("id", "fields")
        }
        for label in registered_labels():
            _check_type(_types[label], mark, layouts, result, chunk_size)
        _check_seals_of_no_event(mark, result, chunk_size)
    return result


def _check_seals_of_no_event(mark: int, result: RecordCheck, chunk_size: int) -> None:
    """A seal after the mark must belong to an event that exists (written during the check)."""
    from safeguard.audit.models import AuditEvent, Seal

    forged = (
        Seal.objects.filter(event_id__gt=mark)
        .filter(~Exists(AuditEvent.objects.filter(id=OuterRef("event_id"))))
        .order_by("event_id", "record_type", "record_id")
        .values_list("event_id", "record_type", "record_id")
        .iterator(chunk_size=chunk_size)
    )
    for event_id, record_type, record_id in forged:
        result.add(
            f"{record_type} {record_id}: its seal names event #{event_id}, which does not exist"
        )


def _check_commitments(mark: int, result: RecordCheck, chunk_size: int) -> None:
    from safeguard.audit.models import AuditEvent, Seal

    events = (
        AuditEvent.objects.filter(id__lte=mark, detail__has_key="sealed")
        .order_by("id")
        .values_list("id", "detail")
        .iterator(chunk_size=chunk_size)
    )
    seals: Iterator[tuple[int, str, int, str]] = (
        Seal.objects.filter(event_id__lte=mark)
        .order_by("event_id", "record_type", "record_id")
        .values_list("event_id", "record_type", "record_id", "sha256")
        .iterator(chunk_size=chunk_size)
    )
    pending = next(seals, None)

    def orphan(seal: tuple[int, str, int, str]) -> None:
        result.add(f"{seal[1]} {seal[2]}: its seal names event #{seal[0]}, which sealed nothing")

    for event_id, detail in events:
        while pending is not None and pending[0] < event_id:
            orphan(pending)
            pending = next(seals, None)
        kept = Commitment()
        while pending is not None and pending[0] == event_id:
            kept.add(pending[1], pending[2], pending[3])
            pending = next(seals, None)
        committed = detail.get("sealed") if isinstance(detail, dict) else None
        if kept.value() != committed:
            said = committed.get("records") if isinstance(committed, dict) else None
            result.add(
                f"event #{event_id}: the seals kept for it ({kept.records}) do not match what "
                f"it committed to ({said}): a seal was added, changed or removed"
            )
    while pending is not None:
        orphan(pending)
        pending = next(seals, None)


def _check_type(
    entry: SealedType,
    mark: int,
    layouts: dict[int, list[str]],
    result: RecordCheck,
    chunk_size: int,
) -> None:
    from safeguard.audit.models import AuditEvent, Seal

    label, model = entry.label, entry.model
    pk = model._meta.pk.attname
    # Every row in every school: the check is of the database, not of one school's view.
    rows = (
        model._base_manager.order_by("pk")
        .values(*field_names(model))
        .iterator(chunk_size=chunk_size)
    )
    seals = (
        Seal.objects.filter(record_type=label, event_id__lte=mark)
        .order_by("record_id")
        .values_list("record_id", "layout_id", "sha256", "event_id")
        .iterator(chunk_size=chunk_size)
    )
    row, seal = next(rows, None), next(seals, None)
    while row is not None or seal is not None:
        if row is not None and (seal is None or row[pk] < seal[0]):
            # Not a problem if sealed by a real event after the mark: written while the
            # check ran. A seal naming an event that does not exist excuses nothing.
            later = Seal.objects.filter(
                record_type=label,
                record_id=row[pk],
                event_id__gt=mark,
                event_id__in=AuditEvent.objects.filter(id__gt=mark).values("id"),
            )
            if not later.exists():
                result.add(
                    f"{label} {row[pk]}: present but never sealed in the audit trail "
                    "(written behind the app's back)"
                )
            row = next(rows, None)
        elif seal is not None and (row is None or seal[0] < row[pk]):
            result.add(f"{label} {seal[0]}: missing; it was sealed at event #{seal[3]}")
            seal = next(seals, None)
        elif row is not None and seal is not None:
            fields = layouts.get(seal[1])
            if fields is None or record_digest(label, fields, row, entry.extra) != seal[2]:
                result.add(
                    f"{label} {row[pk]}: contents differ from the audit trail sealed at "
                    f"event #{seal[3]}"
                )
            result.checked += 1
            row, seal = next(rows, None), next(seals, None)
