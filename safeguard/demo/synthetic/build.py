"""Build a synthetic dataset: schools through the real service, then each school's staff,
pupils, incidents, actions, alerts, drafts, sign-ins and audit trail in bulk, all in one
transaction: a build that fails leaves nothing behind, and one that commits is whole.

On PostgreSQL, worker processes make whole schools (`school.make_in_worker`) as COPY files
while this process, which holds the transaction, loads each school as soon as it is
made; the events of no school come back from the workers and are linked into the
deployment's chain in time order (schools in their own order where times are equal) at
the end. Elsewhere (SQLite, the tests) the same
schools are made here, one after another: the same seed gives the same rows either way.
"""

import datetime
import multiprocessing
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

import django
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup, Trust, User
from safeguard.audit.models import AuditEvent, Seal
from safeguard.audit.services import chain_heads
from safeguard.demo.models import SyntheticDataset
from safeguard.demo.synthetic import blocks, copyfiles, identities
from safeguard.demo.synthetic.loading import indexes_built_after, owns
from safeguard.demo.synthetic.school import Made, SchoolJob, make, make_in_worker
from safeguard.demo.synthetic.sink import Sink
from safeguard.demo.synthetic.sizes import SIZES, plan
from safeguard.demo.synthetic.staff import load_categories, make_school, slt_group
from safeguard.demo.synthetic.trail import Outside, layouts_for, link_outside
from safeguard.incidents.models import (
    Action,
    Alert,
    BodyMapMark,
    Draft,
    Incident,
    IncidentCategory,
    IncidentCorrection,
    IncidentCounter,
    IncidentReference,
    IncidentReview,
    LinkedPupil,
)
from safeguard.pupils.models import Pupil, PupilStatus

# Every table the generator writes in bulk (their indexes are built after loading).
LOADED = (
    User,
    EmailAddress,
    Membership,
    Authenticator,
    StaffGroup.members.through,
    Pupil,
    PupilStatus,
    Incident,
    IncidentReference,
    IncidentCategory,
    LinkedPupil,
    BodyMapMark,
    IncidentReview,
    IncidentReview.categories.through,
    IncidentCorrection,
    IncidentCounter,
    Action,
    Alert,
    Draft,
    AuditEvent,
    Seal,
)


# Sealed record types (`trail.Trail.seal`), their layouts read before any school is made.
SEALED = (
    Incident,
    IncidentReference,
    IncidentCategory,
    LinkedPupil,
    BodyMapMark,
    IncidentCorrection,
    Action,
)
OUTSIDE_BATCH = 50_000


