"""A synthetic school's pupils: those on roll now and those who left over the years (kept,
archived, as records are kept for decades), with the statuses a DSL keeps in mind."""

import datetime
from dataclasses import dataclass

from safeguard.audit.models import AuditAction
from safeguard.demo.synthetic.context import UTC, SchoolContext
from safeguard.demo.synthetic.sink import Row
from safeguard.demo.synthetic.text import FIRST_NAMES, LAST_NAMES
from safeguard.lib.upn import make_upn
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind

PRIMARY_YEARS = ("R", "1", "2", "3", "4", "5", "6")
SECONDARY_YEARS = ("7", "8", "9", "10", "11", "12", "13")
STATUS_MIX = (
    (StatusKind.FSM, 40),
    (StatusKind.SEN_SUPPORT, 25),
    (StatusKind.EAL, 15),
    (StatusKind.EHCP, 6),
    (StatusKind.CHILD_IN_NEED, 5),
    (StatusKind.YOUNG_CARER, 4),
    (StatusKind.CP_PLAN, 3),
    (StatusKind.LOOKED_AFTER, 2),
)


@dataclass
class PupilInfo:
    id: int
    joined: datetime.datetime  # the first day they were on roll
    left: datetime.datetime  # the day they left, or now
    is_archived: bool
    born: datetime.date


def make_pupils(ctx: SchoolContext, *, on_roll: int, archived: int) -> list[PupilInfo]:
    rng = ctx.rng
    years = SECONDARY_YEARS[:5] if ctx.is_secondary else PRIMARY_YEARS
    span = len(years)
    start_age = 11 if ctx.is_secondary else 4
    this_september = ctx.now.year if ctx.now.month >= 9 else ctx.now.year - 1
    first = ctx.ids.take(Pupil, on_roll + archived)
    rows: list[Row] = []
    pupils: list[PupilInfo] = []
    serials: dict[int, int] = {}
    office = [s.user_id for s in ctx.staff if s.role == "office"] or [ctx.staff[0].user_id]
    for i in range(on_roll + archived):
        pupil_id = first + i
        is_archived = i >= on_roll
        if is_archived:
            # Left in some past summer since the school opened, after a full stay or part of one.
            last_year = rng.randrange(ctx.opened_at.year, this_september)
            year_index = rng.choice((span - 1, span - 1, span - 1, rng.randrange(span)))
            left = datetime.datetime(last_year + 1, 7, 20, 15, tzinfo=UTC)
        else:
            last_year = this_september
            year_index = rng.randrange(span)
            left = ctx.now
        cohort = last_year - year_index  # the September they started the first year group
        entry = max(ctx.opened_at.year, cohort)
        joined = datetime.datetime(entry, 9, 3, 9, tzinfo=UTC)
        if rng.random() < 0.15:  # joined mid-year
            joined += datetime.timedelta(days=rng.randrange(30, 250))
        joined = min(joined, left - datetime.timedelta(days=1))
        born_year = cohort - start_age - 1
        born = datetime.date(born_year, rng.randrange(9, 13), rng.randrange(1, 29))
        if rng.random() < 0.67:
            born = datetime.date(born_year + 1, rng.randrange(1, 9), rng.randrange(1, 29))
        serial = serials[entry] = serials.get(entry, 0) + 1
        upn = (
            make_upn(
                f"{800 + ctx.number % 200:03d}{ctx.number % 10000:04d}{entry % 100:02d}{serial:03d}"
            )
            if serial < 1000
            else ""
        )
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "id": pupil_id,
                "school_id": ctx.school_id,
                "legal_first_name": first_name,
                "legal_last_name": last_name,
                "preferred_first_name": rng.choice(FIRST_NAMES) if rng.random() < 0.03 else "",
                "preferred_last_name": "",
                "date_of_birth": born,
                "upn": upn,
                "admission_number": f"{i + 1:06d}",
                "sex": "U" if rng.random() < 0.01 else rng.choice("FM"),
                "year_group": years[year_index],
                "registration_group": f"{years[year_index]}{'ABCDEFGH'[rng.randrange(6 if ctx.is_secondary else 2)]}",
                "on_roll_on": joined.date(),
                "left_on": left.date() if is_archived else None,
                "leaving_destination": "Moved to another school" if is_archived else "",
                "is_archived": is_archived,
                "source": "synthetic",
                "source_id": "",
                "created_at": joined,
                "updated_at": left if is_archived else joined,
            }
        )
        pupils.append(PupilInfo(pupil_id, joined, left, is_archived, born))
        ctx.trail.add(
            AuditAction.PUPIL_CREATED,
            at=joined,
            actor=rng.choice(office),
            school=ctx.school_id,
            target=("pupil", pupil_id),
            pupil=pupil_id,
            ip=ctx.ip(),
        )
        if is_archived:
            ctx.trail.add(
                AuditAction.PUPIL_ARCHIVED,
                at=left,
                actor=rng.choice(office),
                school=ctx.school_id,
                target=("pupil", pupil_id),
                pupil=pupil_id,
                detail={"fields": ["is_archived", "leaving_destination", "left_on"]},
                ip=ctx.ip(),
            )
    ctx.sink.write(Pupil, rows)
    _statuses(ctx, pupils)
    return pupils


def _statuses(ctx: SchoolContext, pupils: list[PupilInfo]) -> None:
    rng = ctx.rng
    kinds = [k for k, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    leads = [s.user_id for s in ctx.leads]
    rows: list[Row] = []
    for pupil in pupils:
        if rng.random() > 0.3:
            continue
        for kind in set(rng.choices(kinds, weights, k=rng.choice((1, 1, 1, 2)))):
            started = ctx.between(pupil.joined, pupil.left)
            ended = (
                ctx.between(started, pupil.left)
                if pupil.is_archived or rng.random() < 0.3
                else None
            )
            status_id = ctx.ids.take(PupilStatus)
            rows.append(
                {
                    "id": status_id,
                    "school_id": ctx.school_id,
                    "pupil_id": pupil.id,
                    "kind": kind,
                    "started_on": started.date(),
                    "ended_on": ended.date() if ended else None,
                    "note": "",
                    "created_at": started,
                }
            )
            ctx.trail.add(
                AuditAction.PUPIL_STATUS_ADDED,
                at=started,
                actor=rng.choice(leads),
                school=ctx.school_id,
                target=("pupilstatus", status_id),
                pupil=pupil.id,
                detail={"pupil_id": pupil.id},
                ip=ctx.ip(),
            )
    ctx.sink.write(PupilStatus, rows)
