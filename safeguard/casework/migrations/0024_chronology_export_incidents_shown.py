"""The incidents a chronology PDF shows, kept with the export so its download names them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0023_retention_purge_destroys_key_event_files'),
    ]

    operations = [
        migrations.AddField(
            model_name='chronologyexport',
            name='incidents_shown',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
