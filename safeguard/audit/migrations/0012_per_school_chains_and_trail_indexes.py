"""One hash chain per school, and indexes that read one school's trail and one pupil's log.

Events already written keep `chain` empty: they stay in the deployment's chain, which
new events of no school extend, and verify as before. New events of a school start
that school's chain (audit/services.py).

SQLite adds a check constraint by rebuilding the table, which would silently drop the
append-only triggers of migration 0002; so the guards are lifted just for this
migration and installed again at its end, inside the same transaction (as in 0004).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables

install_guards, remove_guards = protect_tables("audit_auditevent")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_school_reference_code"),
        ("audit", "0011_incident_kept_with_leads_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove_guards, install_guards),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_audit_school__7f3df2_idx",
        ),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_audit_pupil_i_09d29d_idx",
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="school",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.school",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["chain", "id"], name="auditevent_chain_head"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["school", "created_at", "id"], name="auditevent_school_time"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["school", "pupil_id", "created_at", "id", "action"],
                name="auditevent_pupil_time",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("school__isnull", True)),
                fields=["actor", "created_at", "id"],
                name="auditevent_schoolless_actor",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(
                    ("actor__isnull", True), ("school__isnull", True), ("target_type", "user")
                ),
                fields=["target_id", "created_at", "id"],
                name="auditevent_schoolless_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("chain__isnull", True), ("chain", models.F("school")), _connector="OR"
                ),
                name="auditevent_chain_of_its_school",
            ),
        ),
        migrations.RunPython(install_guards, remove_guards),
    ]
