"""Every school made before referrals existed gets the default list of agencies, as a new
school does through `accounts.signals.school_created`. A school that already has agencies is
left as it is, so the migration is safe to run again."""

from django.db import migrations

# The list as it stood when this migration was written (a migration keeps its own copy).
DEFAULTS = [
    "Children's social care / MASH",
    "Early help",
    "Police",
    "CAMHS",
    "LADO",
    "Prevent / Channel",
    "Other",
]


def give_existing_schools_the_defaults(apps, schema_editor) -> None:
    School = apps.get_model("accounts", "School")
    ReferralAgency = apps.get_model("casework", "ReferralAgency")
    agencies = ReferralAgency._default_manager
    have = set(agencies.values_list("school_id", flat=True).distinct())
    for school_id in School._default_manager.exclude(pk__in=have).values_list("pk", flat=True):
        agencies.bulk_create(
            ReferralAgency(school_id=school_id, name=name, position=(index + 1) * 10)
            for index, name in enumerate(DEFAULTS)
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0013_referrals_and_meetings")]

    operations = [
        migrations.RunPython(give_existing_schools_the_defaults, migrations.RunPython.noop)
    ]
