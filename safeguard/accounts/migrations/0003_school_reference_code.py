"""A short prefix per school for incident references (LAR-2026-0042).

Existing schools get the first three letters of their name, with a digit added
where two schools share them (the same rule as `reference_code_from_name`,
copied here so later changes to it don't change what this migration did).
"""

import unicodedata

from django.db import migrations, models


def fill_codes(apps, schema_editor) -> None:
    School = apps.get_model("accounts", "School")
    taken: set[str] = set()
    for school in School.objects.order_by("created_at", "id"):
        name = unicodedata.normalize("NFKD", school.name.upper())
        code = ("".join(c for c in name if "A" <= c <= "Z")[:3] or "SCH").ljust(2, "X")
        for candidate in [code, *(f"{code}{digit}" for digit in range(2, 10))]:
            if candidate not in taken:
                code = candidate
                break
        taken.add(code)
        School.objects.filter(pk=school.pk).update(reference_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_name_as_entered"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="reference_code",
            field=models.CharField(
                blank=True,
                help_text="Starts each incident reference, as in LAR-2026-0042 (2 to 6 capital letters).",
                max_length=6,
                verbose_name="reference prefix",
            ),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
