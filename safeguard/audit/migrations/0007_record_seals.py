"""Seals: each immutable record's digest, committed to by the audit event that wrote it
(docs/security.md R3, R4: records kept as written, and any change found). Seals and their layouts are as immutable as the trail."""

import django.db.models.deletion
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_owner_only_purge_and_no_replace"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("signed_in", "Signed in"),
                    ("sign_in_failed", "Sign-in failed"),
                    ("signed_out", "Signed out"),
                    ("password_changed", "Password changed"),
                    ("password_reset", "Password reset"),
                    ("school_created", "School created"),
                    ("school_updated", "School details changed"),
                    ("staff_invited", "Staff invited"),
                    ("invitation_resent", "Invitation re-sent"),
                    ("invitation_accepted", "Invitation accepted"),
                    ("role_changed", "Role changed"),
                    ("staff_deactivated", "Staff deactivated"),
                    ("staff_reactivated", "Staff reactivated"),
                    ("staff_updated", "Staff details changed"),
                    ("group_created", "Group created"),
                    ("group_updated", "Group changed"),
                    ("group_deleted", "Group deleted"),
                    ("pupil_created", "Pupil added"),
                    ("pupil_updated", "Pupil changed"),
                    ("pupil_archived", "Pupil archived"),
                    ("pupil_restored", "Pupil restored"),
                    ("pupil_viewed", "Pupil record viewed"),
                    ("pupil_status_added", "Pupil status added"),
                    ("pupil_status_ended", "Pupil status ended"),
                    ("category_created", "Category added"),
                    ("category_updated", "Category changed"),
                    ("category_moved", "Category reordered"),
                    ("incident_recorded", "Incident recorded"),
                    ("incident_viewed", "Incident viewed"),
                    ("incident_printed", "Incident printed"),
                    ("incident_corrected", "Incident corrected by a DSL"),
                    ("incident_status_changed", "Incident status changed"),
                    ("mistake_reported", "Mistake reported to the DSL"),
                    ("action_added", "Action added"),
                    ("attachment_added", "File attached"),
                    ("attachment_downloaded", "File downloaded"),
                    ("alert_sent", "Alert created"),
                    ("alert_read", "Alert read"),
                    ("alert_acknowledged", "Alert acknowledged"),
                    ("alert_email_failed", "Alert email failed"),
                    ("audit_viewed", "Audit trail viewed"),
                    ("audit_exported", "Audit trail exported"),
                    ("key_added", "Second factor added"),
                    ("key_removed", "Second factor removed"),
                    ("keys_revoked", "Second factors revoked by a DSL"),
                    ("recovery_codes_generated", "Recovery codes generated"),
                    ("email_changed", "Email address changed"),
                    ("records_destroyed", "Records destroyed (retention period over)"),
                    ("records_sealed", "Existing records sealed"),
                ],
                max_length=40,
            ),
        ),
        migrations.CreateModel(
            name="SealLayout",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("record_type", models.CharField(max_length=60)),
                ("fields", models.TextField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record_type", "fields"), name="seallayout_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Seal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("record_type", models.CharField(max_length=60)),
                ("record_id", models.BigIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="audit.auditevent",
                    ),
                ),
                (
                    "layout",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="audit.seallayout",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["event", "record_type", "record_id"], name="seal_by_event")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("record_type", "record_id"), name="seal_once")
                ],
            },
        ),
        migrations.RunPython(*protect_tables("audit_seal", "audit_seallayout")),
    ]
