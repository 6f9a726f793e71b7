"""Pages of audit events, newest first, by (created_at, id): keyset paging with bounded counts.

A screen's events come from one or more *parts*: disjoint querysets, each read through
an index in (created_at, id) order (selectors.trail_parts, selectors.access_parts).
Each part gives the keys of at most one page and one more event past a cursor; the
newest of them make the page, fetched in one query. There is no OFFSET, and counts
stop at COUNT_LIMIT, so a page costs the same however long the trail behind it is:
the links say "Newer" and "Older" instead of page numbers. Cursors in the address are
a time (microseconds since 1970, UTC) and an event id, nothing else.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from safeguard.audit.models import AuditEvent

PAGE_SIZE = 50
COUNT_LIMIT = 1000

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
_TOKEN = re.compile(r"(\d{1,16})\.(\d{1,18})")

Key = tuple[datetime.datetime, int]


@dataclass(frozen=True)
class Cursor:
    created_at: datetime.datetime
    id: int

    def token(self) -> str:
        return f"{(self.created_at - _EPOCH) // _MICROSECOND}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        """The cursor a link carried; None (the newest page) for anything else."""
        found = _TOKEN.fullmatch(token or "")
        if found is None:
            return None
        try:
            at = _EPOCH + int(found.group(1)) * _MICROSECOND
        except OverflowError:
            return None
        return cls(at, int(found.group(2)))


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    count: int  # how many events match, up to COUNT_LIMIT
    more: bool  # True when more than COUNT_LIMIT match
    newer: str  # the cursor of the "Newer" link; "" on the newest page
    older: str  # the cursor of the "Older" link; "" when nothing is older
    position: str  # for the audit event that records the reading: "newest", "older:<cursor>"

    @property
    def count_limit(self) -> int:
        return COUNT_LIMIT


def read_page(
    parts: Sequence[QuerySet[AuditEvent]], query: Mapping[str, str], *, size: int = PAGE_SIZE
) -> Page:
    """The page the address asks for (`older=` or `newer=` a cursor; else the newest)."""
    older = Cursor.parse(query.get("older"))
    newer = None if older is not None else Cursor.parse(query.get("newer"))
    if newer is not None:
        keys = _keys(parts, newer, size, towards_newer=True)
        if len(keys) >= size:
            shown = list(reversed(keys[:size]))
            more = len(keys) > size
            return _page(parts, shown, newer=more, older=True, at=f"newer:{newer.token()}")
        # Less than a page is newer than the cursor: show the newest page.
    keys = _keys(parts, older, size, towards_newer=False)
    at = f"older:{older.token()}" if older is not None else "newest"
    return _page(parts, keys[:size], newer=older is not None, older=len(keys) > size, at=at)


def _keys(
    parts: Sequence[QuerySet[AuditEvent]], cursor: Cursor | None, size: int, *, towards_newer: bool
) -> list[Key]:
    """(created_at, id) of up to size + 1 events next to the cursor, nearest first."""
    found: set[Key] = set()
    for part in parts:
        if cursor is not None:
            at, pk = cursor.created_at, cursor.id
            if towards_newer:
                part = part.filter(Q(created_at__gt=at) | Q(id__gt=pk), created_at__gte=at)
            else:
                part = part.filter(Q(created_at__lt=at) | Q(id__lt=pk), created_at__lte=at)
        order = ("created_at", "id") if towards_newer else ("-created_at", "-id")
        found.update(part.order_by(*order).values_list("created_at", "id")[: size + 1])
    return sorted(found, reverse=not towards_newer)[: size + 1]


def _page(
    parts: Sequence[QuerySet[AuditEvent]], keys: list[Key], *, newer: bool, older: bool, at: str
) -> Page:
    events = list(
        AuditEvent.objects.filter(pk__in=[pk for _, pk in keys])
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    total = sum(part.order_by().values("pk")[: COUNT_LIMIT + 1].count() for part in parts)
    first, last = (Cursor(*keys[0]), Cursor(*keys[-1])) if keys else (None, None)
    return Page(
        events=events,
        count=min(total, COUNT_LIMIT),
        more=total > COUNT_LIMIT,
        newer=first.token() if newer and first is not None else "",
        older=last.token() if older and last is not None else "",
        position=at,
    )
