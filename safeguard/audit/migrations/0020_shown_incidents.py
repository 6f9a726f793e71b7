"""The incidents each chronology view, print and download showed, beside its audit event, so
every child those incidents concern finds it in their access log; append-only like the
trail (docs/decisions.md)."""

import django.db.models.deletion
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_school_reference_code'),
        ('audit', '0019_profile_actions'),
    ]

    operations = [
        migrations.CreateModel(
            name='ShownIncident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('incident_id', models.BigIntegerField()),
                ('event', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.auditevent')),
                ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
            ],
            options={
                'indexes': [models.Index(fields=['school', 'incident_id', 'event'], name='shownincident_lookup')],
                'constraints': [models.UniqueConstraint(fields=('event', 'incident_id'), name='shownincident_once')],
            },
        ),
        migrations.RunPython(*protect_tables("audit_shownincident")),
    ]
