"""A referral, its outcomes and chases, and a meeting, once added, can never be changed or
deleted, by the app or by a stray query (docs/security.md, R3), like the reviews and key
events beside them in the chronology."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("casework", "0014_default_agencies_for_existing_schools")]

    operations = [
        migrations.RunPython(
            *protect_tables(
                "casework_referral",
                "casework_referraloutcome",
                "casework_referralchase",
                "casework_meeting",
            )
        )
    ]
