"""The leads' reviews go with the incidents they are about when the retention period is over,
and the key events of the pupil's chronology and the categories allocated to the incidents'
linked pupils with them.

Incidents destroys a pupil's records (`incidents/services/retention.py`) and, since it
cannot name casework, sends `incident_records_destroyed` first, in its transaction. On
SQLite this deletes the reviews here, with the purge switch; on PostgreSQL the purge
function deletes them (migrations 0004, 0007 and 0010 add them to it), as the application's role
may not. Either way they are returned, so the audit event of the destruction names them.
"""

from typing import Any

from django.db import connection

from safeguard.casework.models import (
    ChronologyExport,
    KeyEvent,
    KeyEventFile,
    LinkedPupilCategories,
    LinkedPupilCategory,
    TriageEntry,
)
from safeguard.lib.immutable import allow_purge


def destroy_reviews(
    sender: Any, school_id: int, incident_ids: list[int], delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the reviews of these incidents."""
    ids = list(
        TriageEntry.objects.for_school(school_id)
        .filter(incident_id__in=incident_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids and delete:
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor, allow_purge():
            cursor.execute(
                # Only "%s" placeholders are put in the text; the ids go as parameters.
                f"DELETE FROM casework_triageentry WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
                ids,
            )
    return {TriageEntry._meta.label_lower: ids}


def destroy_key_events(
    sender: Any, school_id: int, pupil_id: int, delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the key events in the pupil's chronology
    go with their incidents, their files' rows first (on PostgreSQL through the purge
    function, migrations 0007 and 0012; the stored bytes go to `sweep_orphan_files`)."""
    ids = list(
        KeyEvent.objects.for_school(school_id)
        .filter(pupil_id=pupil_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    files = list(
        KeyEventFile.objects.for_school(school_id)
        .filter(key_event_id__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids and delete:
        with connection.cursor() as cursor, allow_purge():
            for table, doomed in (("casework_keyeventfile", files), ("casework_keyevent", ids)):
                if doomed:
                    placeholders = ", ".join(["%s"] * len(doomed))
                    cursor.execute(
                        # Constant table names and "%s" placeholders only; ids are parameters.
                        f"DELETE FROM {table} WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
                        doomed,
                    )
    return {KeyEventFile._meta.label_lower: files, KeyEvent._meta.label_lower: ids}


def destroy_linked_categories(
    sender: Any, school_id: int, incident_ids: list[int], delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the categories allocated to the linked
    pupils of these incidents go with them (on PostgreSQL through the purge function,
    migration 0010)."""
    entries = list(
        LinkedPupilCategories.objects.for_school(school_id)
        .filter(incident_id__in=incident_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = list(
        LinkedPupilCategory.objects.for_school(school_id)
        .filter(allocation_id__in=entries)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if entries and delete:
        with connection.cursor() as cursor, allow_purge():
            for table, ids in (
                ("casework_linkedpupilcategory", rows),
                ("casework_linkedpupilcategories", entries),
            ):
                if ids:
                    placeholders = ", ".join(["%s"] * len(ids))
                    cursor.execute(
                        # Constant table names and "%s" placeholders only; the ids are parameters.
                        f"DELETE FROM {table} WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
                        ids,
                    )
    return {
        LinkedPupilCategory._meta.label_lower: rows,
        LinkedPupilCategories._meta.label_lower: entries,
    }


def destroy_exports(
    sender: Any, school_id: int, pupil_id: int, delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: PDFs of the pupil's chronology still
    waiting to be downloaded go too, files and all. An ordinary table, not one the purge
    function knows: deleted here on either database, whatever `delete` says."""
    from safeguard.casework.chronology.exports import delete_exports

    exports = ChronologyExport.objects.for_school(school_id).filter(pupil_id=pupil_id)
    ids = list(exports.order_by("pk").values_list("pk", flat=True))
    if ids:
        delete_exports(exports)
    return {ChronologyExport._meta.label_lower: ids}
