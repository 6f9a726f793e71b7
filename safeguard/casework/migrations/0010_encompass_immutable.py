"""An Operation Encompass notification, the children it names and each acknowledgement are
kept as written: the database refuses UPDATE and DELETE on them (docs/security.md, R3)."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("casework", "0009_encompass_notifications")]

    operations = [
        migrations.RunPython(
            *protect_tables(
                "casework_encompassnotification",
                "casework_encompasschild",
                "casework_encompassacknowledgement",
            )
        )
    ]
