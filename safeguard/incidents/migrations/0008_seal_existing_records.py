"""Seal the records written before sealing existed, so verify_audit can vouch for them.

One `records_sealed` audit event per record type and 5,000 records, written as the
upgrade runs (docs/security.md, Sealed records); attachments' files are read, so
MEDIA_ROOT must be in place. A seal made here vouches for a record from
the upgrade on; what happened to it before is vouched for only by the backups.
"""

from django.db import migrations

from safeguard.audit import sealing

LABELS = [
    "incidents.action",
    "incidents.attachment",
    "incidents.bodymapmark",
    "incidents.incident",
    "incidents.incidentcategory",
    "incidents.incidentcorrection",
    "incidents.incidentreference",
    "incidents.linkedpupil",
]


def seal_existing_records(apps, schema_editor) -> None:
    sealing.seal_existing(apps, labels=LABELS)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_incident_reference"),
        ("audit", "0007_record_seals"),
    ]

    operations = [migrations.RunPython(seal_existing_records, migrations.RunPython.noop)]
