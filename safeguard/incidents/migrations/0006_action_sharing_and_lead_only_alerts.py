"""Leads-only actions and alerts sent to someone as a lead.

Actions already added keep today's behaviour: they stay shared with the staff alerted
(they were shown to them under the old rule). Only actions added from now on are for
the leads by default. The action table refuses UPDATE; SQLite rebuilds the table to add a
column, which drops its triggers, so they are taken off and put back around the change.

Existing alerts are marked as sent to a lead where the reason was the automatic DSL alert
or a mistake report, or the incident was recorded with a restricted category. The others,
when their recipient isn't a lead now, are relabelled with the categories as recorded,
without restricted ones: an alert about an action could name a category a DSL added later.
"""

from django.db import migrations, models

from safeguard.lib.immutable import protect_tables

LEAD_REASONS = ("dsl", "mistake")
LEAD_ROLES = ("dsl", "deputy_dsl")

unprotect_actions, protect_actions = protect_tables("incidents_action")[::-1]


def mark_lead_only_alerts(apps, schema_editor) -> None:
    Alert = apps.get_model("incidents", "Alert")
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    restricted_at_recording = IncidentCategory._default_manager.filter(
        category__is_restricted=True
    ).values("incident_id")
    Alert._default_manager.filter(
        models.Q(reason__in=LEAD_REASONS) | models.Q(incident_id__in=restricted_at_recording)
    ).update(is_lead_only=True)
    Membership = apps.get_model("accounts", "Membership")
    leads = set(
        Membership._default_manager.filter(role__in=LEAD_ROLES, is_active=True).values_list(
            "school_id", "user_id"
        )
    )
    recorded: dict[int, str] = {}
    for alert in Alert._default_manager.filter(is_lead_only=False).iterator():
        if (alert.school_id, alert.recipient_id) in leads:
            continue
        if alert.incident_id not in recorded:
            names = (
                IncidentCategory._default_manager.filter(
                    incident_id=alert.incident_id, category__is_restricted=False
                )
                .order_by("category__position", "category__name")
                .values_list("category__name", flat=True)
            )
            recorded[alert.incident_id] = ", ".join(names)[:200]
        if alert.category_label != recorded[alert.incident_id]:
            Alert._default_manager.filter(pk=alert.pk).update(
                category_label=recorded[alert.incident_id]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("incidents", "0005_refuse_replace_and_retention_purge"),
    ]

    operations = [
        migrations.RunPython(unprotect_actions, protect_actions),
        migrations.AddField(
            model_name="action",
            name="is_shared_with_alerted",
            field=models.BooleanField(default=True, verbose_name="shared with the staff alerted"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="action",
            name="is_shared_with_alerted",
            field=models.BooleanField(
                default=False, verbose_name="shared with the staff alerted"
            ),
        ),
        migrations.RunPython(protect_actions, unprotect_actions),
        migrations.AddField(
            model_name="alert",
            name="is_lead_only",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_lead_only_alerts, migrations.RunPython.noop),
    ]
