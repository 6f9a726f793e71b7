"""The retention purge destroys the pupil's part of the Operation Encompass notifications.

As 0007 did for the key events: on PostgreSQL the application's role destroys records only
through `safeguard_purge_pupil_records()`, so this replaces the function with one that also
deletes the rows naming the pupil, and each notification that named no other child (with
its acknowledgements). A notification that named a brother or sister too stays, for their
record. Reversing puts 0007's function back. SQLite needs nothing here: there casework
deletes them when incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

with_reviews = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
with_key_events = import_module(
    "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
)

SWITCH_OFF = with_key_events.SWITCH_OFF
# Notifications naming this pupil and no other child: deleted with their acknowledgements
# before the rows naming the pupil (the foreign keys are checked at commit).
ONLY_THIS_PUPIL = (
    "SELECT c.notification_id FROM casework_encompasschild c WHERE c.pupil_id = target_pupil "
    "AND NOT EXISTS (SELECT 1 FROM casework_encompasschild o "
    "WHERE o.notification_id = c.notification_id AND o.pupil_id <> target_pupil)"
)
ENCOMPASS_DELETE = (
    f"  DELETE FROM casework_encompassacknowledgement WHERE notification_id IN ({ONLY_THIS_PUPIL});\n"  # nosec B608
    f"  DELETE FROM casework_encompassnotification WHERE id IN ({ONLY_THIS_PUPIL});\n"  # nosec B608
    "  DELETE FROM casework_encompasschild WHERE pupil_id = target_pupil;\n" + SWITCH_OFF
)


def _with_encompass(function: str) -> str:
    if function.count(SWITCH_OFF) != 1:
        raise ValueError("the purge function no longer turns the switch off where expected")
    return function.replace(SWITCH_OFF, ENCOMPASS_DELETE)


KEY_EVENTS = with_key_events._with_key_events(with_key_events.REVIEWS)
# The function as this migration leaves it: the next purge migration builds on it.
FUNCTION = _with_encompass(KEY_EVENTS)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0010_encompass_immutable"),
    ]

    operations = [
        migrations.RunPython(
            with_reviews._install(FUNCTION),
            with_reviews._install(KEY_EVENTS),
        )
    ]
