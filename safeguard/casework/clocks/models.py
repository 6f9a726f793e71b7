"""What a school sets for its clocks: the days it is closed, and how long each clock runs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

REASON_MAX = 120


class SchoolClosure(SchoolOwned):
    """Days the school is closed (an INSET day, a half-term week): the clocks skip them as
    they skip weekends and bank holidays. Kept by the leads; adding and removing one is
    audited, and a clock already shown is worked out again from the list as it stands."""

    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    reason = models.CharField(max_length=REASON_MAX)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["school", "ends_on"], name="closure_school_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="closure_in_order"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="closure_has_reason"),
        ]

    def __str__(self) -> str:
        return self.reason


def _clock(
    label: str, default: int, top: int, help_text: str
) -> "models.PositiveSmallIntegerField[int, int]":
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(top)],
        help_text=help_text,
    )


class CaseworkClocks(SchoolOwned):
    """How long each of the school's clocks runs. A school without a row uses the defaults
    (Working Together to Safeguard Children: a referral acknowledged within one working day;
    an initial conference within 15 working days of the strategy discussion; the first review
    within 3 months, then every 6 months). One row per school, changed in place and audited
    with the values before and after."""

    referral_response_days = _clock(
        "Referral response (working days)",
        1,
        20,
        "A referral with no response after this many working days is overdue.",
    )
    initial_conference_days = _clock(
        "Initial conference (working days after the strategy discussion)",
        15,
        60,
        "Working Together: within 15 working days.",
    )
    first_review_months = _clock(
        "First review conference (months after the initial conference)",
        3,
        12,
        "Working Together: within 3 months.",
    )
    later_review_months = _clock(
        "Later review conferences (months after the last review)",
        6,
        12,
        "Working Together: every 6 months.",
    )
    report_due_days = _clock(
        "School's report due (working days before each conference)",
        2,
        20,
        "Your local safeguarding partnership may ask for more.",
    )
    escalation_policy = models.TextField(
        "Escalation policy",
        blank=True,
        help_text="What staff do when an agency does not respond: who to contact, and when.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "casework clocks"
        constraints = [models.UniqueConstraint(fields=["school"], name="clocks_one_per_school")]

    CLOCK_FIELDS = (
        "referral_response_days",
        "initial_conference_days",
        "first_review_months",
        "later_review_months",
        "report_due_days",
    )
