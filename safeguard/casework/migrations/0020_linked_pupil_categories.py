"""Categories a lead allocates to a pupil linked to an incident, for that pupil's chronology:
append-only entries, refused UPDATE and DELETE by the database like the reviews."""

import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_school_reference_code'),
        ('casework', '0019_retention_purge_destroys_profile'),
        ('incidents', '0013_alert_reply_reason'),
        ('pupils', '0002_index_registration_group_and_status_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LinkedPupilCategories',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('made_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incidents.incident')),
                ('made_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('pupil', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pupils.pupil')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
            ],
            options={
                'verbose_name_plural': 'linked pupil categories',
                'ordering': ['-made_at', '-id'],
            },
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='LinkedPupilCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('allocation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rows', to='casework.linkedpupilcategories')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incidents.category')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
            ],
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name='linkedpupilcategories',
            name='categories',
            field=models.ManyToManyField(related_name='+', through='casework.LinkedPupilCategory', to='incidents.category'),
        ),
        migrations.AddConstraint(
            model_name='linkedpupilcategory',
            constraint=models.UniqueConstraint(fields=('allocation', 'category'), name='linkedcategory_once_per_allocation'),
        ),
        migrations.AddIndex(
            model_name='linkedpupilcategories',
            index=models.Index(fields=['school', 'pupil', 'incident', '-made_at', '-id'], name='linkedcats_newest'),
        ),
        migrations.AddIndex(
            model_name='linkedpupilcategories',
            index=models.Index(fields=['school', 'incident'], name='linkedcats_incident'),
        ),
        migrations.RunPython(
            *protect_tables("casework_linkedpupilcategories", "casework_linkedpupilcategory")
        ),
    ]
