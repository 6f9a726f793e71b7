"""Write the audit trail. Called inside the same transaction as the change it records."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from safeguard.audit import sealing
from safeguard.audit.models import AuditAction, AuditEvent, ShownIncident
from safeguard.lib import clock, request_context

# The deployment chain's genesis: it holds every event written before chains were per
# school, and every event that belongs to no school (signing in, failed sign-ins, trusts).
GENESIS = "0" * 64

# First key of the PostgreSQL transaction-level advisory lock that serialises appends
# to one chain ("SG" "AU" in ASCII); the second key is the chain's (0: the deployment's).
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


def genesis(key: int | None) -> str:
    """What the first event of a chain names as its predecessor.

    Each chain has its own, so the unique constraint on `prev_hash` refuses a
    fork in any chain while every chain's first event still fits beside the others.
    """
    if key is None:
        return GENESIS
    return hashlib.sha256(f"safeguard audit chain of school {key}".encode()).hexdigest()


def _lock_chain(key: int | None) -> None:
    """Serialise appends to one chain so two transactions can't both extend its head (a fork).

    On PostgreSQL, SELECT ... FOR UPDATE on the newest row is not enough: a
    second writer waits on that row, then still sees it as the newest under
    READ COMMITTED. A transaction-scoped advisory lock on the chain, taken
    before its head is read, makes the second writer read the head only after
    the first has committed; writers to other chains take other locks and never
    wait. SQLite needs nothing: connections open IMMEDIATE transactions
    (settings), so writers are already one at a time. The unique constraint on
    prev_hash refuses a fork whatever happens.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_KEY, key or 0])


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's canonical JSON and the previous event's hash."""
    chain = getattr(event, "chain", None)
    payload = sealing.canonical_json(
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
            # The same for the chain: events of the deployment chain, which holds every
            # event written before chains were per school, hash as they always did.
            **({"chain": chain} if chain is not None else {}),
        }
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
    shown: Iterable[int] = (),
) -> AuditEvent:
    """Append one event to its school's chain (or the deployment's), in the caller's transaction.

    `detail` holds ids and field names only, never pupil names or record text.
    The pupil the event concerns is worked out here (see `pupil_of`), so every
    view of a child's record or incidents can be found by pupil id.

    `seal` lists the immutable records the change wrote (already saved): each
    is sealed into the chain with this event (`audit.sealing`), so
    `verify_audit` notices if one is later changed, removed or added behind
    the app's back.

    `shown` lists the incidents a page or copy showed (a chronology shows many, some
    naming other children): their ids go in `detail["incidents_shown"]` and in a
    `ShownIncident` row each, so each child's access log finds the event.
    """
    meta = request_context.current()
    detail = detail or {}
    shown_ids = sorted(set(shown))
    if shown_ids:
        detail = {**detail, "incidents_shown": shown_ids}
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
    event = append_event(event, found)
    if shown_ids and school is not None:
        ShownIncident.objects.bulk_create(
            ShownIncident(event=event, school_id=event.school_id, incident_id=incident_id)
            for incident_id in shown_ids
        )
    return event


def chain_of(event: Any) -> int | None:
    """Which chain a new event extends: its school's, or the deployment's (None) if it has none."""
    school_id = event.school_id
    return int(school_id) if school_id is not None else None


def _has_chains(model: Any) -> bool:
    """False for a migration's AuditEvent from before chains were per school."""
    return any(field.name == "chain" for field in model._meta.concrete_fields)


def _head(model: Any, key: int | None) -> str | None:
    """The hash of the chain's newest event: one probe of the (chain, id) index.

    Ordered by the index's own columns, and a school's chain named as a range of one
    (PostgreSQL drops `chain = k` from the order, then may walk the primary key backwards
    past every other chain's newer events, which after a quiet spell is most of the table).
    """
    if not _has_chains(model):
        return model.objects.order_by("-id").values_list("hash", flat=True).first()
    events = (
        model.objects.filter(chain__isnull=True)
        if key is None
        else model.objects.filter(chain__range=(key, key))
    )
    return events.order_by("-chain", "-id").values_list("hash", flat=True).first()


def schools() -> models.QuerySet[models.Model]:
    """Every school, each the key of a chain; asked through the event's foreign key, as the
    audit app imports no app above it. Schools are the scope, not scoped themselves."""
    return models.QuerySet(AuditEvent._meta.get_field("school").related_model)


