"""Compare the trail's hashes and the seals' record types byte by byte (collation "C").

The columns hold hex digests and model labels, never words to sort for a reader, yet
PostgreSQL compared them with the database's collation: through the C library's
`strcoll`, and with none of the abbreviated keys that make a sort fast. The unique
indexes on an event's hash and its predecessor's, and the seals' on (record type, id),
take every audited request's insert and are the largest indexes a bulk load builds;
compared byte by byte they build about twice as fast and each insert compares more
cheaply. Which values are equal is unchanged, so no constraint or lookup changes meaning.

Nothing on SQLite, whose default comparison is already byte by byte. Django's model state
does not carry the collation: a later migration that alters one of these columns must
set it again (the audit tests check that it is in place).
"""

from django.db import migrations

COLUMNS = (
    ("audit_auditevent", "hash", 64),
    ("audit_auditevent", "prev_hash", 64),
    ("audit_seal", "record_type", 60),
)


def _set(collation):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column, length in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
                f'TYPE varchar({length}) COLLATE "{collation}"'
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0014_review_and_decision_actions")]

    operations = [migrations.RunPython(_set("C"), _set("default"), elidable=False)]
