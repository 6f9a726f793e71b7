"""Drop the pattern-matching twin of the hash's unique index, which no query uses.

PostgreSQL gets a second index for every unique text column from Django (`..._like`, for
`LIKE 'abc%'`). Nothing looks events up by the beginning of a hash, and each event written
had to insert its random hash into this index too: at a large deployment, one more random
page read under the chain's lock on every audited read and write. The unique index itself
(`audit_auditevent_hash_key`) stays. Nothing on SQLite, which never had it.
"""

from django.db import migrations


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_auditevent' "
            "AND indexdef LIKE '%%varchar_pattern_ops%%'"
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("audit", "0012_per_school_chains_and_trail_indexes")]

    operations = [migrations.RunPython(_drop, migrations.RunPython.noop, elidable=False)]