def chain_heads() -> dict[int | None, str]:
    """The hash at the head of each chain that has events, as `link_events` takes it."""
    keys: list[int | None] = [None]
    keys += schools().order_by("pk").values_list("pk", flat=True)
    heads = {}
    for key in keys:
        head = _head(AuditEvent, key)
        if head is not None:
            heads[key] = head
    return heads


def link_events(events: Iterable[Any], heads: dict[int | None, str]) -> None:
    """Link unsaved events in order, as `append_event` would one at a time, for bulk writers.

    Each event names the head of its chain and becomes it (`heads` is updated). The
    caller saves them in this order, in one transaction that holds no other writer.
    """
    for event in events:
        key = chain_of(event)
        event.chain = key
        event.prev_hash = heads.get(key, genesis(key))
        event.hash = event_hash(event)
        heads[key] = event.hash


@transaction.atomic
def append_event(event: Any, found: Sequence[sealing.Digest] = (), *, apps: Any = None) -> Any:
    """Link `event` to the head of its chain, save it, then store the seals it commits to.

    The chain's lock is held until the caller's transaction ends, so audit in a
    short transaction: never hold one open while a page renders.
    `event` may be a migration's historical `AuditEvent` (with `apps`, its registry);
    from before chains were per school, every event extends the one chain.
    """
    model = type(event)
    key = chain_of(event) if _has_chains(model) else None
    _lock_chain(key)
    head = _head(model, key)
    if _has_chains(model):
        event.chain = key
    event.prev_hash = head if head is not None else genesis(key)
    event.hash = event_hash(event)
    event.save()
    if found:
        sealing.write_seals(event, found, apps=apps)
    return event


@dataclass(frozen=True)
class ChainState:
    key: int | None  # the school whose chain it is; None for the deployment's
    checked: int  # events found intact, from the first
    broken: AuditEvent | None  # the first event whose hash or link does not match
    head: AuditEvent | None  # the last intact event: the value to anchor off-box


@dataclass(frozen=True)
class ChainCheck:
    chains: tuple[ChainState, ...]  # every chain that has events, deployment's first
    seen: frozenset[str]  # which of the `expect` hashes were found in an intact chain

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def broken(self) -> AuditEvent | None:
        """The earliest written of the chains' first broken events."""
        found = [chain.broken for chain in self.chains if chain.broken is not None]
        return min(found, key=lambda event: event.pk) if found else None

    @property
    def head(self) -> AuditEvent | None:
        """The newest intact head of any chain."""
        heads = [chain.head for chain in self.chains if chain.head is not None]
        return max(heads, key=lambda event: event.pk) if heads else None


def check_chain(*, expect: frozenset[str] = frozenset()) -> ChainCheck:
    """Walk every chain in id order, streaming, and stop each at its first broken event.

    One query, so one snapshot, in id order: each chain's events are written one
    at a time under its lock, so the snapshot holds each chain up to a head that
    its writer committed.
    `expect` holds head hashes anchored off-box earlier (ASVS 16.4.3): a chain
    rewritten from some point on, hashes and all, verifies on its own but no
    longer contains them.
    """
    walks: dict[int | None, _Walk] = {}
    seen: set[str] = set()
    # In id order, as the rows lie on disk; each chain is a subsequence of it.
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        walk = walks.get(event.chain)
        if walk is None:
            walk = walks[event.chain] = _Walk(event.chain)
        walk.step(event, expect, seen)
    order = sorted(walks, key=lambda key: -1 if key is None else key)
    chains = [walks[key].state() for key in order]
    return ChainCheck(tuple(chains), frozenset(seen))


class _Walk:
    """One chain, read event by event."""

    def __init__(self, key: int | None) -> None:
        self.key = key
        self.previous = genesis(key)
        self.checked = 0
        self.broken: AuditEvent | None = None
        self.head: AuditEvent | None = None

    def step(self, event: AuditEvent, expect: frozenset[str], seen: set[str]) -> None:
        if self.broken is not None:
            return
        if event.prev_hash != self.previous or event_hash(event) != event.hash:
            self.broken = event
            return
        if event.hash in expect:
            seen.add(event.hash)
        self.previous = event.hash
        self.head = event
        self.checked += 1

    def state(self) -> ChainState:
        return ChainState(self.key, self.checked, self.broken, self.head)


def verify_chain() -> tuple[int, AuditEvent | None]:
    """Walk every chain; return how many events are intact and the first broken one."""
    result = check_chain()
    return result.checked, result.broken
