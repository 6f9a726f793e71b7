import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_school_reference_code"),
        ("pupils", "0002_index_registration_group_and_status_kind"),
        ("casework", "0004_retention_purge_destroys_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="KeyEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("strategy_meeting", "Strategy meeting held"),
                            ("section_47", "Section 47 enquiry started"),
                            ("cp_plan_started", "Child protection plan started"),
                            ("cp_plan_ended", "Child protection plan ended"),
                            ("looked_after", "Child became looked after"),
                            ("case_closed", "Case closed by children's social care"),
                            ("moved_school", "Moved school"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("happened_on", models.DateField(verbose_name="date")),
                ("sorts_at", models.DateTimeField(editable=False)),
                ("summary", models.CharField(max_length=200)),
                ("details", models.TextField(blank=True)),
                ("added_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "added_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pupil",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pupils.pupil",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.school",
                    ),
                ),
            ],
            options={
                "ordering": ["sorts_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["school", "pupil", "sorts_at", "id"], name="keyevent_pupil_order"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("summary", ""), _negated=True),
                        name="keyevent_has_summary",
                    )
                ],
            },
            managers=[
                ("unscoped", django.db.models.manager.Manager()),
            ],
        ),
    ]
