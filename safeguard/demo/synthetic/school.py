"""One synthetic school's rows, made from a `SchoolJob` alone: no query, so a worker process
can make it while the build's own process loads another school.

Everything a school needs from the database (its id, categories, SLT group, the head of
its audit chain, the seal layouts and its blocks of ids) is read before any school is
made and handed over in the job; the school's rows go to a `Writer`, its events of no
school (signing in) come back to be linked into the deployment's chain in time order.
"""

import datetime
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from safeguard.audit.models import AuditAction
from safeguard.demo.synthetic.actions import make_actions
from safeguard.demo.synthetic.context import CategoryInfo, SchoolContext
from safeguard.demo.synthetic.copyfiles import FileSink
from safeguard.demo.synthetic.incidents import make_incidents
from safeguard.demo.synthetic.pupils import make_pupils
from safeguard.demo.synthetic.sink import Ids, Writer, uuid_text
from safeguard.demo.synthetic.sizes import SchoolPlan
from safeguard.demo.synthetic.staff import make_staff
from safeguard.demo.synthetic.text import Narratives
from safeguard.demo.synthetic.trail import Layouts, Outside, Trail
from safeguard.incidents.models import Draft, RecordKind


@dataclass(frozen=True)
class SchoolJob:
    plan: SchoolPlan
    school_id: int
    code: str  # the incident reference prefix
    opened_at: datetime.datetime
    now: datetime.datetime
    seed: int
    actions_per_incident: float
    password_hash: str
    categories: list[CategoryInfo]
    slt_group: int
    block: dict[str, tuple[int, int]]  # table -> (first id, past the last)
    layouts: Layouts
    head: str | None  # the head of the school's audit chain
    migrated_at: datetime.datetime  # records before it were imported


def make(job: SchoolJob, sink: Writer) -> list[Outside]:
    """Write the school's rows to `sink`; return its events of no school."""
    rng = random.Random(job.seed * 1_000_003 + job.plan.number)
    ids = Ids(job.block)
    trail = Trail(
        ids, sink, job.layouts, job.head, school=job.school_id, migrated_at=job.migrated_at
    )
    ctx = SchoolContext(
        school_id=job.school_id,
        number=job.plan.number,
        code=job.code,
        is_secondary=job.plan.is_secondary,
        opened_at=job.opened_at,
        now=job.now,
        rng=rng,
        ids=ids,
        sink=sink,
        trail=trail,
        incident_text=Narratives(rng, median=450, spread=0.9, longest=30_000),
        action_text=Narratives(rng, median=180, spread=0.8, longest=8_000),
        slt_group=job.slt_group,
        categories=job.categories,
        migrated_at=job.migrated_at,
    )
    plan = job.plan
    make_staff(ctx, count=plan.staff, password_hash=job.password_hash)
    pupils = make_pupils(ctx, on_roll=plan.on_roll, archived=plan.archived)
    incidents = make_incidents(ctx, pupils, count=plan.incidents, long_ones=plan.long_chronologies)
    make_actions(ctx, incidents, per_incident=job.actions_per_incident)
    _drafts(ctx, [p.id for p in pupils if not p.is_archived])
    _sign_ins(ctx, count=sum(1 for i in incidents if not ctx.is_imported(i.recorded_at)) // 2)
    trail.flush()
    return trail.outside


@dataclass
class Made:
    """What a worker hands back: the school's files (table, columns, path, rows) and events."""

    number: int
    files: list[tuple[str, list[str], str, int]]
    outside: list[Outside]
    seconds: float  # CPU making the school
    formatting: dict[str, float]  # of which formatting each table's COPY text


def make_in_worker(job: SchoolJob, folder: str) -> Made:
    """In a worker process: the school's rows as COPY files in `folder`."""
    started = time.process_time()
    path = Path(folder) / f"school-{job.plan.number:04d}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    sink = FileSink(path)
    try:
        outside = make(job, sink)
    finally:
        files = sink.close()
    spent = time.process_time() - started
    return Made(job.plan.number, files, outside, spent, sink.seconds)


def _drafts(ctx: SchoolContext, on_roll: list[int]) -> None:
    """A few incidents being written: someone was interrupted, the session ran out."""
    rng = ctx.rng
    rows = []
    for _ in range(2 + len(ctx.staff) // 25):
        author = rng.choice(ctx.recorders)
        started = ctx.between(ctx.now - datetime.timedelta(days=10), ctx.now)
        draft_id = ctx.ids.take(Draft)
        rows.append(
            {
                "id": draft_id,
                "school_id": ctx.school_id,
                "author_id": author.user_id,
                "submit_key": uuid_text(rng.getrandbits(128)),
                "data": {
                    "pupil": [str(rng.choice(on_roll))],
                    "kind": [RecordKind.OBSERVATION.value],
                    "text": [ctx.incident_text.text()],
                },
                "created_at": started,
                "updated_at": ctx.after(started, median_minutes=3),
            }
        )
        ctx.trail.add(
            AuditAction.DRAFT_STARTED,
            at=started,
            actor=author.user_id,
            school=ctx.school_id,
            target=("draft", draft_id),
            ip=ctx.ip(),
        )
    ctx.sink.write(Draft, rows)


def _sign_ins(ctx: SchoolContext, *, count: int) -> None:
    """Staff signing in over the years (each person's last one is written with them)."""
    rng = ctx.rng
    people = ctx.recorders
    for _ in range(count):
        person = rng.choice(people)
        since = max(ctx.opened_at, ctx.migrated_at)
        at = ctx.between(since, ctx.now - datetime.timedelta(days=14))
        ctx.trail.add(
            AuditAction.SIGNED_IN,
            at=at,
            actor=person.user_id,
            school=None,
            target=("user", person.user_id),
            ip=ctx.ip(),
        )
