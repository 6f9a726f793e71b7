"""A synthetic school's incidents with everything recorded with them (reference,
categories, linked pupils, body-map marks), the DSL's review of each (status, now and then a
correction) and the alerts and views around them, as `submit_incident` and the
corrections services would have written them."""

import datetime
from typing import Any

from safeguard.audit.models import AuditAction
from safeguard.audit.sealing import Digest
from safeguard.demo.synthetic import reviews
from safeguard.demo.synthetic.alerts import Alerts
from safeguard.demo.synthetic.context import LONDON, CategoryInfo, IncidentInfo, SchoolContext
from safeguard.demo.synthetic.pupils import PupilInfo
from safeguard.demo.synthetic.sink import Row, uuid_text
from safeguard.incidents.models import (
    AlertReason,
    BodyMapMark,
    BodySide,
    Incident,
    IncidentCategory,
    IncidentCounter,
    IncidentReference,
    IncidentReview,
    LinkedPupil,
    LinkRole,
    MarkType,
    RecordKind,
)

# Read once: an enum's `values` is built anew on every use.
_ROLES = tuple(LinkRole.values)
_SIDES = tuple(BodySide.values)
_MARK_TYPES = tuple(MarkType.values)

CATEGORY_WEIGHTS = {
    "Safeguarding concern": 20,
    "Child protection": 3,
    "Child in need": 2,
    "Behaviour": 18,
    "Bullying": 8,
    "Child-on-child abuse": 4,
    "Online safety": 6,
    "Domestic abuse": 3,
    "Neglect": 3,
    "Physical injury": 5,
    "Emotional wellbeing / mental health": 10,
    "SEND": 4,
    "Attendance": 6,
    "Medical": 4,
    "Family / home circumstances": 6,
    "Parental contact": 5,
    "Outside-school incident": 2,
    "Prevent / radicalisation": 0.5,
    "Low-level staff conduct concern": 0.5,
}
KINDS = (
    (RecordKind.OBSERVATION, 35),
    (RecordKind.CONVERSATION, 20),
    (RecordKind.DISCLOSURE, 12),
    (RecordKind.PARENT, 12),
    (RecordKind.PHONE_CALL, 8),
    (RecordKind.THIRD_PARTY, 8),
    (RecordKind.OTHER, 5),
)
LOCATIONS = (
    "Classroom",
    "Playground",
    "Corridor",
    "Dining hall",
    "School gate",
    "Toilets",
    "Field",
    "Library",
    "Online",
    "School office",
    "Changing rooms",
    "On the school bus",
    "",
)


