"""The school's incident categories, and the list a new school starts with."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

# (name, restricted, safeguarding): restricted categories are allocated by DSLs
# only (school policy section 5 step 4); incidents in safeguarding categories
# always alert the school's DSLs.
DEFAULT_CATEGORIES: list[tuple[str, bool, bool]] = [
    ("Safeguarding concern", False, True),
    ("Child protection", True, True),
    ("Child in need", True, True),
    ("Behaviour", False, False),
    ("Bullying", False, True),
    ("Child-on-child abuse", False, True),
    ("Online safety", False, True),
    ("Domestic abuse", False, True),
    ("Neglect", False, True),
    ("Physical injury", False, True),
    ("Emotional wellbeing / mental health", False, True),
    ("SEND", False, False),
    ("Attendance", False, False),
    ("Medical", False, False),
    ("Family / home circumstances", False, True),
    ("Significant life event (bereavement, separation, parent in prison)", False, True),
    ("Parental contact", False, False),
    ("Outside-school incident", False, True),
    ("Prevent / radicalisation", False, True),
    ("Low-level staff conduct concern", False, True),
]


class Category(SchoolOwned):
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    is_restricted = models.BooleanField(
        "restricted",
        default=False,
        help_text="Only DSLs and deputies may allocate a restricted category.",
    )
    is_safeguarding = models.BooleanField(
        "safeguarding",
        default=False,
        help_text="Incidents in this category always alert the school's DSLs.",
    )
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired categories stay on old records but can't be chosen.",
    )
    position = models.PositiveIntegerField(default=0)
    default_recipients = models.ManyToManyField(
        "accounts.Membership",
        blank=True,
        related_name="+",
        help_text="Staff always alerted to incidents in this category (e.g. the SENCO for SEND).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint("school", Lower("name"), name="category_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name
