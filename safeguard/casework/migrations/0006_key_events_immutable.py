"""A key event, once added, can never be changed or deleted, by the app or by a stray query
(docs/security.md, R3), like the reviews and incidents beside it in the chronology."""

from django.db import migrations

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_key_events")]

    operations = [migrations.RunPython(*protect_tables("casework_keyevent"))]
