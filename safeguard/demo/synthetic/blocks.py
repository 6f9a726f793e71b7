"""Which ids each synthetic school's rows take: a block of every table per school, reserved
before any school is made, so schools can be made in any order, in any process.

A block is as large as that school could possibly need (every incident with the most
actions, every alert, every audit event that could follow), so it never runs out; what a
school leaves unused is a gap in the ids, as a busy deployment's interleaved sequences
leave gaps in each school's. Ids are 64-bit, so the gaps cost nothing. Events that belong
to no school (signing in) are linked in time order after every school is made, and take
ids from past the last block.
"""

from django.db import connection, models

from safeguard.accounts.permissions import SAFEGUARDING_LEADS, Role
from safeguard.demo.synthetic.sizes import SchoolPlan

# Most actions any incident gets (actions.ACTION_COUNTS), scaled for the size, plus one.
MOST_ACTIONS = 8


def _bounds(school: SchoolPlan, actions_per_incident: float, leads: int) -> dict[str, int]:
    people = school.staff + len(Role) + 2
    pupils = school.on_roll + school.archived
    incidents = school.incidents
    actions = incidents * (int(MOST_ACTIONS * actions_per_incident / 3.0) + 2)
    alerts = incidents * (leads + 2) + actions * (leads + 1)
    events = (
        2 * people  # invited, accepted
        + 4 * pupils  # added, archived, two statuses
        + incidents * 6  # recorded, two corrections, three views
        + actions
        + 3 * alerts  # sent, read, acknowledged
        + people  # drafts
    )
    return {
        "accounts_user": people,
        "account_emailaddress": people,
        "accounts_membership": people,
        "mfa_authenticator": len(Role),
        "accounts_staffgroup_members": people,
        "pupils_pupil": pupils,
        "pupils_pupilstatus": 2 * pupils,
        "incidents_incident": incidents,
        "incidents_incidentcategory": 3 * incidents,
        "incidents_linkedpupil": 3 * incidents,
        "incidents_bodymapmark": 4 * incidents,
        "incidents_incidentreview": incidents,
        "incidents_incidentreview_categories": 3 * incidents,
        "incidents_incidentcorrection": 2 * incidents,
        "incidents_incidentcounter": 64,
        "incidents_action": actions,
        "incidents_alert": alerts,
        "incidents_draft": people,
        "audit_auditevent": events,
        # Incident, reference, categories, links, marks, corrections, actions.
        "audit_seal": incidents * 15 + actions,
    }


def leads_at(school: SchoolPlan) -> int:
    """The most safeguarding leads a school can have (`staff.make_staff`)."""
    return sum(1 for role in Role if role in SAFEGUARDING_LEADS) + (1 if school.is_secondary else 0)


def reserve(
    plans: list[SchoolPlan],
    actions_per_incident: float,
    loaded: list[type[models.Model]],
    *,
    from_sequences: bool,
) -> tuple[list[dict[str, tuple[int, int]]], dict[str, int]]:
    """Each school's block of every loaded table, and where each table's ids go on after."""
    bounds = [_bounds(p, actions_per_incident, leads_at(p)) for p in plans]
    tables = {m._meta.db_table: m for m in loaded}
    totals = {t: sum(b.get(t, 0) for b in bounds) for t in tables}
    following: dict[str, int] = {}
    for table, model in tables.items():
        # Events of no school come after the last block: at most one per person and
        # incident (sign-ins), and a key each.
        extra = sum(p.staff + 2 * len(Role) + p.incidents for p in plans) + 16
        wanted = totals[table] + (extra if table == "audit_auditevent" else 0)
        following[table] = _first_free(model, wanted, from_sequences=from_sequences)
    blocks: list[dict[str, tuple[int, int]]] = []
    for bound in bounds:
        block = {}
        for table in tables:
            first = following[table]
            following[table] = first + bound.get(table, 0)
            block[table] = (first, following[table])
        blocks.append(block)
    return blocks, following


def _first_free(model: type[models.Model], wanted: int, *, from_sequences: bool) -> int:
    """The first of `wanted` ids no row has: past the highest id, or (for a role that may
    not move sequences, on PostgreSQL) a run taken from the table's own sequence."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if from_sequences and wanted:
            cursor.execute(
                "SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS v "
                "FROM generate_series(1, %s)) AS taken",
                [f'"{table}"', pk, wanted],
            )
            first, last = cursor.fetchone()
            if last - first + 1 != wanted:
                raise RuntimeError(
                    f"{table}: another writer took ids meanwhile; build in a database of its own."
                )
            return int(first)
        cursor.execute(f'SELECT MAX("{pk}") FROM "{table}"')  # noqa: S608  # nosec B608: model names
        return int(cursor.fetchone()[0] or 0) + 1
