"""The audit trail of a synthetic school: the events the real services would have written,
linked and sealed by the audit app's own functions.

Events are collected for a whole school, put in time order, linked into the school's
chain with `audit.services.link_events` (from the head `chain_heads` gave before any
school was made) and given ids in that order from the school's block. Events of no school
(signing in) go on the deployment's chain: every school's are gathered, put in time order
and linked after the last school (`link_outside`), with ids past every block. Each immutable record is sealed with the
event that wrote it, as `audit.services.record(seal=...)` does: its digest comes from
`audit.sealing.record_digest` over exactly the values written, and the event commits to
its seals with `audit.sealing.commitment`. Nothing here hashes anything itself.
"""

import datetime
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import models

from safeguard.audit import sealing
from safeguard.audit.models import AuditAction, AuditEvent, Seal, SealLayout
from safeguard.audit.services import link_events
from safeguard.demo.synthetic.sink import Ids, Row, Writer

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


# What a school's worker hands back of each event that belongs to no school, to be linked
# into the deployment's chain in time order once every school is made.
Outside = tuple[datetime.datetime, int | None, str, str, str, dict[str, Any], str | None]
Layouts = dict[str, tuple[int, list[str], str]]  # label -> (layout id, fields, joined)
IMPORT_BATCH = 5000  # records sealed by one event at import, as `seal_existing` seals them


def layouts_for(models_sealed: Sequence[type[models.Model]]) -> Layouts:
    """Each sealed type's layout row (made if new), read once before any school is made."""
    found: Layouts = {}
    for model in models_sealed:
        label = model._meta.label_lower
        fields = sealing.field_names(apps.get_model(label))
        joined = " ".join(fields)
        layout, _ = SealLayout.objects.get_or_create(record_type=label, fields=joined)
        found[label] = (layout.pk, fields, joined)
    return found


class Trail:
    """Collects one school's events and seals, then links and writes them in time order.

    Events of no school (signing in) are kept in `outside` for the deployment's chain.
    """

    def __init__(
        self,
        ids: Ids,
        sink: Writer,
        layouts: Layouts,
        head: str | None,
        *,
        school: int,
        migrated_at: datetime.datetime,
    ) -> None:
        self.ids = ids
        self.sink = sink
        self.heads: dict[int | None, str] = {}
        self.head = head
        self.events: list[SimpleNamespace] = []
        self.outside: list[Outside] = []
        self.layouts = layouts
        self.school = school
        self.migrated_at = migrated_at
        self.importing: list[sealing.Digest] = []
        self.imports = 0

    def imported(self, seals: Sequence[sealing.Digest]) -> None:
        """Records brought over from the school's previous system when the deployment went
        live: sealed then, in batches, as `sealing.seal_existing` seals records written
        before sealing existed (one `records_sealed` event per batch), and never alerted
        or viewed in this trail."""
        self.importing.extend(seals)
        if len(self.importing) >= IMPORT_BATCH:
            self._import_event()

    def _import_event(self) -> None:
        if not self.importing:
            return
        seals, self.importing = self.importing, []
        self.imports += 1
        self.add(
            AuditAction.RECORDS_SEALED,
            at=self.migrated_at + datetime.timedelta(seconds=self.imports),
            actor=None,
            school=self.school,
            seals=seals,
        )

    def seal(self, model: type[models.Model], row: Row) -> sealing.Digest:
        """The digest of a record about to be written, as `verify_audit` will recompute it."""
        label = model._meta.label_lower
        _, fields, joined = self.layouts[label]
        pk = model._meta.pk.attname
        digest = sealing.record_digest(label, fields, row, None)
        return sealing.Digest(label, row[pk], joined, digest)

    def add(
        self,
        action: AuditAction,
        *,
        at: datetime.datetime,
        actor: int | None,
        school: int | None,
        target: tuple[str, int] | None = None,
        detail: dict[str, Any] | None = None,
        pupil: int | None = None,
        seals: Sequence[sealing.Digest] = (),
        ip: str | None = None,
    ) -> None:
        detail = dict(detail or {})
        if school is None:
            target_type, target_id = (target[0], str(target[1])) if target else ("", "")
            self.outside.append((at, actor, action.value, target_type, target_id, detail, ip))
            return
        if seals:
            detail["sealed"] = sealing.commitment(seals)
        self.events.append(
            SimpleNamespace(
                school_id=school,
                actor_id=actor,
                action=action.value,
                target_type=target[0] if target else "",
                target_id=str(target[1]) if target else "",
                detail=detail,
                pupil_id=pupil,
                ip_address=ip,
                user_agent=BROWSER if ip else "",
                created_at=at,
                seals=seals,
            )
        )

    def flush(self) -> None:
        """Link the school's events in time order, then write them and their seals."""
        self._import_event()
        events = sorted(self.events, key=lambda e: e.created_at)
        self.events = []
        if not events:
            return
        school = events[0].school_id
        heads = {school: self.head} if self.head is not None else {}
        link_events(events, heads)
        self.head = heads[school]
        first = self.ids.take(AuditEvent, len(events))
        seal_rows: list[Row] = []
        for offset, event in enumerate(events):
            event.id = first + offset
            for digest in event.seals:
                seal_rows.append(
                    {
                        "event_id": event.id,
                        "record_type": digest.record_type,
                        "record_id": digest.record_id,
                        "layout_id": self.layouts[digest.record_type][0],
                        "sha256": digest.sha256,
                    }
                )
        self.sink.write(AuditEvent, [vars(e) for e in events])
        if seal_rows:
            first_seal = self.ids.take(Seal, len(seal_rows))
            for offset, row in enumerate(seal_rows):
                row["id"] = first_seal + offset
            self.sink.write(Seal, seal_rows)


def link_outside(outside: list[Outside], first_id: int, head: str | None) -> list[SimpleNamespace]:
    """Events of no school, already in time order, linked into the deployment's chain from
    its head, with ids from `first_id` on (past every school's block)."""
    events = [
        SimpleNamespace(
            id=first_id + offset,
            school_id=None,
            actor_id=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
            pupil_id=None,
            ip_address=ip,
            user_agent=BROWSER if ip else "",
            created_at=at,
        )
        for offset, (at, actor, action, target_type, target_id, detail, ip) in enumerate(outside)
    ]
    link_events(events, {None: head} if head is not None else {})
    return events
