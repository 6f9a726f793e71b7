"""A review, once added, can never be changed or deleted, by the app or by a stray query
(docs/security.md, R3), like the incident it is about."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_default_decision_options_for_existing_schools")]

    operations = [migrations.RunPython(*protect_tables("casework_triageentry"))]
