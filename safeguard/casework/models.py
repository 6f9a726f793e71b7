"""The leads' review of each incident: the school's decision options, and the triage entries.

A triage entry is one lead's review of one incident, added to the record and never changed:
the database refuses UPDATE and DELETE on it (migration 0003, `lib/immutable.py`) and the
service that writes it seals it into the audit chain. The incident's current risk level,
decision and significance are read from its newest entries (`selectors.triage_state`), never
stored by overwriting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

# The clocks and the referrals and meetings live in their own packages; Django finds every
# model of the app through this module.
from safeguard.casework.clocks.models import CaseworkClocks as CaseworkClocks
from safeguard.casework.clocks.models import SchoolClosure as SchoolClosure
from safeguard.casework.referrals.models import Meeting as Meeting
from safeguard.casework.referrals.models import Referral as Referral
from safeguard.casework.referrals.models import ReferralAgency as ReferralAgency
from safeguard.casework.referrals.models import ReferralChase as ReferralChase
from safeguard.casework.referrals.models import ReferralOutcome as ReferralOutcome
from safeguard.lib.scoping import SchoolOwned

# The list a new school starts with (KCSIE Annex C: decisions, including not to refer).
DEFAULT_DECISION_OPTIONS: list[str] = [
    "No further action",
    "Monitor",
    "Early help",
    "Referral to children's social care",
    "Referral to police",
    "Referral to another agency",
    "Consult the LADO",
    "Other",
]

MAX_TEXT = 2000
SUMMARY_MAX = 200
DISCUSSED_WITH_MAX = 300


class DecisionOption(SchoolOwned):
    """One decision a lead may record, in the school's own words and order."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired decisions stay on old reviews but can't be chosen.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint("school", Lower("name"), name="decisionoption_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ReplyKind(models.TextChoices):
    THANKS = "thanks", "Thank you: nothing more is needed from you"
    MORE_DETAIL = "more_detail", "Please add more detail"


class TriageEntry(SchoolOwned):
    """One lead's review of one incident, kept for ever (KCSIE Annex C: concerns, discussions
    and decisions, with the rationale for those decisions).

    `decision_name` is the option's name when it was chosen, so renaming an option never
    changes what an old review says. `previous_risk_level` is the level before this entry,
    so the row itself shows why a `risk_reason` was (or wasn't) needed. The reply is for the
    incident's author (`reply_to`), who sees only its kind and message; everything else here
    is for the leads alone.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="triage_entries"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    is_reviewed = models.BooleanField(default=True)
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices)
    previous_risk_level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True)
    risk_reason = models.TextField(blank=True)
    decision = models.ForeignKey(
        DecisionOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_name = models.CharField(max_length=100, blank=True)
    rationale = models.TextField(blank=True)
    discussed_with = models.CharField(max_length=DISCUSSED_WITH_MAX, blank=True)
    is_significant = models.BooleanField(default=False)
    significance_summary = models.CharField(max_length=SUMMARY_MAX, blank=True)
    reply_kind = models.CharField(max_length=12, choices=ReplyKind.choices, blank=True)
    reply_message = models.TextField(blank=True)
    reply_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name_plural = "triage entries"
        indexes = [
            models.Index(
                fields=["school", "incident", "-made_at", "-id"], name="triage_incident_newest"
            ),
            models.Index(
                fields=["school", "reply_to", "incident"],
                condition=~Q(reply_kind=""),
                name="triage_replies",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | ~Q(rationale=""),
                name="triage_decision_has_rationale",
            ),
            models.CheckConstraint(
                condition=Q(is_significant=False) | ~Q(significance_summary=""),
                name="triage_significant_has_summary",
            ),
            models.CheckConstraint(
                condition=Q(reply_kind="") | Q(reply_to__isnull=False),
                name="triage_reply_has_recipient",
            ),
        ]

    @property
    def has_reply(self) -> bool:
        return bool(self.reply_kind)


class KeyEventKind(models.TextChoices):
    """What happened, in the words of Working Together and the local authority's letters."""

    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting held"
    SECTION_47 = "section_47", "Section 47 enquiry started"
    CP_PLAN_STARTED = "cp_plan_started", "Child protection plan started"
    CP_PLAN_ENDED = "cp_plan_ended", "Child protection plan ended"
    LOOKED_AFTER = "looked_after", "Child became looked after"
    CASE_CLOSED = "case_closed", "Case closed by children's social care"
    MOVED_SCHOOL = "moved_school", "Moved school"
    OTHER = "other", "Other"


class KeyEvent(SchoolOwned):
    """An event in the pupil's life a lead adds straight to their chronology (a strategy
    meeting, a child protection plan...), dated and signed, kept for ever: the database
    refuses UPDATE and DELETE on it (migration 0006) and the service seals it.

    `happened_on` is the day the lead gave; `sorts_at` is the start of that day in the
    school's time zone, so the chronology orders the event among records timed to the
    minute (the event comes before anything timed on the same day).
    """

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=KeyEventKind.choices)
    happened_on = models.DateField("date")
    sorts_at = models.DateTimeField(editable=False)
    summary = models.CharField(max_length=SUMMARY_MAX)
    details = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sorts_at", "id"]
        indexes = [
            models.Index(fields=["school", "pupil", "sorts_at", "id"], name="keyevent_pupil_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="keyevent_has_summary"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class LinkedPupilCategories(SchoolOwned):
    """The categories a lead allocated to a pupil linked to an incident (a witness, a child
    harmed by the main pupil...), for that pupil's chronology: categories allocated to an
    incident are its main pupil's and never pass to a linked one.

    An entry is the whole allocation as it stands from `made_at` (none: cleared); the
    newest entry for the incident and pupil wins, and the earlier ones stay. Never changed
    or deleted: the database refuses UPDATE and DELETE on it and its rows (migration 0009)
    and the service seals them.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    categories = models.ManyToManyField(
        "incidents.Category", through="LinkedPupilCategory", related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name_plural = "linked pupil categories"
        indexes = [
            models.Index(
                fields=["school", "pupil", "incident", "-made_at", "-id"],
                name="linkedcats_newest",
            ),
            models.Index(fields=["school", "incident"], name="linkedcats_incident"),
        ]


class LinkedPupilCategory(SchoolOwned):
    """One category in a `LinkedPupilCategories` entry."""

    allocation = models.ForeignKey(
        LinkedPupilCategories, on_delete=models.PROTECT, related_name="rows"
    )
    category = models.ForeignKey("incidents.Category", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "category"], name="linkedcategory_once_per_allocation"
            ),
        ]


class KeyEventFile(SchoolOwned):
    """A file attached to a key event (the strategy meeting's minutes, the plan's letter),
    checked, cleaned and stored as an incident's attachment is (`incidents.services.
    attachments`), under a generated name; the name the lead gave it is kept for display
    only. Never changed or deleted: the database refuses UPDATE and DELETE (migration 0011)
    and the key event's service seals it, with its stored bytes, as it adds the event.
    """

    key_event = models.ForeignKey(KeyEvent, on_delete=models.PROTECT, related_name="files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["school", "key_event"], name="keyeventfile_event"),
        ]

    def __str__(self) -> str:
        return self.original_name


class ExportState(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be prepared"
    TAKEN = "taken", "Downloaded"


class ChronologyExport(SchoolOwned):
    """A PDF of a pupil's chronology one lead asked for, made by the background worker
    (a long chronology takes WeasyPrint longer than a web request may last).

    `form_data` is the filters as posted: choices, ids and dates only, never free text. The
    file is stored under a generated name and deleted once it is downloaded or expires; only
    the lead who asked may see or download it, and each download is audited then.
    """

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    form_data = models.JSONField(default=dict)
    state = models.CharField(
        max_length=10, choices=ExportState.choices, default=ExportState.PREPARING
    )
    stored_name = models.CharField(max_length=100, blank=True)
    entries = models.PositiveIntegerField(default=0)
    # The incidents the PDF shows, own and linked (ids only): its download's audit event
    # names them, so the access log of each child they concern lists it.
    incidents_shown = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["school", "requested_at"], name="export_school_requested"),
        ]


# Operation Encompass's models live beside their services; importing them here registers them.
from safeguard.casework.encompass.models import (  # noqa: E402
    EncompassAcknowledgement as EncompassAcknowledgement,
)
from safeguard.casework.encompass.models import EncompassChild as EncompassChild  # noqa: E402
from safeguard.casework.encompass.models import (  # noqa: E402
    EncompassNotification as EncompassNotification,
)
from safeguard.casework.encompass.models import Presence as Presence  # noqa: E402

# The pupil's profile (casework/profile/), defined in its own package, registered here.
from safeguard.casework.profile.models import Contact as Contact  # noqa: E402
from safeguard.casework.profile.models import HouseholdLink as HouseholdLink  # noqa: E402
from safeguard.casework.profile.models import Professional as Professional  # noqa: E402
from safeguard.casework.profile.models import PupilPhoto as PupilPhoto  # noqa: E402
from safeguard.casework.profile.models import (  # noqa: E402
    SiblingSuggestionDismissal as SiblingSuggestionDismissal,
)
