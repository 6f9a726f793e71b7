""""Your tasks" reads an index in its own order, a page at a time, instead of sorting all of a
person's actions: (school, assigned_to, due_on, recorded_at, id), which also serves what the
old (school, assigned_to) index did. A task always has a due date (the service has always
refused one without); the constraint says so, since the list is paged by it.

The action table refuses UPDATE; SQLite rebuilds the table to add a constraint, which drops
its triggers, so they are taken off and put back around the change (as in 0006).
"""

from django.conf import settings
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables

unprotect_actions, protect_actions = protect_tables("incidents_action")[::-1]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_school_reference_code"),
        ("incidents", "0010_review_kept_with_leads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="action", name="incidents_a_school__eaf4d2_idx"),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["school", "assigned_to", "due_on", "recorded_at", "id"],
                name="action_task_due_first",
            ),
        ),
        migrations.RunPython(unprotect_actions, protect_actions),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(assigned_to__isnull=True) | models.Q(due_on__isnull=False),
                name="action_task_has_due_date",
            ),
        ),
        migrations.RunPython(protect_actions, unprotect_actions),
    ]
