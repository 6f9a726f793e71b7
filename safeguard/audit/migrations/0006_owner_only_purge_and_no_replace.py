"""Close two ways round the append-only guards (docs/security.md R3).

On SQLite, refuse `INSERT OR REPLACE` over an existing event (it deletes the old
row without firing the DELETE trigger). On PostgreSQL, let the purge switch count
only for the tables' owner, never for the application's own role. Also names the
audit action for records destroyed at the end of their retention period.
"""

from django.db import migrations, models

from safeguard.lib.immutable import purge_only_by_owner, refuse_replace


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_second_factor_actions"),
    ]

    operations = [
        migrations.RunPython(*purge_only_by_owner()),
        migrations.RunPython(*refuse_replace("audit_auditevent")),
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
                ],
                max_length=40,
            ),
        ),
    ]
