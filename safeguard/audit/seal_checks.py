"""Checking sealed records (`verify_audit`): every sealed record recomputed from the
database and compared with its seal, every seal's event committing to it, and every
registered record sealed. Sealing itself is `audit/sealing.py`.

A record destroyed at the end of its retention period is gone for good, yet its seal stays
(the trail is never cut): the event of the destruction names it, by type and id, and a
record that event names, sealed before it, counts as destroyed, not missing. The event is
in the chain like any other, so nobody can slip a record into that list unnoticed."""

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from safeguard.audit.sealing import (
    Commitment,
    SealedType,
    _types,
    field_names,
    record_digest,
    registered_labels,
)


@dataclass
class RecordCheck:
    checked: int = 0  # records found as sealed
    destroyed: int = 0  # sealed records gone at the end of their retention period
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
        destroyed = _destroyed_records(mark)
        for label in registered_labels():
            _check_type(_types[label], mark, layouts, result, chunk_size, destroyed.get(label, {}))
        _check_seals_of_no_event(mark, result, chunk_size)
    return result


def _destroyed_records(mark: int) -> dict[str, dict[int, int]]:
    """{record type: {id: the event that destroyed it}}, from the events of destruction up
    to the mark (the retention service names what each destroyed)."""
    from safeguard.audit.models import AuditAction, AuditEvent

    found: dict[str, dict[int, int]] = {}
    events = (
        AuditEvent.objects.filter(id__lte=mark, action=AuditAction.RECORDS_DESTROYED)
        .order_by("id")
        .values_list("id", "detail")
    )
    for event_id, detail in events:
        named = detail.get("destroyed") if isinstance(detail, dict) else None
        for label, ids in (named or {}).items():
            kept = found.setdefault(str(label), {})
            for record_id in ids if isinstance(ids, list) else []:
                if isinstance(record_id, int):
                    kept.setdefault(record_id, event_id)
    return found


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
    destroyed: dict[int, int],
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
            destroyed_at = destroyed.get(seal[0])
            if destroyed_at is not None and seal[3] < destroyed_at:
                result.destroyed += 1
            else:
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
