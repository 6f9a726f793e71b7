"""Per-school incident references (LAR-2026-0042) beside the incidents.

Incidents are immutable (triggers refuse UPDATE), so the reference is not a
column on the incident: it is a row in a new table keyed by the incident. That
lets this migration give every incident recorded so far its reference with
plain INSERTs, without lifting the guard on the incident table even for a
moment. Numbers are given per school and calendar year (in TIME_ZONE) in the
order incidents were recorded; each school's counter is left at its last
number, so the next incident recorded carries on from it. The new table is
then protected by the same triggers as the incident itself.
"""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models
from django.utils import timezone

from safeguard.lib.immutable import protect_tables


def number_existing_incidents(apps, schema_editor) -> None:
    School = apps.get_model("accounts", "School")
    Incident = apps.get_model("incidents", "Incident")
    IncidentReference = apps.get_model("incidents", "IncidentReference")
    IncidentCounter = apps.get_model("incidents", "IncidentCounter")
    for school in School.objects.order_by("id"):
        prefix = school.reference_code or "SCH"
        last: dict[int, int] = {}
        references = []
        incidents = Incident._default_manager.filter(school=school).order_by("recorded_at", "id")
        for incident_id, recorded_at in incidents.values_list("id", "recorded_at"):
            year = timezone.localtime(recorded_at).year
            number = last[year] = last.get(year, 0) + 1
            references.append(
                IncidentReference(
                    school=school,
                    incident_id=incident_id,
                    year=year,
                    number=number,
                    reference=f"{prefix}-{year}-{number:04d}",
                )
            )
        IncidentReference._default_manager.bulk_create(references, batch_size=500)
        IncidentCounter._default_manager.bulk_create(
            IncidentCounter(school=school, year=year, last_number=number)
            for year, number in last.items()
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_school_reference_code'),
        ('incidents', '0006_action_sharing_and_lead_only_alerts'),
    ]

    operations = [
        migrations.CreateModel(
            name='IncidentCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('last_number', models.PositiveIntegerField(default=0)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('school', 'year'), name='incidentcounter_once')],
            },
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='IncidentReference',
            fields=[
                ('incident', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='reference', serialize=False, to='incidents.incident')),
                ('year', models.PositiveSmallIntegerField()),
                ('number', models.PositiveIntegerField()),
                ('reference', models.CharField(max_length=24)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('school', 'year', 'number'), name='incidentreference_number_once'), models.UniqueConstraint(fields=('school', 'reference'), name='incidentreference_once')],
            },
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(number_existing_incidents, migrations.RunPython.noop),
        migrations.RunPython(*protect_tables("incidents_incidentreference")),
    ]
