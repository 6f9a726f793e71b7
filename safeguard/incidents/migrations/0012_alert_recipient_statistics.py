"""PostgreSQL's planner, told how a school's alerts spread among their recipients.

An alert's recipient works in the alert's school, so the two columns are not independent;
the planner assumes they are, and a lead with thousands of alerts at a large deployment was
estimated at three. It then read and sorted all of them for a page of fifty, instead of
walking the (school, recipient, created_at) index in the page's order. Extended statistics
on the pair, and a longer list of the most common recipients (the leads, who get most
alerts), let it see how many there are. Nothing on SQLite, which plans without them.
"""

from django.db import migrations

FORWARD = (
    "ALTER TABLE incidents_alert ALTER COLUMN recipient_id SET STATISTICS 1000",
    "CREATE STATISTICS IF NOT EXISTS incidents_alert_school_recipient (dependencies, mcv) "
    "ON school_id, recipient_id FROM incidents_alert",
)
BACKWARD = (
    "DROP STATISTICS IF EXISTS incidents_alert_school_recipient",
    "ALTER TABLE incidents_alert ALTER COLUMN recipient_id SET STATISTICS -1",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("incidents", "0011_task_list_order")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
