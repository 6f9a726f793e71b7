"""The retention purge destroys the pupil's referrals (with their outcomes and chases) and
meetings with the rest of their records.

As 0004 and 0007 did: on PostgreSQL the application's role destroys records only through
`safeguard_purge_pupil_records()`, so this replaces the function with one that also deletes
them; reversing puts 0011's back. SQLite needs nothing here: there casework deletes them when
incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

with_reviews = import_module("safeguard.casework.migrations.0004_retention_purge_destroys_reviews")
with_key_events = import_module(
    "safeguard.casework.migrations.0007_retention_purge_destroys_key_events"
)
with_encompass = import_module(
    "safeguard.casework.migrations.0011_retention_purge_destroys_encompass"
)

SWITCH_OFF = with_key_events.SWITCH_OFF
# Outcomes and chases point at the referrals, so they go first.
REFERRALS_DELETE = (
    "  DELETE FROM casework_referralchase WHERE referral_id IN\n"  # nosec B608 (constant)
    "    (SELECT id FROM casework_referral WHERE pupil_id = target_pupil);\n"
    "  DELETE FROM casework_referraloutcome WHERE referral_id IN\n"
    "    (SELECT id FROM casework_referral WHERE pupil_id = target_pupil);\n"
    "  DELETE FROM casework_referral WHERE pupil_id = target_pupil;\n"
    "  DELETE FROM casework_meeting WHERE pupil_id = target_pupil;\n"
) + SWITCH_OFF


def _with_referrals(function: str) -> str:
    if function.count(SWITCH_OFF) != 1:
        raise ValueError("the purge function no longer turns the switch off where expected")
    return function.replace(SWITCH_OFF, REFERRALS_DELETE)


# The function as the migration before this one left it (Operation Encompass's rows).
BEFORE = with_encompass.FUNCTION
FUNCTION = _with_referrals(BEFORE)


class Migration(migrations.Migration):
    dependencies = [("casework", "0015_referrals_and_meetings_immutable")]

    operations = [
        migrations.RunPython(
            with_reviews._install(FUNCTION),
            with_reviews._install(BEFORE),
        )
    ]
