"""Build a synthetic dataset: schools through the real service, then each school's staff,
pupils, incidents, actions, alerts, drafts, sign-ins and audit trail in bulk, all in one
transaction: a build that fails leaves nothing behind, and one that commits is whole."""

import datetime
import random
import uuid
from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup, Trust, User
from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.demo.models import SyntheticDataset
from safeguard.demo.synthetic import identities
from safeguard.demo.synthetic.actions import make_actions
from safeguard.demo.synthetic.context import SchoolContext
from safeguard.demo.synthetic.incidents import make_incidents
from safeguard.demo.synthetic.loading import indexes_built_after, owns
from safeguard.demo.synthetic.pupils import make_pupils
from safeguard.demo.synthetic.sink import Ids, Sink
from safeguard.demo.synthetic.sizes import SIZES, SchoolPlan, Size, plan
from safeguard.demo.synthetic.staff import load_categories, make_school, make_staff
from safeguard.demo.synthetic.text import Narratives
from safeguard.demo.synthetic.trail import Trail
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
    RecordKind,
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


@transaction.atomic
def build(
    size_name: str,
    *,
    seed: int = 1,
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
    schools: list[tuple[SchoolPlan, School, datetime.datetime]] = []
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
        schools.append((school_plan, school, opened_at))
    password_hash = make_password(identities.PASSWORD)
    ids = Ids(from_sequences=not owns(LOADED))
    sink = Sink(show_progress=show_progress)
    trail = Trail(ids, sink)
    try:
        with indexes_built_after(LOADED, say=say):
            _schools(schools, size, seed, now, password_hash, ids, sink, trail)
        sink.finish(ids=ids)
    finally:
        sink.close()
    dataset.finished_at = timezone.now()
    dataset.rows = dict(sorted(sink.rows.items()))
    dataset.save(update_fields=["finished_at", "rows"])
    return dataset


def _schools(
    schools: list[tuple[SchoolPlan, School, datetime.datetime]],
    size: Size,
    seed: int,
    now: datetime.datetime,
    password_hash: str,
    ids: Ids,
    sink: Sink,
    trail: Trail,
) -> None:
    for school_plan, school, opened_at in schools:
        school_rng = random.Random(seed * 1_000_003 + school_plan.number)
        ctx = SchoolContext(
            school_id=school.pk,
            number=school_plan.number,
            code=school.reference_code,
            is_secondary=school_plan.is_secondary,
            opened_at=opened_at,
            now=now,
            rng=school_rng,
            ids=ids,
            sink=sink,
            trail=trail,
            incident_text=Narratives(school_rng, median=450, spread=0.9, longest=30_000),
            action_text=Narratives(school_rng, median=180, spread=0.8, longest=8_000),
        )
        _school(ctx, school_plan, size.actions_per_incident, password_hash)


def _school(
    ctx: SchoolContext, school_plan: SchoolPlan, actions_per_incident: float, password_hash: str
) -> None:
    load_categories(ctx)
    make_staff(ctx, count=school_plan.staff, password_hash=password_hash)
    pupils = make_pupils(ctx, on_roll=school_plan.on_roll, archived=school_plan.archived)
    incidents = make_incidents(
        ctx, pupils, count=school_plan.incidents, long_ones=school_plan.long_chronologies
    )
    make_actions(ctx, incidents, per_incident=actions_per_incident)
    _drafts(ctx, [p.id for p in pupils if not p.is_archived])
    _sign_ins(ctx, count=school_plan.incidents // 2)
    ctx.trail.flush()


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
                "submit_key": uuid.UUID(int=rng.getrandbits(128)),
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
        at = ctx.between(ctx.opened_at, ctx.now - datetime.timedelta(days=14))
        ctx.trail.add(
            AuditAction.SIGNED_IN,
            at=at,
            actor=person.user_id,
            school=None,
            target=("user", person.user_id),
            ip=ctx.ip(),
        )
