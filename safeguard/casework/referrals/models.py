"""Referrals and meetings: what a lead logs when the school refers a pupil to another agency,
hears back or chases, and when a multi-agency meeting about the pupil is held.

Every row here but an agency is added and never changed: the database refuses UPDATE and
DELETE on it (migration 0011, `lib/immutable.py`) and the service that writes it seals it into
the audit chain. A referral's state (answered, overdue) is read from its outcomes and the
school's clocks when shown, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

# The list a new school starts with (Working Together: where schools refer).
DEFAULT_AGENCIES: list[str] = [
    "Children's social care / MASH",
    "Early help",
    "Police",
    "CAMHS",
    "LADO",
    "Prevent / Channel",
    "Other",
]
NAME_MAX = 100
REFERENCE_MAX = 60
CONTACT_MAX = 150


class ReferralAgency(SchoolOwned):
    """An agency the school refers to, in the school's own words and order. Renamed in
    place and retired, never deleted: each referral keeps the name it was sent under."""

    name = models.CharField(max_length=NAME_MAX)
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired agencies stay on old referrals but can't be chosen.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "referral agencies"
        constraints = [
            models.UniqueConstraint("school", Lower("name"), name="referralagency_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Online portal"
    EMAIL = "email", "Email (secure)"


class Referral(SchoolOwned):
    """One referral of a pupil to an agency, as sent (Working Together: the agency should
    acknowledge it and decide next steps within one working day).

    `incident` is the incident that led to it, if any. It is a link without a database key:
    an incident a lead later files under another child, and destroyed with that child's
    records, must not hold this pupil's referral back (or take it with it); the referral
    page then says the incident is no longer on record.
    """

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    agency = models.ForeignKey(ReferralAgency, on_delete=models.PROTECT, related_name="+")
    agency_name = models.CharField(max_length=NAME_MAX)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    agency_reference = models.CharField(max_length=REFERENCE_MAX, blank=True)
    is_consent_sought = models.BooleanField()
    no_consent_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["school", "pupil", "sent_at", "id"], name="referral_pupil_order"),
            models.Index(fields=["school", "sent_at", "id"], name="referral_school_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_consent_sought=True) | ~Q(no_consent_reason=""),
                name="referral_no_consent_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.agency_name}"


class OutcomeKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    NO_FURTHER_ACTION = "nfa", "No further action"
    ASSESSMENT = "assessment", "Assessment"
    STRATEGY_DISCUSSION = "strategy", "Strategy discussion"
    SECTION_47 = "section_47", "Section 47 enquiry"
    EARLY_HELP = "early_help", "Early help"
    ESCALATED = "escalated", "Escalated by the school"


# What the school itself does is not the agency's response: a referral escalated and still
# unanswered is still awaiting a response.
RESPONSES = [kind for kind in OutcomeKind.values if kind != OutcomeKind.ESCALATED]


class ReferralOutcome(SchoolOwned):
    """What came of a referral, on the day it happened, added as it comes; never changed."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=12, choices=OutcomeKind.choices)
    happened_on = models.DateField("date")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["school", "referral", "kind"], name="outcome_referral_kind"),
        ]

    @property
    def is_response(self) -> bool:
        return self.kind in RESPONSES


class ReferralChase(SchoolOwned):
    """A chase of an unanswered referral: when, how, and who at the agency was chased."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="chases")
    chased_on = models.DateField("date")
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    contact = models.CharField(max_length=CONTACT_MAX)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chased_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["school", "referral"], name="chase_referral")]
        constraints = [models.CheckConstraint(condition=~Q(contact=""), name="chase_has_contact")]


class MeetingKind(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy", "Strategy discussion"
    INITIAL_CONFERENCE = "icpc", "Initial child protection conference"
    REVIEW_CONFERENCE = "rcpc", "Review child protection conference"
    CORE_GROUP = "core_group", "Core group meeting"
    CHILD_IN_NEED = "cin", "Child in need meeting"
    EARLY_HELP_REVIEW = "early_help", "Team around the family / early help review"
    PROFESSIONALS = "professionals", "Professionals' meeting"


# The meetings whose clock Working Together sets: strategy discussion, initial conference,
# then reviews.
CONFERENCE_CHAIN = [
    MeetingKind.STRATEGY_DISCUSSION,
    MeetingKind.INITIAL_CONFERENCE,
    MeetingKind.REVIEW_CONFERENCE,
]
CONFERENCES = [MeetingKind.INITIAL_CONFERENCE, MeetingKind.REVIEW_CONFERENCE]


class Meeting(SchoolOwned):
    """A multi-agency meeting about the pupil, recorded once it is held: who came, the
    school's report (written here, or a file checked as attachments are), what was decided
    and when the next one is. `closes_clock` stops the conference clock (no conference
    follows the strategy discussion; the child protection plan ended)."""

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=MeetingKind.choices)
    held_on = models.DateField("date held")
    sorts_at = models.DateTimeField(editable=False)
    attendees = models.TextField()
    report_text = models.TextField("school's report", blank=True)
    report_stored_name = models.CharField(max_length=100, blank=True)
    report_original_name = models.CharField(max_length=255, blank=True)
    report_content_type = models.CharField(max_length=100, blank=True)
    report_size = models.PositiveBigIntegerField(null=True, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    decisions = models.TextField(blank=True)
    next_on = models.DateField("next meeting", null=True, blank=True)
    closes_clock = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["school", "pupil", "sorts_at", "id"], name="meeting_pupil_order"),
            models.Index(fields=["school", "pupil", "kind", "held_on"], name="meeting_pupil_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(attendees=""), name="meeting_has_attendees"),
            models.CheckConstraint(
                condition=Q(next_on__isnull=True) | Q(next_on__gt=models.F("held_on")),
                name="meeting_next_after_held",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def has_report_file(self) -> bool:
        return bool(self.report_stored_name)
