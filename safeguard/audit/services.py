"""Write the audit trail. Called inside the same transaction as the change it records."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from safeguard.audit import sealing
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.lib import clock, request_context

GENESIS = "0" * 64

# Key of the PostgreSQL transaction-level advisory lock that serialises appends
# to the chain ("SG" "AU" in ASCII). Any constant works if nothing else uses it.
CHAIN_LOCK_KEY = 0x5347_4155


def pupil_of(target: models.Model | None, detail: dict[str, Any]) -> int | None:
    """The pupil an event is about, derived so that no caller has to pass it.

    A pupil target is itself; otherwise detail["pupil"] (as incident views
    record it); otherwise a target's own `pupil_id` (an incident, a status).
    """
    if target is not None and target._meta.label_lower == "pupils.pupil":
        return int(target.pk)
    named = detail.get("pupil")
    if isinstance(named, int) and not isinstance(named, bool):
        return named
    own = getattr(target, "pupil_id", None)
    if isinstance(own, int) and not isinstance(own, bool):
        return own
    return None


def _lock_chain() -> None:
    """Serialise appends so two transactions can't both extend the same head (a fork).

    On PostgreSQL, SELECT ... FOR UPDATE on the newest row is not enough: a
    second writer waits on that row, then still sees it as the newest under
    READ COMMITTED. A transaction-scoped advisory lock taken before the head
    is read makes the second writer read the head only after the first has
    committed. SQLite needs nothing: connections open IMMEDIATE transactions
    (settings), so writers are already one at a time. The unique constraint on
    prev_hash refuses a fork whatever happens.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


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
            # Only when set, so events written before pupil_id existed keep their hashes;
            # adding or removing it later still changes the hash.
            **({"pupil": event.pupil_id} if event.pupil_id is not None else {}),
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
    seal: Sequence[models.Model] = (),
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `detail` holds ids and field names only, never pupil names or record text.
    The pupil the event concerns is worked out here (see `pupil_of`), so every
    view of a child's record or incidents can be found by pupil id.

    `seal` lists the immutable records the change wrote (already saved): each
    is sealed into the chain with this event (`audit.sealing`), so
    `verify_audit` notices if one is later changed, removed or added behind
    the app's back.
    """
    meta = request_context.current()
    detail = detail or {}
    found = sealing.digests(seal) if seal else []
    if found:
        detail = {**detail, "sealed": sealing.commitment(found)}
    event = AuditEvent(
        school=school,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
        pupil_id=pupil_of(target, detail),
        ip_address=meta.ip_address if meta else None,
        user_agent=meta.user_agent if meta else "",
        created_at=clock.now(),
    )
    return append_event(event, found)


def chain_of(event: Any) -> int | None:
    """Which chain an event extends: today one chain holds every event of the deployment."""
    return None


def chain_heads() -> dict[int | None, str]:
    """The hash at the head of each chain, as `link_events` takes it."""
    head = AuditEvent.objects.order_by("-id").only("hash").first()
    return {None: head.hash} if head else {}


def link_events(events: Iterable[Any], heads: dict[int | None, str]) -> None:
    """Link unsaved events in order, as `append_event` would one at a time, for bulk writers.

    Each event names the head of its chain and becomes it (`heads` is updated). The
    caller saves them in this order, in one transaction that holds no other writer.
    """
    for event in events:
        key = chain_of(event)
        event.prev_hash = heads.get(key, GENESIS)
        event.hash = event_hash(event)
        heads[key] = event.hash


@transaction.atomic
def append_event(event: Any, found: Sequence[sealing.Digest] = (), *, apps: Any = None) -> Any:
    """Link `event` to the head of the chain, save it, then store the seals it commits to.

    `event` may be a migration's historical `AuditEvent` (with `apps`, its registry).
    """
    _lock_chain()
    head = type(event).objects.select_for_update().order_by("-id").only("hash").first()
    event.prev_hash = head.hash if head else GENESIS
    event.hash = event_hash(event)
    event.save()
    if found:
        sealing.write_seals(event, found, apps=apps)
    return event


@dataclass(frozen=True)
class ChainCheck:
    checked: int  # events found intact, from the first
    broken: AuditEvent | None  # the first event whose hash or link does not match
    head: AuditEvent | None  # the last intact event: the value to anchor off-box
    seen: frozenset[str]  # which of the `expect` hashes were found in the intact chain


def check_chain(*, expect: frozenset[str] = frozenset()) -> ChainCheck:
    """Walk the whole chain in id order, streaming, and stop at the first broken event.

    `expect` holds head hashes anchored off-box earlier (ASVS 16.4.3): a chain
    rewritten from some point on, hashes and all, verifies on its own but no
    longer contains them.
    """
    previous = GENESIS
    checked = 0
    head = None
    seen: set[str] = set()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous or event_hash(event) != event.hash:
            return ChainCheck(checked, event, head, frozenset(seen))
        if event.hash in expect:
            seen.add(event.hash)
        previous = event.hash
        head = event
        checked += 1
    return ChainCheck(checked, None, head, frozenset(seen))


def verify_chain() -> tuple[int, AuditEvent | None]:
    """Walk the whole chain; return how many events checked and the first broken one."""
    result = check_chain()
    return result.checked, result.broken
