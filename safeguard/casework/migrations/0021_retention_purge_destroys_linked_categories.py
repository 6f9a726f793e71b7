"""The retention purge destroys the categories allocated to linked pupils on an incident with
the incident.

As 0004 and 0007 did for the reviews and key events: on PostgreSQL the application's role
destroys records only through `safeguard_purge_pupil_records()`, so this replaces the function
with one that also deletes the allocations (and their categories) of the doomed incidents,
before the reviews; reversing puts 0019's back. SQLite needs nothing here: there casework
deletes them when incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

with_reviews = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
with_key_events = import_module(
    "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
)

# The allocations point at the incidents: they go first, their categories before them.
ANCHOR = with_reviews.REVIEWS_DELETE
ALLOCATIONS_DELETE = (
    "  DELETE FROM casework_linkedpupilcategory WHERE allocation_id IN (\n"  # nosec B608
    "    SELECT id FROM casework_linkedpupilcategories WHERE incident_id = ANY (doomed));\n"
    "  DELETE FROM casework_linkedpupilcategories WHERE incident_id = ANY (doomed);\n"
    + ANCHOR  # constant SQL, put together from literals
)

# The function as the migration before this one left it (the pupil's profile).
BEFORE = import_module("safeguard.casework.migrations.0019_retention_purge_destroys_profile").FUNCTION


def _with_allocations(function: str) -> str:
    if function.count(ANCHOR) != 1:
        raise ValueError("the purge function no longer deletes reviews where expected")
    return function.replace(ANCHOR, ALLOCATIONS_DELETE)


FUNCTION = _with_allocations(BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0020_linked_pupil_categories"),
    ]

    operations = [
        migrations.RunPython(
            with_reviews._install(FUNCTION),
            with_reviews._install(BEFORE),
        )
    ]