@transaction.atomic
def build(
    size_name: str,
    *,
    seed: int = 1,
    workers: int = 2,
    show_progress: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> SyntheticDataset:
    size = SIZES[size_name]
    now = timezone.now().replace(microsecond=0)
    dataset = SyntheticDataset.objects.create(size=size.name, seed=seed, started_at=now)
    plans = plan(size, seed=seed)
    trust = (
        Trust.objects.get_or_create(name=f"Synthetic {size.name} trust")[0]
        if size.schools > 1
        else None
    )
    rng = random.Random(seed)
    made: list[tuple[School, datetime.datetime]] = []
    say(f"Creating {len(plans)} school(s)...")
    for school_plan in plans:
        years = (
            size.years
            if school_plan.number == 1
            else rng.randint(max(2, size.years // 2), size.years)
        )
        opened_at = (now - datetime.timedelta(days=365 * years)).replace(month=8, day=20, hour=9)
        school = make_school(
            dataset=dataset,
            trust=trust,
            number=school_plan.number,
            is_secondary=school_plan.is_secondary,
            opened_at=opened_at,
        )
        made.append((school, opened_at))
    owner = owns(LOADED)
    reserved, following = blocks.reserve(
        plans, size.actions_per_incident, list(LOADED), from_sequences=not owner
    )
    password_hash = make_password(identities.PASSWORD)
    layouts = layouts_for(SEALED)
    heads = chain_heads()
    jobs = [
        SchoolJob(
            plan=school_plan,
            school_id=school.pk,
            code=school.reference_code,
            opened_at=opened_at,
            now=now,
            seed=seed,
            actions_per_incident=size.actions_per_incident,
            password_hash=password_hash,
            categories=load_categories(school.pk),
            slt_group=slt_group(school.pk),
            block=block,
            layouts=layouts,
            head=heads.get(school.pk),
            migrated_at=now - datetime.timedelta(days=365 * size.live_years),
        )
        for school_plan, (school, opened_at), block in zip(plans, made, reserved, strict=True)
    ]
    parallel = workers > 0 and owner and connection.vendor == "postgresql"
    sink = Sink(show_progress=show_progress)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The build's transaction waits on the workers now and then.
                cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        with indexes_built_after(LOADED, say=say, show_progress=show_progress):
            outside: dict[int, list[Outside]] = {}
            if parallel:
                say(f"Making {len(jobs)} school(s) in {workers} worker processes...")
                making = 0.0
                formatting: dict[str, float] = {}
                for done in _in_workers(jobs, workers):
                    copyfiles.load(done.files, sink.seconds)
                    for table, _, _, rows in done.files:
                        sink.count(table, rows)
                    outside[done.number] = done.outside
                    making += done.seconds
                    for table, spent in done.formatting.items():
                        formatting[table] = formatting.get(table, 0.0) + spent
                _say_times(say, sink, making, formatting)
            else:
                for job in jobs:
                    outside[job.plan.number] = make(job, sink)
            # In the schools' order, whichever order they were made in.
            in_order = [event for number in sorted(outside) for event in outside[number]]
            _write_outside(sink, in_order, following["audit_auditevent"], heads.get(None))
        if owner:
            sink.finish(LOADED)
    finally:
        sink.close()
    dataset.finished_at = timezone.now()
    dataset.rows = dict(sorted(sink.rows.items()))
    dataset.save(update_fields=["finished_at", "rows"])
    return dataset


def _in_workers(jobs: list[SchoolJob], workers: int) -> Iterator[Made]:
    """Each school made by a worker process, as soon as it is made, with a few made ahead at
    most (their files wait on disk until this process loads them). The largest schools go
    first, so no worker is left making a large one alone at the end, and a school that
    takes long holds up no other: loading order changes only where rows lie on disk."""
    # A folder of this build's own: another build may be running from the same checkout.
    parent = Path(settings.BASE_DIR) / "var" / "synthetic"
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=parent))
    pending: set[Future[Made]] = set()
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=django.setup) as pool:
            for job in sorted(jobs, key=lambda j: -j.plan.incidents):
                pending.add(pool.submit(make_in_worker, job, str(folder)))
                if len(pending) > 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
    finally:
        for future in pending:
            future.cancel()
        shutil.rmtree(folder, ignore_errors=True)


def _say_times(
    say: Callable[[str], None], sink: Sink, making: float, formatting: dict[str, float]
) -> None:
    """Where the time went: the workers' CPU, and per table its COPY text and its COPY."""
    say(f"Workers' CPU making schools: {making:,.0f} s; per table, formatting and COPY:")
    for table in sorted(sink.rows, key=lambda t: -sink.seconds.get(t, 0.0)):
        say(
            f"  {table:<42} {formatting.get(table, 0.0):>8,.1f} s {sink.seconds.get(table, 0.0):>8,.1f} s"
        )


def _write_outside(sink: Sink, outside: list[Outside], first_id: int, head: str | None) -> None:
    """The events of no school from every school, linked in time order, in batches."""
    outside.sort(key=lambda e: e[0])  # stable: in the schools' order where times are equal
    for start in range(0, len(outside), OUTSIDE_BATCH):
        events = link_outside(outside[start : start + OUTSIDE_BATCH], first_id + start, head)
        head = events[-1].hash
        sink.write(AuditEvent, [vars(e) for e in events])
