"""Write the audit trail. Called inside the same transaction as the change it records."""

import hashlib
import json
from typing import Any

from django.db import models, transaction

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.lib import request_context

GENESIS = "0" * 64


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's canonical JSON and the previous event's hash."""
    payload = json.dumps(
        {
            "school": event.school_id,
            "actor": event.actor_id,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "detail": event.detail,
            "ip": event.ip_address,
            "agent": event.user_agent,
            "at": event.created_at.isoformat(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256((payload + event.prev_hash).encode()).hexdigest()


@transaction.atomic
def record(
    *,
    actor: Any,
    action: AuditAction,
    school: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    meta = request_context.current()
    head = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
    event = AuditEvent(
        school=school,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
        ip_address=meta.ip_address if meta else None,
        user_agent=meta.user_agent if meta else "",
        prev_hash=head.hash if head else GENESIS,
    )
    event.hash = event_hash(event)
    event.save()
    return event


def verify_chain() -> tuple[int, AuditEvent | None]:
    """Walk the whole chain; return how many events checked and the first broken one."""
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous or event_hash(event) != event.hash:
            return checked, event
        previous = event.hash
        checked += 1
    return checked, None
