"""The records of a pupil's profile (contacts, professionals, household links, dismissed
suggestions, photos) are added, never changed or deleted, by the app or by a stray query
(docs/security.md, R3): a change is a new version beside the old one."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables

PROFILE_TABLES = (
    "casework_contact",
    "casework_professional",
    "casework_householdlink",
    "casework_siblingsuggestiondismissal",
    "casework_pupilphoto",
)


class Migration(migrations.Migration):
    dependencies = [("casework", "0017_profile")]

    operations = [migrations.RunPython(*protect_tables(*PROFILE_TABLES))]
