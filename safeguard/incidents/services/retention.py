"""Destroying a pupil's safeguarding records once the retention period is over.

Child protection records are kept until the pupil's date of birth + 25 years,
then reviewed, and their destruction is recorded (the IRMS
toolkit for schools). This is the one way the application destroys a submitted
record. Nothing calls it on a timer yet: the review is a person's decision.

The rule is enforced twice. Here, so the caller gets a clear refusal. And in
the database: on PostgreSQL the application's role cannot DELETE a record at
all, only call `safeguard_purge_pupil_records()`, a function owned by the
migrations' owner role that checks the date itself and refuses records not yet
due (migration `incidents.0005`). SQLite has no roles, so there the check in
Python is the guard, with the purge switch of `lib/immutable.py`.

Apps above incidents keep rows about an incident too (casework: the leads' reviews).
Incidents cannot name them, so it sends `signals.incident_records_destroyed` first, in the
same transaction: on SQLite each app deletes its own rows then; on PostgreSQL its own
migration adds them to the purge function (casework's 0004).

Audit events about the records are kept: they hold ids only, and deleting them
would break the audit chain. The event of the destruction names every sealed record it
destroyed, by type and id, so `verify_audit` knows them as destroyed, not missing. Files
of destroyed attachments are left for `sweep_orphan_files`, which deletes files no
attachment names.
"""

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import (
    Action,
    Attachment,
    BodyMapMark,
    Incident,
    IncidentCategory,
    IncidentCorrection,
    IncidentReference,
    LinkedPupil,
)
from safeguard.incidents.signals import incident_records_destroyed
from safeguard.lib.immutable import allow_purge
from safeguard.pupils.models import Pupil

RETENTION_YEARS = 25

# The sealed records kept with an incident, each found by its incident's id.
_SEALED_WITH_INCIDENT = (
    IncidentCategory,
    LinkedPupil,
    Action,
    BodyMapMark,
    Attachment,
    IncidentCorrection,
    IncidentReference,
)

# Children first: rows that point at an incident or its actions go before it.
_SQLITE_PURGE = [
    "DELETE FROM incidents_alert WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_incidentreview_categories WHERE incidentreview_id IN "
    "(SELECT id FROM incidents_incidentreview WHERE incident_id IN ({ids}))",
    "DELETE FROM incidents_incidentreview WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_attachment WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_bodymapmark WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_incidentcategory WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_linkedpupil WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_incidentcorrection WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_action WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_incidentreference WHERE incident_id IN ({ids})",
    "DELETE FROM incidents_incident WHERE id IN ({ids})",
]


class RecordsNotDue(Exception):
    """The pupil's records are still inside their retention period."""

    def __init__(self, due_on: datetime.date) -> None:
        self.due_on = due_on
        super().__init__(f"These records are kept until {due_on:%d %B %Y}.")


def records_due_on(pupil: Pupil) -> datetime.date:
    """The first day a pupil's records may be destroyed: date of birth + 25 years
    (29 February counts as 28 February, as PostgreSQL's date arithmetic does)."""
    born = pupil.date_of_birth
    try:
        return born.replace(year=born.year + RETENTION_YEARS)
    except ValueError:
        return born.replace(year=born.year + RETENTION_YEARS, day=28)


@transaction.atomic
def destroy_pupil_records(*, actor: Any, pupil: Pupil) -> int:
    """Destroy every incident filed under `pupil` (as the DSL's review files it), with
    what was recorded with it; returns how many incidents. Refuses, changing nothing,
    unless the retention period is over. Writes an audit event in the same transaction."""
    due_on = records_due_on(pupil)
    if timezone.localdate() < due_on:
        raise RecordsNotDue(due_on)
    incident_ids = _filed_under(pupil.pk)
    on_postgresql = connection.vendor == "postgresql"
    destroyed_records = _sealed_records(pupil, incident_ids)
    # The apps above go first: their rows point at the incidents.
    for _receiver, response in incident_records_destroyed.send(
        sender=Incident,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        incident_ids=incident_ids,
        delete=not on_postgresql,
    ):
        found: dict[str, list[int]] = response if isinstance(response, dict) else {}
        for label, ids in found.items():
            destroyed_records.setdefault(label, []).extend(ids)
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT safeguard_purge_pupil_records(%s)", [pupil.pk])
            destroyed = cursor.fetchone()[0]
    else:
        destroyed = _destroy_on_sqlite(incident_ids)
    record(
        actor=actor,
        action=AuditAction.RECORDS_DESTROYED,
        school=pupil.school,
        target=pupil,
        detail={
            "incidents": destroyed,
            "due_on": due_on.isoformat(),
            "destroyed": {label: sorted(ids) for label, ids in destroyed_records.items() if ids},
        },
    )
    return destroyed


def _filed_under(pupil_id: int) -> list[int]:
    """The incidents filed under the pupil (as the DSL's review files them), as the purge
    function finds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id FROM incidents_incident i "
            "LEFT JOIN incidents_incidentreview r ON r.incident_id = i.id "
            "WHERE coalesce(r.pupil_id, i.pupil_id) = %s ORDER BY i.id",
            [pupil_id],
        )
        return [row[0] for row in cursor.fetchall()]


def _sealed_records(pupil: Pupil, incident_ids: list[int]) -> dict[str, list[int]]:
    """Incidents' own sealed records that go with the incidents, by type."""
    found = {Incident._meta.label_lower: list(incident_ids)}
    for model in _SEALED_WITH_INCIDENT:
        found[model._meta.label_lower] = list(
            model.objects.for_school(pupil.school_id)
            .filter(incident_id__in=incident_ids)
            .values_list("pk", flat=True)
        )
    return found


def _destroy_on_sqlite(ids: list[int]) -> int:
    if not ids:
        return 0
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor, allow_purge():
        for statement in _SQLITE_PURGE:
            cursor.execute(statement.format(ids=placeholders), ids)
    return len(ids)
