"""The audit action for downloading a file of a key event."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0021_linked_categories_action'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('signed_in', 'Signed in'), ('sign_in_failed', 'Sign-in failed'), ('signed_out', 'Signed out'), ('password_changed', 'Password changed'), ('password_reset', 'Password reset'), ('school_switched', 'Switched school'), ('trust_created', 'Trust created'), ('school_created', 'School created'), ('school_updated', 'School details changed'), ('staff_invited', 'Staff invited'), ('invitation_resent', 'Invitation re-sent'), ('invitation_accepted', 'Invitation accepted'), ('role_changed', 'Role changed'), ('staff_deactivated', 'Staff deactivated'), ('staff_reactivated', 'Staff reactivated'), ('staff_updated', 'Staff details changed'), ('group_created', 'Group created'), ('group_updated', 'Group changed'), ('group_deleted', 'Group deleted'), ('pupil_created', 'Pupil added'), ('pupil_updated', 'Pupil changed'), ('pupil_archived', 'Pupil archived'), ('pupil_restored', 'Pupil restored'), ('pupil_viewed', 'Pupil record viewed'), ('pupil_status_added', 'Pupil status added'), ('pupil_status_ended', 'Pupil status ended'), ('category_created', 'Category added'), ('category_updated', 'Category changed'), ('category_moved', 'Category reordered'), ('draft_started', 'Draft of an incident started'), ('draft_discarded', 'Draft of an incident discarded'), ('incident_recorded', 'Incident recorded'), ('incident_viewed', 'Incident viewed'), ('incident_printed', 'Incident printed'), ('incident_corrected', 'Incident corrected by a DSL'), ('incident_status_changed', 'Incident status changed'), ('incident_kept_with_leads', 'Incident kept with the leads'), ('incident_released_from_leads', 'Incident released from the leads'), ('mistake_reported', 'Mistake reported to the DSL'), ('incident_reviewed', 'Incident reviewed by a lead'), ('chronology_viewed', 'Chronology viewed'), ('chronology_printed', 'Chronology printed'), ('chronology_downloaded', 'Chronology downloaded as a PDF'), ('key_event_added', 'Key event added to a chronology'), ('key_event_file_downloaded', 'File of a key event downloaded'), ('linked_categories_allocated', 'Categories allocated to a linked pupil'), ('decision_option_created', 'Decision option added'), ('decision_option_updated', 'Decision option changed'), ('decision_option_moved', 'Decision option reordered'), ('action_added', 'Action added'), ('attachment_added', 'File attached'), ('attachment_downloaded', 'File downloaded'), ('alert_sent', 'Alert created'), ('alert_read', 'Alert read'), ('alert_acknowledged', 'Alert acknowledged'), ('alert_emailed', 'Alert email sent'), ('alert_email_failed', 'Alert email failed'), ('audit_viewed', 'Audit trail viewed'), ('audit_exported', 'Audit trail exported'), ('key_added', 'Second factor added'), ('key_removed', 'Second factor removed'), ('keys_revoked', 'Second factors revoked by a DSL'), ('recovery_codes_generated', 'Recovery codes generated'), ('email_changed', 'Email address changed'), ('records_destroyed', 'Records destroyed (retention period over)'), ('records_sealed', 'Existing records sealed'), ('email_failed', 'Email failed')], max_length=40),
        ),
    ]
