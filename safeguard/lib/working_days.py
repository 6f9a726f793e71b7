"""Working days: the days Working Together's clocks count (a referral acknowledged within one
working day, an initial conference within 15 working days of the strategy discussion).

A working day is a weekday that is neither a bank holiday in England (the `holidays`
library's calendar for England, substitute days included: docs/decisions.md) nor one of the
days the school itself is closed. The school's closures are passed in as a set of dates
(`casework.clocks` reads them), so this module knows no model and no school.
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import holidays

DAY = datetime.timedelta(days=1)
# A clock that runs further than this has lost its way: refuse it rather than loop.
MAX_WORKING_DAYS = 2000


@functools.cache
def bank_holidays_in(year: int) -> frozenset[datetime.date]:
    """England's bank holidays in `year`, with the substitute days when one falls at a weekend."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(found)


@dataclass(frozen=True)
class Calendar:
    """Which days count: weekdays, less England's bank holidays, less the days in `closed`."""

    closed: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() < 5 and day not in bank_holidays_in(day.year) and day not in self.closed
        )

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The day `days` working days after `start` (before it, if `days` is negative).

        `start` itself never counts, working day or not: one working day after a Friday is
        the Monday (or the Tuesday, on a bank holiday Monday), and zero is `start` itself.
        """
        if abs(days) > MAX_WORKING_DAYS:
            raise ValueError(f"a clock of {days} working days is out of range")
        step = DAY if days >= 0 else -DAY
        day, left = start, abs(days)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def count(self, start: datetime.date, end: datetime.date) -> int:
        """The working days after `start` up to and including `end` (negative if `end` is
        earlier): `count(start, add(start, n)) == n`."""
        if end < start:
            return -self.count(end, start)
        if (end - start).days > MAX_WORKING_DAYS * 2:
            raise ValueError("a range of dates that long is out of range")
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + offset * DAY)
        )


def closed_days(ranges: Iterable[tuple[datetime.date, datetime.date]]) -> frozenset[datetime.date]:
    """Every day in the (first, last) ranges given, both ends included."""
    days: set[datetime.date] = set()
    for first, last in ranges:
        day = first
        while day <= last:
            days.add(day)
            if day == datetime.date.max:
                break
            day += DAY
    return frozenset(days)
