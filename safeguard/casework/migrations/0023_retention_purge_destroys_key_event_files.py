"""The retention purge destroys the files of the pupil's key events with them.

As 0007 did for the key events: on PostgreSQL the application's role destroys records only
through `safeguard_purge_pupil_records()`, so this replaces the function with one that deletes
the key events' files (their rows: the stored bytes go to `sweep_orphan_files`, as an
attachment's do) just before the key events; reversing puts 0021's back. SQLite needs nothing
here: there casework deletes them when incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

with_reviews = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
with_key_events = import_module(
    "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
)
with_allocations = import_module(
    "safeguard.casework.migrations.0021_retention_purge_destroys_linked_categories"
)

ANCHOR = "  DELETE FROM casework_keyevent WHERE pupil_id = target_pupil;\n"
FILES_DELETE = (
    "  DELETE FROM casework_keyeventfile WHERE key_event_id IN (\n"  # nosec B608
    "    SELECT id FROM casework_keyevent WHERE pupil_id = target_pupil);\n"
    + ANCHOR  # constant SQL, put together from literals
)

# The function as the migration before this one left it (linked pupils' categories).
ALLOCATIONS = with_allocations.FUNCTION


def _with_files(function: str) -> str:
    if function.count(ANCHOR) != 1:
        raise ValueError("the purge function no longer deletes key events where expected")
    return function.replace(ANCHOR, FILES_DELETE)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0022_key_event_files"),
    ]

    operations = [
        migrations.RunPython(
            with_reviews._install(_with_files(ALLOCATIONS)),
            with_reviews._install(ALLOCATIONS),
        )
    ]
