"""What the synthetic-data generator made, so it never mistakes a real school for its own.

`manage.py generate_data` marks every school it creates with a `SyntheticSchool` row and
the dataset it belongs to; it refuses to write into a database holding any school that
has none (a real school), unless forced.
"""

from django.db import models
from django.utils import timezone


class SyntheticDataset(models.Model):
    """One run of the generator at one size: built once, complete or not."""

    size = models.CharField(max_length=20, unique=True)
    seed = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Rows written per table, for the benchmark's report ({"incidents_incident": 20000, ...}).
    rows = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.size} dataset"

    @property
    def is_complete(self) -> bool:
        return self.finished_at is not None


class SyntheticSchool(models.Model):
    """A school the generator made (number n: its accounts are `identities.role_email(n, ...)`)."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.PROTECT, primary_key=True, related_name="synthetic"
    )
    dataset = models.ForeignKey(SyntheticDataset, on_delete=models.PROTECT, related_name="schools")
    number = models.PositiveIntegerField(unique=True)

    def __str__(self) -> str:
        return f"synthetic school {self.number}"