def _choose_pupils(
    ctx: SchoolContext, pupils: list[PupilInfo], count: int, long_ones: int
) -> list[PupilInfo]:
    """Who each incident is about: a few pupils with very long chronologies, the rest skewed."""
    rng = ctx.rng
    on_roll = [p for p in pupils if not p.is_archived]
    longest = sorted(on_roll, key=lambda p: p.joined)[: min(long_ones, len(on_roll))]
    per_long = min(1000, count // (4 * max(1, long_ones))) if count < 20_000 else 1000
    chosen = [p for p in longest for _ in range(per_long)]
    weights, total = [], 0.0
    for p in pupils:
        total += rng.paretovariate(1.6) * max(1, (p.left - p.joined).days)
        weights.append(total)
    chosen += rng.choices(pupils, cum_weights=weights, k=max(0, count - len(chosen)))
    return chosen


def make_incidents(
    ctx: SchoolContext, pupils: list[PupilInfo], *, count: int, long_ones: int
) -> list[IncidentInfo]:
    rng = ctx.rng
    recorders = ctx.recorders
    leads = ctx.leads
    kinds, kind_weights = zip(*KINDS, strict=True)
    categories = ctx.categories
    cat_weights = [CATEGORY_WEIGHTS.get(c.name, 1) for c in categories]
    planned = []
    for pupil in _choose_pupils(ctx, pupils, count, long_ones):
        start = max(pupil.joined, ctx.opened_at)
        occurred = ctx.between(start, pupil.left).replace(hour=rng.randrange(8, 17))
        occurred = min(occurred, ctx.now - datetime.timedelta(minutes=5))
        recorded = ctx.after(occurred, median_minutes=40, spread=1.2)
        planned.append((recorded, occurred, pupil))
    planned.sort(key=lambda p: p[0])
    first = ctx.ids.take(Incident, len(planned))
    rows: dict[Any, list[Row]] = {
        m: []
        for m in (
            Incident,
            IncidentReference,
            IncidentCategory,
            LinkedPupil,
            BodyMapMark,
            IncidentReview,
            IncidentReview.categories.through,
        )
    }
    counters: dict[int, int] = {}
    alerts = Alerts(ctx)
    made: list[IncidentInfo] = []
    for offset, (recorded, occurred, pupil) in enumerate(planned):
        incident_id = first + offset
        chosen = list(
            {
                c.id: c
                for c in rng.choices(categories, cat_weights, k=rng.choice((1, 1, 1, 1, 2, 2, 3)))
            }.values()
        )
        chosen.sort(key=lambda c: (c.position, c.name))
        is_restricted = any(c.is_restricted for c in chosen)
        author = (
            rng.choice(leads) if is_restricted or rng.random() < 0.12 else rng.choice(recorders)
        )
        spoke = rng.random() < 0.3
        incident = {
            "id": incident_id,
            "school_id": ctx.school_id,
            "pupil_id": pupil.id,
            "author_id": author.user_id,
            "kind": rng.choices(kinds, kind_weights)[0],
            "text": ctx.incident_text.text(),
            "occurred_at": occurred,
            "recorded_at": recorded,
            "location": rng.choice(LOCATIONS),
            "spoke_to_dsl": spoke,
            "dsl_spoken_to_id": rng.choice(leads).user_id if spoke else None,
            "submit_key": uuid_text((incident_id << 64) | rng.getrandbits(64)),
        }
        seals = [ctx.trail.seal(Incident, incident)]
        rows[Incident].append(incident)
        year = recorded.astimezone(LONDON).year
        number = counters[year] = counters.get(year, 0) + 1
        reference = {
            "incident_id": incident_id,
            "school_id": ctx.school_id,
            "year": year,
            "number": number,
            "reference": f"{ctx.code}-{year}-{number:04d}",
        }
        rows[IncidentReference].append(reference)
        seals.append(ctx.trail.seal(IncidentReference, reference))
        first_cat = ctx.ids.take(IncidentCategory, len(chosen))
        for i, category in enumerate(chosen):
            row = {
                "id": first_cat + i,
                "school_id": ctx.school_id,
                "incident_id": incident_id,
                "category_id": category.id,
            }
            rows[IncidentCategory].append(row)
            seals.append(ctx.trail.seal(IncidentCategory, row))
        linked = _links(ctx, rows[LinkedPupil], incident_id, pupil, pupils, seals)
        marks = _marks(ctx, rows[BodyMapMark], incident_id, chosen, seals)
        label = ", ".join(c.name for c in chosen)[:200]
        info = IncidentInfo(incident_id, pupil.id, author, occurred, recorded, label, is_restricted)
        if ctx.is_imported(recorded):
            ctx.trail.imported(seals)
            reviews.review(ctx, rows, info, chosen, pupils)
            made.append(info)
            continue
        _alert_incident(ctx, alerts, info, chosen)
        ctx.trail.add(
            AuditAction.INCIDENT_RECORDED,
            at=recorded,
            actor=author.user_id,
            school=ctx.school_id,
            target=("incident", incident_id),
            pupil=pupil.id,
            seals=seals,
            ip=ctx.ip(),
            detail={
                "pupil": pupil.id,
                "categories": [c.id for c in chosen],
                "linked": linked,
                "marks": marks,
                "files": 0,
                "alerted": info.alerted,
            },
        )
        reviews.review(ctx, rows, info, chosen, pupils)
        reviews.views(ctx, info)
        made.append(info)
    for model, model_rows in rows.items():
        ctx.sink.write(model, model_rows)
    first_counter = ctx.ids.take(IncidentCounter, len(counters))
    ctx.sink.write(
        IncidentCounter,
        [
            {"id": first_counter + i, "school_id": ctx.school_id, "year": y, "last_number": n}
            for i, (y, n) in enumerate(sorted(counters.items()))
        ],
    )
    alerts.write()
    return made


def _links(
    ctx: SchoolContext,
    rows: list[Row],
    incident_id: int,
    pupil: PupilInfo,
    pupils: list[PupilInfo],
    seals: list[Digest],
) -> list[int]:
    rng = ctx.rng
    if rng.random() > 0.12:
        return []
    others = {
        p.id
        for p in rng.sample(pupils, min(len(pupils), rng.choice((1, 1, 2, 3))))
        if p.id != pupil.id
    }
    first = ctx.ids.take(LinkedPupil, len(others))
    for i, other in enumerate(sorted(others)):
        row = {
            "id": first + i,
            "school_id": ctx.school_id,
            "incident_id": incident_id,
            "pupil_id": other,
            "role": rng.choice(_ROLES),
        }
        rows.append(row)
        seals.append(ctx.trail.seal(LinkedPupil, row))
    return sorted(others)


def _marks(
    ctx: SchoolContext,
    rows: list[Row],
    incident_id: int,
    chosen: list[CategoryInfo],
    seals: list[Digest],
) -> int:
    rng = ctx.rng
    injury = any(c.name == "Physical injury" for c in chosen)
    if not injury and rng.random() > 0.01:
        return 0
    count = rng.choice((1, 1, 2, 3, 4))
    first = ctx.ids.take(BodyMapMark, count)
    for number in range(1, count + 1):
        row = {
            "id": first + number - 1,
            "school_id": ctx.school_id,
            "incident_id": incident_id,
            "number": number,
            "side": rng.choice(_SIDES),
            "x": rng.randrange(200, 800),
            "y": rng.randrange(50, 950),
            "mark_type": rng.choice(_MARK_TYPES),
            "colour": rng.choice(("red", "purple", "yellow", "")),
            "shape": rng.choice(("round", "linear", "")),
            "size": f"{rng.randrange(1, 6)} cm",
            "note": "",
        }
        rows.append(row)
        seals.append(ctx.trail.seal(BodyMapMark, row))
    return count


def _alert_incident(
    ctx: SchoolContext, alerts: Alerts, info: IncidentInfo, chosen: list[CategoryInfo]
) -> None:
    """Leads for a safeguarding or restricted category; now and then a named colleague."""
    rng = ctx.rng
    recipients: dict[int, str] = {}
    if any(c.is_safeguarding or c.is_restricted for c in chosen):
        recipients = {s.user_id: AlertReason.DSL for s in ctx.leads}
    if not info.is_restricted and rng.random() < 0.25:
        for person in rng.sample(ctx.recorders, min(2, len(ctx.recorders))):
            recipients.setdefault(person.user_id, AlertReason.NAMED)
    recipients.pop(info.author.user_id, None)
    for user_id, reason in recipients.items():
        alerts.add(
            incident_id=info.id,
            action_id=None,
            recipient=user_id,
            created_by=info.author.user_id,
            reason=reason,
            label=info.label,
            leads_only=info.is_restricted,
            at=info.recorded_at,
        )
        info.alerted.append(user_id)
