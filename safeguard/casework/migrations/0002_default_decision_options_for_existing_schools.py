"""Every school made before casework existed gets the default decision options, as a new
school does through `accounts.signals.school_created`. A school that already has options
is left as it is, so the migration is safe to run again."""

from django.db import migrations

# The list as it stood when this migration was written (models.DEFAULT_DECISION_OPTIONS may
# change later; a migration keeps its own copy).
DEFAULTS = [
    "No further action",
    "Monitor",
    "Early help",
    "Referral to children's social care",
    "Referral to police",
    "Referral to another agency",
    "Consult the LADO",
    "Other",
]


def give_existing_schools_the_defaults(apps, schema_editor) -> None:
    School = apps.get_model("accounts", "School")
    DecisionOption = apps.get_model("casework", "DecisionOption")
    options = DecisionOption._default_manager
    have = set(options.values_list("school_id", flat=True).distinct())
    for school_id in School._default_manager.exclude(pk__in=have).values_list("pk", flat=True):
        options.bulk_create(
            DecisionOption(school_id=school_id, name=name, position=(index + 1) * 10)
            for index, name in enumerate(DEFAULTS)
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_decision_options_and_triage_entries")]

    operations = [
        migrations.RunPython(give_existing_schools_the_defaults, migrations.RunPython.noop)
    ]
