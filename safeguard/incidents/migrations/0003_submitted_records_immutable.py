"""A submitted incident and what was recorded with it can never be changed or deleted,
by the app or by a stray query (docs/security.md, R3)."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_incident_records")]

    operations = [
        migrations.RunPython(
            *protect_tables(
                "incidents_incident",
                "incidents_incidentcategory",
                "incidents_linkedpupil",
                "incidents_action",
                "incidents_bodymapmark",
                "incidents_attachment",
                "incidents_incidentcorrection",
            )
        )
    ]
