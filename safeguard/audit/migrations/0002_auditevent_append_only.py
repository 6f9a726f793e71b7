"""The database itself refuses UPDATE and DELETE on the audit trail (docs/security.md R3)."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(*protect_tables("audit_auditevent"))]
