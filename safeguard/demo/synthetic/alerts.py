"""Alerts of a synthetic school, with their reading and acknowledging, and the audit
events `alerting.create_alerts`, `mark_read` and `acknowledge` write for each."""

import datetime

from safeguard.audit.models import AuditAction
from safeguard.demo.synthetic.context import SchoolContext
from safeguard.demo.synthetic.sink import Row, uuid_text
from safeguard.incidents.models import Alert, AlertReason, EmailState

LEAD_REASONS = frozenset({AlertReason.DSL, AlertReason.MISTAKE})


class Alerts:
    def __init__(self, ctx: SchoolContext) -> None:
        self.ctx = ctx
        self.rows: list[Row] = []

    def add(
        self,
        *,
        incident_id: int,
        action_id: int | None,
        recipient: int,
        created_by: int,
        reason: str,
        label: str,
        leads_only: bool,
        at: datetime.datetime,
    ) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        alert_id = ctx.ids.take(Alert)
        age_days = (ctx.now - at).days
        read_at = acknowledged_at = None
        if rng.random() < (0.95 if age_days > 14 else 0.5):
            read_at = ctx.after(at, median_minutes=90, spread=1.5)
            if rng.random() < 0.3:
                acknowledged_at = ctx.after(read_at, median_minutes=5)
        self.rows.append(
            {
                "id": alert_id,
                "school_id": ctx.school_id,
                "incident_id": incident_id,
                "action_id": action_id,
                "recipient_id": recipient,
                "created_by_id": created_by,
                "reason": reason,
                "reason_detail": "",
                "category_label": label[:200],
                "is_lead_only": leads_only or reason in LEAD_REASONS,
                "created_at": at,
                "read_at": read_at,
                "acknowledged_at": acknowledged_at,
                "email_state": EmailState.SENT,
                "email_attempts": 1,
                "email_sent_at": at + datetime.timedelta(seconds=rng.randrange(2, 60)),
                "email_error": "",
                "email_next_attempt_at": None,
                # Ordered by id, so the unique index grows at one end as the rows arrive.
                "key": uuid_text((alert_id << 64) | rng.getrandbits(64)),
            }
        )
        ids = {"incident": incident_id, "action": action_id}
        ctx.trail.add(
            AuditAction.ALERT_SENT,
            at=at,
            actor=created_by,
            school=ctx.school_id,
            target=("alert", alert_id),
            detail={**ids, "recipient": recipient},
        )
        if read_at is not None:
            ctx.trail.add(
                AuditAction.ALERT_READ,
                at=read_at,
                actor=recipient,
                school=ctx.school_id,
                target=("alert", alert_id),
                detail=ids,
                ip=ctx.ip(),
            )
        if acknowledged_at is not None:
            ctx.trail.add(
                AuditAction.ALERT_ACKNOWLEDGED,
                at=acknowledged_at,
                actor=recipient,
                school=ctx.school_id,
                target=("alert", alert_id),
                detail={**ids, "marked_read": False},
                ip=ctx.ip(),
            )

    def write(self) -> None:
        self.ctx.sink.write(Alert, self.rows)
        self.rows = []
