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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
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
