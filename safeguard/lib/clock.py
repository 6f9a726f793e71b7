"""The time services stamp on what they write: the real time, or a moment the demo sets.

Every service that records something (an incident, an action, a correction, an
alert being read, the audit event beside it) takes "now" from here, so there is
one code path for real records and for the demo's term of history: the demo
loader wraps each step of its story in `frozen_at(moment)` and the same services
write that moment into the record, the alert and the audit chain. Nothing else
freezes the clock: no request can, and the frozen moment is held per thread (a
context variable), never shared with another request.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("frozen_at", default=None)


def now() -> datetime.datetime:
    """The real time, unless `frozen_at` says otherwise."""
    return _frozen.get() or timezone.now()


def localdate() -> datetime.date:
    """Today (in the site's time zone) as `now()` sees it."""
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (an aware time, not in the future)."""
    if timezone.is_naive(moment):
        raise ValueError("Freeze the clock at an aware time.")
    if moment > timezone.now():
        raise ValueError("The clock can be set back, never forward.")
    # In UTC, as timezone.now() gives it: the audit hash covers the time as written, and
    # the database hands it back in UTC.
    token = _frozen.set(moment.astimezone(datetime.UTC))
    try:
        yield
    finally:
        _frozen.reset(token)
