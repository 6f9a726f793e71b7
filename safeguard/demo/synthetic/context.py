"""What every part of one synthetic school's generation shares: ids, the sink, the trail,
the school's staff and categories, a seeded random source and the moment it is "now"."""

import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from safeguard.demo.synthetic.sink import Ids, Writer
from safeguard.demo.synthetic.text import Narratives
from safeguard.demo.synthetic.trail import Trail

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")


@dataclass
class Staff:
    user_id: int
    membership_id: int
    role: str
    is_lead: bool


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    position: int
    is_restricted: bool
    is_safeguarding: bool


@dataclass(slots=True)
class IncidentInfo:
    id: int
    pupil: int
    author: Staff
    occurred_at: datetime.datetime
    recorded_at: datetime.datetime
    label: str
    is_restricted: bool
    alerted: list[int] = field(default_factory=list)


@dataclass
class SchoolContext:
    school_id: int
    number: int
    code: str  # the incident reference prefix
    is_secondary: bool
    opened_at: datetime.datetime
    now: datetime.datetime
    rng: random.Random
    ids: Ids
    sink: Writer
    trail: Trail
    incident_text: Narratives
    action_text: Narratives
    slt_group: int
    categories: list[CategoryInfo]
    # When the deployment went live: what was recorded before came in from the schools'
    # previous system (`trail.Trail.imported`), without alerts or views.
    migrated_at: datetime.datetime
    staff: list[Staff] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)  # the school's computers

    @property
    def leads(self) -> list[Staff]:
        return [s for s in self.staff if s.is_lead]

    @property
    def recorders(self) -> list[Staff]:
        """Everyone who records incidents (every role but governors)."""
        return [s for s in self.staff if s.role != "governor"]

    def is_imported(self, at: datetime.datetime) -> bool:
        """Whether a record made at `at` predates the deployment (imported, not recorded)."""
        return at < self.migrated_at

    def ip(self) -> str:
        """A school network address, as the audit trail keeps for each request."""
        if not self.addresses:
            self.addresses = [
                f"10.{self.number % 250}.{self.rng.randrange(1, 250)}.{self.rng.randrange(2, 250)}"
                for _ in range(64)
            ]
        return self.addresses[int(self.rng.random() * 64)]

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        """A moment between two others (to the second), no later than now."""
        end = min(end, self.now)
        span = max(0, int((end - start).total_seconds()))
        return start + datetime.timedelta(seconds=self.rng.randrange(span + 1))

    def after(
        self, moment: datetime.datetime, *, median_minutes: float, spread: float = 1.0
    ) -> datetime.datetime:
        """A moment some (log-normally spread) minutes after `moment`, never after now."""
        delay = self.rng.lognormvariate(0, spread) * median_minutes * 60
        return min(self.now, moment + datetime.timedelta(seconds=int(delay) + 1))
