"""Actions on a synthetic school's incidents: what was done, tasks assigned and followed
up, and the alerts they sent, as `submit_action` would have written them."""

import datetime

from safeguard.audit.models import AuditAction
from safeguard.demo.synthetic.alerts import Alerts
from safeguard.demo.synthetic.context import IncidentInfo, SchoolContext
from safeguard.demo.synthetic.sink import Row, uuid_text
from safeguard.incidents.models import Action, AlertReason

# How many actions an incident gets: about three on average, a long tail for serious ones.
ACTION_COUNTS = (0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8)


def make_actions(ctx: SchoolContext, incidents: list[IncidentInfo], *, per_incident: float) -> int:
    rng = ctx.rng
    scale = per_incident / (sum(ACTION_COUNTS) / len(ACTION_COUNTS))
    planned: list[tuple[datetime.datetime, datetime.datetime, IncidentInfo]] = []
    for info in incidents:
        count = rng.choice(ACTION_COUNTS)
        count = int(count * scale) + (rng.random() < (count * scale) % 1)
        moment = info.occurred_at
        for _ in range(count):
            moment = ctx.after(max(moment, info.recorded_at), median_minutes=20 * 60, spread=1.3)
            if moment >= ctx.now:
                break
            planned.append((ctx.after(moment, median_minutes=20), moment, info))
    planned.sort(key=lambda p: p[0])
    first = ctx.ids.take(Action, len(planned))
    rows: list[Row] = []
    alerts = Alerts(ctx)
    open_tasks: dict[int, list[tuple[int, int]]] = {}  # incident -> (action id, assignee)
    leads = ctx.leads
    staff = {s.user_id: s for s in ctx.staff}
    for offset, (recorded, occurred, info) in enumerate(planned):
        action_id = first + offset
        follows_up = None
        waiting = open_tasks.get(info.id)
        if waiting and rng.random() < 0.6:
            follows_up, author_id = waiting.pop(0)
            author = staff.get(author_id, leads[0])
        else:
            author = rng.choice(leads) if info.is_restricted or rng.random() < 0.7 else info.author
        assigned = due_on = None
        if rng.random() < 0.15:
            assignee = rng.choice(leads if info.is_restricted else ctx.recorders)
            assigned = assignee.user_id
            due_on = (occurred + datetime.timedelta(days=rng.randrange(1, 21))).date()
            open_tasks.setdefault(info.id, []).append((action_id, assigned))
        shared = not author.is_lead or rng.random() < 0.4
        row = {
            "id": action_id,
            "school_id": ctx.school_id,
            "incident_id": info.id,
            "author_id": author.user_id,
            "text": ctx.action_text.text(),
            "occurred_at": occurred,
            "recorded_at": recorded,
            "assigned_to_id": assigned,
            "due_on": due_on,
            "follows_up_id": follows_up,
            "is_shared_with_alerted": shared,
            "submit_key": uuid_text((action_id << 64) | rng.getrandbits(64)),
        }
        rows.append(row)
        if ctx.is_imported(recorded):
            ctx.trail.imported([ctx.trail.seal(Action, row)])
            continue
        alerted: list[int] = []
        if assigned is not None and assigned != author.user_id:
            alerted.append(assigned)
            alerts.add(
                incident_id=info.id,
                action_id=action_id,
                recipient=assigned,
                created_by=author.user_id,
                reason=AlertReason.ASSIGNED,
                label=info.label,
                leads_only=not shared,
                at=recorded,
            )
        if not author.is_lead and rng.random() < 0.3:
            for lead in leads:
                if lead.user_id not in alerted:
                    alerted.append(lead.user_id)
                    alerts.add(
                        incident_id=info.id,
                        action_id=action_id,
                        recipient=lead.user_id,
                        created_by=author.user_id,
                        reason=AlertReason.DSL,
                        label=info.label,
                        leads_only=False,
                        at=recorded,
                    )
        ctx.trail.add(
            AuditAction.ACTION_ADDED,
            at=recorded,
            actor=author.user_id,
            school=ctx.school_id,
            target=("action", action_id),
            seals=[ctx.trail.seal(Action, row)],
            ip=ctx.ip(),
            detail={
                "incident": info.id,
                "assigned_to": assigned,
                "due_on": due_on.isoformat() if due_on else None,
                "follows_up": follows_up,
                "shared": shared,
                "files": 0,
                "alerted": alerted,
            },
        )
    ctx.sink.write(Action, rows)
    alerts.write()
    return len(rows)
