"""A pupil's profile goes with their records when the retention period is over: contacts,
professionals, photos, household links and dismissed suggestions naming the pupil.

Incidents sends `incident_records_destroyed` inside its transaction; on SQLite the rows are
deleted here, with the purge switch; on PostgreSQL the purge function deletes them (the
migration `retention_purge_destroys_profile` adds them to it), as the application's role may
not. Either way they are returned, so the audit event of the destruction names them. The
photos' files are deleted from the store once the destruction commits.
"""

import contextlib
from functools import partial
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Model, Q

from safeguard.casework.profile.models import (
    Contact,
    HouseholdLink,
    Professional,
    PupilPhoto,
    SiblingSuggestionDismissal,
)
from safeguard.lib.immutable import allow_purge

# The pupil's own rows, then the rows that name them on either side.
OWN: tuple[type[Model], ...] = (Contact, Professional, PupilPhoto)
EITHER_SIDE: tuple[type[Model], ...] = (HouseholdLink, SiblingSuggestionDismissal)


def _ids(model: Any, school_id: int, pupil_id: int) -> list[int]:
    mine = Q(pupil_id=pupil_id)
    if model in EITHER_SIDE:
        mine |= Q(other_pupil_id=pupil_id)
    return list(
        model.objects.for_school(school_id).filter(mine).order_by("pk").values_list("pk", flat=True)
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def destroy_profile(
    sender: Any, school_id: int, pupil_id: int, delete: bool, **kwargs: Any
) -> dict[str, list[int]]:
    """incidents.signals.incident_records_destroyed: the pupil's profile."""
    found = {
        model._meta.label_lower: _ids(model, school_id, pupil_id) for model in OWN + EITHER_SIDE
    }
    files = list(
        PupilPhoto.objects.for_school(school_id)
        .filter(pupil_id=pupil_id)
        .values_list("stored_name", flat=True)
        .distinct()
    )
    if delete:
        with connection.cursor() as cursor, allow_purge():
            for model in OWN + EITHER_SIDE:
                ids = found[model._meta.label_lower]
                if not ids:
                    continue
                placeholders = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    # Only a table name from the models and "%s" placeholders are put in
                    # the text; the ids go as parameters.
                    f"DELETE FROM {model._meta.db_table} WHERE id IN ({placeholders})",  # noqa: S608  # nosec B608
                    ids,
                )
    if files:
        transaction.on_commit(partial(_delete_files, files))
    return found
