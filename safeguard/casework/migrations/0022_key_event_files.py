"""Files attached to a key event: stored as incidents' attachments are, and refused UPDATE and
DELETE by the database like the key event itself."""

import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from safeguard.lib.immutable import protect_tables


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_school_reference_code'),
        ('casework', '0021_retention_purge_destroys_linked_categories'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='KeyEventFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('stored_name', models.CharField(max_length=100, unique=True)),
                ('original_name', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveBigIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('key_event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='casework.keyevent')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['uploaded_at', 'id'],
                'indexes': [models.Index(fields=['school', 'key_event'], name='keyeventfile_event')],
            },
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(*protect_tables("casework_keyeventfile")),
    ]
