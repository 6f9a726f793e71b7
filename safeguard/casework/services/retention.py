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
    EncompassAcknowledgement,
    EncompassChild,
    EncompassNotification,
    KeyEvent,
    KeyEventFile,
    LinkedPupilCategories,
    LinkedPupilCategory,
    TriageEntry,
)
from safeguard.casework.referrals.models import Meeting, Referral, ReferralChase, ReferralOutcome
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


def destroy_encompass(
    sender: Any, school_id: int, pupil_id: int, delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the rows naming the pupil in Operation
    Encompass notifications, and each notification (with its acknowledgements) that named
    no other child; one naming a brother or sister too stays for their record. On
    PostgreSQL the purge function deletes them (migration 0011)."""
    named = EncompassChild.objects.for_school(school_id)
    child_ids = list(named.filter(pupil_id=pupil_id).order_by("pk").values_list("pk", flat=True))
    mine = set(named.filter(pupil_id=pupil_id).values_list("notification_id", flat=True))
    shared = set(
        named.filter(notification_id__in=mine)
        .exclude(pupil_id=pupil_id)
        .values_list("notification_id", flat=True)
    )
    notification_ids = sorted(mine - shared)
    ack_ids = list(
        EncompassAcknowledgement.objects.for_school(school_id)
        .filter(notification_id__in=notification_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if delete:
        for table, ids in (
            ("casework_encompassacknowledgement", ack_ids),
            ("casework_encompasschild", child_ids),
            ("casework_encompassnotification", notification_ids),
        ):
            _delete(table, ids)
    return {
        EncompassChild._meta.label_lower: child_ids,
        EncompassNotification._meta.label_lower: notification_ids,
        EncompassAcknowledgement._meta.label_lower: ack_ids,
    }


_TABLES = frozenset(
    {
        "casework_encompassacknowledgement",
        "casework_encompasschild",
        "casework_encompassnotification",
    }
)


def _delete(table: str, ids: list[int]) -> None:
    if not ids:
        return
    if table not in _TABLES:
        raise ValueError(f"not a table this purge deletes from: {table}")
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor, allow_purge():
        cursor.execute(
            # A table name from the constant set above, and "%s" placeholders for the ids.
            f"DELETE FROM {table} WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
            ids,
        )


def destroy_referrals_and_meetings(
    sender: Any, school_id: int, pupil_id: int, delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the pupil's referrals, with their outcomes
    and chases, and their meetings (on PostgreSQL through the purge function, migration 0011).
    A meeting's report file is left for `sweep_orphan_files`, as an attachment's is."""
    referrals = Referral.objects.for_school(school_id).filter(pupil_id=pupil_id)
    found: dict[str, list[int]] = {}
    # Outcomes and chases first: they point at the referrals.
    for model, rows in (
        (ReferralChase, ReferralChase.objects.for_school(school_id).filter(referral__in=referrals)),
        (
            ReferralOutcome,
            ReferralOutcome.objects.for_school(school_id).filter(referral__in=referrals),
        ),
        (Referral, referrals),
        (Meeting, Meeting.objects.for_school(school_id).filter(pupil_id=pupil_id)),
    ):
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        if ids and delete:
            placeholders = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor, allow_purge():
                cursor.execute(
                    # A table name from the model, "%s" placeholders, the ids as parameters.
                    f"DELETE FROM {model._meta.db_table} WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
                    ids,
                )
        found[model._meta.label_lower] = ids
    return found
