"""When a failed alert email may be tried again, so retries survive a lost task."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("incidents", "0003_submitted_records_immutable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="email_next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                fields=["email_state", "email_next_attempt_at"],
                name="incidents_a_email_s_bf5fc1_idx",
            ),
        ),
    ]
