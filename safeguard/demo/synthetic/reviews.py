"""The DSL's side of a synthetic incident: its review as it stands now (one status change
for most, now and then a correction) and the times the leads opened it, as the corrections
services and the incident page would have audited them."""

import datetime
from typing import Any

from safeguard.audit.models import AuditAction
from safeguard.demo.synthetic.context import CategoryInfo, IncidentInfo, SchoolContext
from safeguard.demo.synthetic.pupils import PupilInfo
from safeguard.demo.synthetic.sink import Row
from safeguard.incidents.models import IncidentCorrection, IncidentReview
from safeguard.incidents.models.review import CorrectionKind, ReviewStatus

STATUS_REASONS = (
    "Reviewed with the pastoral team.",
    "Parents spoken to; no further action needed.",
    "Referred to early help.",
    "Monitoring for the rest of term.",
    "Closed after review.",
)

# Read once: an enum's `values` is built anew on every use.
_STATUSES = tuple(ReviewStatus.values)


def _as_json(categories: list[CategoryInfo]) -> list[dict[str, Any]]:
    return [{"id": c.id, "name": c.name} for c in categories]


def review(
    ctx: SchoolContext,
    rows: dict[Any, list[Row]],
    info: IncidentInfo,
    chosen: list[CategoryInfo],
    pupils: list[PupilInfo],
) -> None:
    """The review row as it stands now: one status change for most, a correction for a few."""
    rng = ctx.rng
    age = (ctx.now - info.recorded_at).days
    status: str
    if age < 14:
        status = ReviewStatus.NEW if rng.random() < 0.6 else ReviewStatus.OPEN
    elif age < 180:
        status = rng.choices(_STATUSES, (2, 40, 30, 28))[0]
    else:
        status = rng.choices(_STATUSES, (0.2, 3, 7, 90))[0]
    review = {
        "id": ctx.ids.take(IncidentReview),
        "school_id": ctx.school_id,
        "incident_id": info.id,
        "pupil_id": info.pupil,
        "status": status,
        "is_withdrawn": False,
        "recorded_at": info.recorded_at,
        "updated_at": info.recorded_at,
    }
    categories = chosen
    if status != ReviewStatus.NEW:
        made_at = ctx.after(info.recorded_at, median_minutes=24 * 60)
        _correct(
            ctx, rows, info, CorrectionKind.STATUS, made_at, {"status": "new"}, {"status": status}
        )
        review["updated_at"] = made_at
        roll = rng.random()
        if roll < 0.01:
            categories = [c for c in ctx.categories if not c.is_restricted][:1] + chosen[1:]
            if {c.id for c in categories} != {c.id for c in chosen}:
                made_at = ctx.after(made_at, median_minutes=60)
                _correct(
                    ctx,
                    rows,
                    info,
                    CorrectionKind.RECATEGORISE,
                    made_at,
                    {"categories": _as_json(chosen)},
                    {"categories": _as_json(categories)},
                )
                review["updated_at"] = made_at
        elif roll < 0.013:
            other = rng.choice(pupils).id
            if other != info.pupil:
                made_at = ctx.after(made_at, median_minutes=60)
                _correct(
                    ctx,
                    rows,
                    info,
                    CorrectionKind.MOVE_PUPIL,
                    made_at,
                    {"pupil": info.pupil},
                    {"pupil": other},
                )
                review["pupil_id"], review["updated_at"] = other, made_at
        elif roll < 0.015:
            made_at = ctx.after(made_at, median_minutes=60)
            _correct(
                ctx,
                rows,
                info,
                CorrectionKind.WITHDRAW,
                made_at,
                {"is_withdrawn": False},
                {"is_withdrawn": True},
            )
            review["is_withdrawn"], review["updated_at"] = True, made_at
    rows[IncidentReview].append(review)
    through = rows[IncidentReview.categories.through]
    first = ctx.ids.take(IncidentReview.categories.through, len(categories))
    through.extend(
        {"id": first + i, "incidentreview_id": review["id"], "category_id": c.id}
        for i, c in enumerate(categories)
    )


def _correct(
    ctx: SchoolContext,
    rows: dict[Any, list[Row]],
    info: IncidentInfo,
    kind: str,
    at: datetime.datetime,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    lead = ctx.rng.choice(ctx.leads).user_id
    row = {
        "id": ctx.ids.take(IncidentCorrection),
        "school_id": ctx.school_id,
        "incident_id": info.id,
        "kind": kind,
        "made_by_id": lead,
        "made_at": at,
        "reason": ctx.rng.choice(STATUS_REASONS),
        "before": before,
        "after": after,
    }
    rows.setdefault(IncidentCorrection, []).append(row)
    if ctx.is_imported(at):
        ctx.trail.imported([ctx.trail.seal(IncidentCorrection, row)])
        return
    action = (
        AuditAction.INCIDENT_STATUS_CHANGED
        if kind == CorrectionKind.STATUS
        else AuditAction.INCIDENT_CORRECTED
    )
    ctx.trail.add(
        action,
        at=at,
        actor=lead,
        school=ctx.school_id,
        target=("incident", info.id),
        pupil=info.pupil,
        detail={"correction": row["id"], "kind": kind, "before": before, "after": after},
        seals=[ctx.trail.seal(IncidentCorrection, row)],
        ip=ctx.ip(),
    )


def views(ctx: SchoolContext, info: IncidentInfo) -> None:
    """The leads open most incidents once or twice; now and then the pupil's page too."""
    rng = ctx.rng
    for _ in range(rng.choice((0, 1, 1, 1, 1, 2))):
        viewer = rng.choice(ctx.leads).user_id
        at = ctx.after(info.recorded_at, median_minutes=6 * 60, spread=1.5)
        ctx.trail.add(
            AuditAction.INCIDENT_VIEWED,
            at=at,
            actor=viewer,
            school=ctx.school_id,
            target=("incident", info.id),
            pupil=info.pupil,
            detail={"pupil": info.pupil},
            ip=ctx.ip(),
        )
    if rng.random() < 0.3:
        at = ctx.after(info.recorded_at, median_minutes=24 * 60, spread=1.5)
        ctx.trail.add(
            AuditAction.PUPIL_VIEWED,
            at=at,
            actor=rng.choice(ctx.leads).user_id,
            school=ctx.school_id,
            target=("pupil", info.pupil),
            pupil=info.pupil,
            ip=ctx.ip(),
        )
