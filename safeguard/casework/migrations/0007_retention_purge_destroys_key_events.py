"""The retention purge destroys the key events of the pupil's chronology with their incidents.

As 0004 did for the reviews: on PostgreSQL the application's role destroys records only
through `safeguard_purge_pupil_records()`, so this replaces the function with one that also
deletes the pupil's key events; reversing puts 0004's back. SQLite needs nothing here:
there casework deletes them when incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

with_reviews = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
incidents_purge = with_reviews.incidents_purge

# The key events go with the rest, before the purge switch is turned off again.
SWITCH_OFF = "  PERFORM set_config('{setting}', 'off', true);\n"
# Constant SQL, put together from literals only.
KEY_EVENTS_DELETE = (
    "  DELETE FROM casework_keyevent WHERE pupil_id = target_pupil;\n"  # nosec B608
    + SWITCH_OFF
)


def _with_key_events(function: str) -> str:
    if function.count(SWITCH_OFF) != 1:
        raise ValueError("the purge function no longer turns the switch off where expected")
    return function.replace(SWITCH_OFF, KEY_EVENTS_DELETE)


REVIEWS = with_reviews._with_reviews(incidents_purge.PURGE_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_key_events_immutable"),
    ]

    operations = [
        migrations.RunPython(
            with_reviews._install(_with_key_events(REVIEWS)),
            with_reviews._install(REVIEWS),
        )
    ]
