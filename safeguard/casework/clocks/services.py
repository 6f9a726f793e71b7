"""The school's clocks and closure days: read them, and change them (leads only, audited).

The calendar a clock counts by is the school's: weekdays, less England's bank holidays
(`lib.working_days`), less the days the school says it is closed.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.clocks.models import REASON_MAX, CaseworkClocks, SchoolClosure
from safeguard.lib import clock, dates
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.lib.working_days import Calendar, closed_days

# A closure longer than this is a mistyped year, not a holiday.
MAX_CLOSURE_DAYS = 70
# Closures are entered for the years around this one; further out is a mistyped year.
CLOSURE_YEARS = 2


def years_from(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` on (or back); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


POLICY_MAX = 2000


def clocks_of(school: School | int) -> CaseworkClocks:
    """The school's clocks: its own row, or the defaults (unsaved) if it has never set them."""
    school_id = school if isinstance(school, int) else school.pk
    found = CaseworkClocks.objects.for_school(school_id).first()
    return found if found is not None else CaseworkClocks(school_id=school_id)


def calendar_for(school: School | int) -> Calendar:
    """The school's working days, in one query: its closures are few (a handful a year)."""
    school_id = school if isinstance(school, int) else school.pk
    ranges = SchoolClosure.objects.for_school(school_id).values_list("starts_on", "ends_on")
    return Calendar(closed_days(ranges))


def _must_lead(membership: Membership) -> None:
    if Capability.MANAGE_CLOCKS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can change the clocks.")


@transaction.atomic
def save_clocks(*, membership: Membership, values: dict[str, Any]) -> list[str]:
    """Set the school's clocks; returns the names of the fields that changed (audited with
    their values before and after; nothing changed, nothing written)."""
    _must_lead(membership)
    clocks = clocks_of(membership.school_id)
    names = [*CaseworkClocks.CLOCK_FIELDS, "escalation_policy"]
    problem = text_problem(
        values.get("escalation_policy", ""), max_length=POLICY_MAX, required=False
    )
    if problem:
        raise ValidationError({"escalation_policy": [problem]})
    changed = {
        name: {"from": getattr(clocks, name), "to": values[name]}
        for name in names
        if name in values and getattr(clocks, name) != values[name]
    }
    if not changed:
        return []
    for name, change in changed.items():
        setattr(clocks, name, change["to"])
    clocks.changed_by = membership.user
    clocks.changed_at = clock.now()
    clocks.full_clean()
    clocks.save()
    # The policy's text is not put in the trail, only that it changed.
    detail = {n: c for n, c in changed.items() if n != "escalation_policy"}
    record(
        actor=membership.user,
        action=AuditAction.CASEWORK_CLOCKS_CHANGED,
        school=membership.school,
        target=clocks,
        detail={"changed": sorted(changed), "values": detail},
    )
    return sorted(changed)


def closure_problems(
    *, starts_on: datetime.date | None, ends_on: datetime.date | None, reason: str
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if starts_on is None:
        found["starts_on"] = ["Enter the first day the school is closed."]
    if ends_on is None:
        found["ends_on"] = ["Enter the last day the school is closed (the first day, for one day)."]
    today = clock.localdate()
    earliest, latest = years_from(today, -CLOSURE_YEARS), years_from(today, CLOSURE_YEARS)
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not earliest <= day <= latest:
            found[name] = [
                f"Choose a day between {dates.display_date(earliest)} and "
                f"{dates.display_date(latest)} (check the year)."
            ]
    if starts_on and ends_on and not found:
        if ends_on < starts_on:
            found["ends_on"] = [
                f"The last day is before the first day ({dates.display_date(starts_on)}): "
                "enter a last day on or after it."
            ]
        elif (ends_on - starts_on).days + 1 > MAX_CLOSURE_DAYS:
            found["ends_on"] = [
                f"This closure is {(ends_on - starts_on).days + 1} days long; add closures of "
                f"at most {MAX_CLOSURE_DAYS} days (check the year)."
            ]
    if not reason.strip():
        found["reason"] = ["Say why the school is closed, for example “INSET day”."]
    else:
        problem = single_line_problem(reason.strip(), max_length=REASON_MAX, noun="Reasons")
        if problem:
            found["reason"] = [problem]
    return found


@transaction.atomic
def add_closure(
    *,
    membership: Membership,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    reason: str,
) -> SchoolClosure:
    """Add days the school is closed; every clock counts without them from now on."""
    _must_lead(membership)
    problems = closure_problems(starts_on=starts_on, ends_on=ends_on, reason=reason)
    if problems or starts_on is None or ends_on is None:
        raise ValidationError(problems)
    closure = SchoolClosure(
        school_id=membership.school_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        added_by=membership.user,
        added_at=clock.now(),
    )
    closure.full_clean()
    closure.save()
    record(
        actor=membership.user,
        action=AuditAction.SCHOOL_CLOSURE_ADDED,
        school=membership.school,
        target=closure,
        detail={"from": starts_on.isoformat(), "to": ends_on.isoformat()},
    )
    return closure


@transaction.atomic
def remove_closure(*, membership: Membership, closure: SchoolClosure) -> None:
    """Take days off the list (added by mistake, or the school opened after all); audited
    with the dates, so the trail still says what the clocks once skipped."""
    _must_lead(membership)
    if closure.school_id != membership.school_id:
        raise PermissionDenied("This closure belongs to another school.")
    detail = {
        "from": closure.starts_on.isoformat(),
        "to": closure.ends_on.isoformat(),
        "closure": closure.pk,
    }
    SchoolClosure.objects.for_school(membership.school_id).filter(pk=closure.pk).delete()
    record(
        actor=membership.user,
        action=AuditAction.SCHOOL_CLOSURE_REMOVED,
        school=membership.school,
        detail=detail,
    )
