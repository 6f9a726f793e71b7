"""The retention purge destroys the pupil's profile with their records: contacts,
professionals, photos, and the household links and dismissed suggestions naming them.

As the reviews' and the key events' migrations did: on PostgreSQL the application's role
destroys records only through `safeguard_purge_pupil_records()`, so this replaces the
function with one that also deletes the profile's rows; reversing puts the previous one
back. SQLite needs nothing here: there casework deletes them when incidents sends
`incident_records_destroyed` (`casework/profile/retention.py`).
"""

from importlib import import_module

from django.db import migrations

with_key_events = import_module(
    "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
)
with_reviews = with_key_events.with_reviews

SWITCH_OFF = with_key_events.SWITCH_OFF
# Constant SQL, put together from literals only.
PROFILE_DELETE = (
    "  DELETE FROM casework_contact WHERE pupil_id = target_pupil;\n"  # nosec B608
    "  DELETE FROM casework_professional WHERE pupil_id = target_pupil;\n"
    "  DELETE FROM casework_pupilphoto WHERE pupil_id = target_pupil;\n"
    "  DELETE FROM casework_householdlink\n"
    "   WHERE pupil_id = target_pupil OR other_pupil_id = target_pupil;\n"
    "  DELETE FROM casework_siblingsuggestiondismissal\n"
    "   WHERE pupil_id = target_pupil OR other_pupil_id = target_pupil;\n"
) + SWITCH_OFF


def with_profile(function: str) -> str:
    """The purge function given, also deleting the profile before the switch goes off."""
    if function.count(SWITCH_OFF) != 1:
        raise ValueError("the purge function no longer turns the switch off where expected")
    return function.replace(SWITCH_OFF, PROFILE_DELETE)


# The function as the migration before this one left it (referrals and meetings).
BEFORE = import_module(
    "safeguard.casework.migrations.0016_retention_purge_destroys_referrals_and_meetings"
).FUNCTION
FUNCTION = with_profile(BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0018_profile_immutable"),
    ]

    operations = [
        migrations.RunPython(
            with_reviews._install(FUNCTION),
            with_reviews._install(BEFORE),
        )
    ]
