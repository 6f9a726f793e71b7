"""The retention purge destroys an incident's reviews with it.

On PostgreSQL the application's role destroys records only through
`safeguard_purge_pupil_records()` (incidents 0005), which cannot name casework's table
from below it. This replaces the function with one that deletes the incidents' reviews
first (they point at the incidents); reversing puts incidents' own function back. The
function keeps its owner and grants (CREATE OR REPLACE). SQLite needs nothing here: there
casework deletes its rows when incidents sends `incident_records_destroyed`.
"""

from importlib import import_module

from django.db import migrations

from safeguard.lib.immutable import PURGE_SETTING

incidents_purge = import_module(
    "safeguard.incidents.migrations.0005_refuse_replace_and_retention_purge"
)

# Reviews go before the alerts and the incidents they point at.
FIRST_DELETE = "  DELETE FROM incidents_alert WHERE incident_id = ANY (doomed);\n"
REVIEWS_DELETE = (
    "  DELETE FROM casework_triageentry WHERE incident_id = ANY (doomed);\n"  # nosec B608
    + FIRST_DELETE  # constant SQL, put together from two literals
)


def _install(function: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT quote_ident(current_schema())")
            schema = cursor.fetchone()[0]
        sql = function.format(schema=schema, setting=PURGE_SETTING)
        schema_editor.execute(sql, params=None)  # the SQL holds a literal %

    return run


def _with_reviews(function: str) -> str:
    if function.count(FIRST_DELETE) != 1:
        raise ValueError("the purge function no longer deletes alerts where expected")
    return function.replace(FIRST_DELETE, REVIEWS_DELETE)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_triage_entries_immutable"),
        ("incidents", "0013_alert_reply_reason"),
    ]

    operations = [
        migrations.RunPython(
            _install(_with_reviews(incidents_purge.PURGE_FUNCTION)),
            _install(incidents_purge.PURGE_FUNCTION),
        )
    ]
