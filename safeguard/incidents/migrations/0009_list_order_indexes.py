"""The lists read an index in their own order instead of sorting a school's whole history.

- Incidents: (school, recorded_at, id) and (school, author, recorded_at, id), newest first,
  for the incident list, its filters and "My incidents" (keyset pages, docs/recording.md).
- Reviews carry their incident's `recorded_at` (copied here for the incidents recorded
  before; the recording service sets it from now on), so the list by status and the
  dashboard's "awaiting review" read one index of this school's reviews in that order.
- Alerts: a person's newest first (the alert list), and their unread ones (the header's
  count, read from the index alone).
"""

from django.conf import settings
from django.db import migrations, models

COPY_RECORDED_AT = """
UPDATE incidents_incidentreview SET recorded_at = (
    SELECT incidents_incident.recorded_at FROM incidents_incident
    WHERE incidents_incident.id = incidents_incidentreview.incident_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_school_reference_code"),
        ("incidents", "0008_seal_existing_records"),
        ("pupils", "0002_index_registration_group_and_status_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="incident", name="incidents_i_school__231bed_idx"),
        migrations.RemoveIndex(model_name="incidentreview", name="incidents_i_school__17c94e_idx"),
        migrations.AddField(
            model_name="incidentreview",
            name="recorded_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(COPY_RECORDED_AT, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="incidentreview",
            name="recorded_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                fields=["recipient", "-created_at", "-id"], name="alert_recipient_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("read_at__isnull", True)),
                fields=["recipient", "school", "incident", "is_lead_only"],
                name="alert_unread",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["school", "-recorded_at", "-id"], name="incident_newest"),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["school", "author", "-recorded_at", "-id"], name="incident_author_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="incidentreview",
            index=models.Index(
                fields=["school", "is_withdrawn", "status", "-recorded_at", "-incident"],
                name="review_by_status_newest",
            ),
        ),
    ]
