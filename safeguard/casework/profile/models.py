"""What a pupil's profile holds beyond the pupil record: contacts, the professionals involved,
links to siblings and household, and a photo.

Each is kept as versions: a change (a parent moves, a court order is made, a social worker
leaves) adds a new row that supersedes the one it changes, and removing one adds a row that
says so. Nothing is overwritten: the database refuses UPDATE and DELETE on these tables
(migration `profile_immutable`, `lib/immutable.py`) and each row is sealed into the audit chain when written.
The current version of a record is the one nothing supersedes (`supersedes` is unique, so two
changes made at once to the same version cannot both land). docs/decisions.md says why.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from safeguard.lib.scoping import SchoolOwned

NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
ADDRESS_MAX = 500
NOTES_MAX = 2000
REASON_MAX = 300


class Versioned(SchoolOwned):
    """One version of a record about a pupil, added and never changed."""

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    # The same in every version of one record: its history is the rows of one lineage.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    is_removed = models.BooleanField(default=False)
    reason = models.CharField(max_length=REASON_MAX, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    supersedes_id: int | None

    class Meta:
        abstract = True

    @property
    def is_first_version(self) -> bool:
        return self.supersedes_id is None


class Contact(Versioned):
    """A person to contact about the pupil: a parent, carer or other adult, as known on a date."""

    name = models.CharField(max_length=NAME_MAX)
    relationship = models.CharField(max_length=100)
    has_parental_responsibility = models.BooleanField("parental responsibility", default=False)
    phone = models.CharField(max_length=PHONE_MAX, blank=True)
    email = models.CharField(max_length=EMAIL_MAX, blank=True)
    address = models.TextField(max_length=ADDRESS_MAX, blank=True)
    do_not_contact = models.BooleanField("do not contact", default=False)
    court_order_notes = models.TextField("court orders", max_length=NOTES_MAX, blank=True)
    # The same details reduced for matching (lower case, digits only...), so a sibling can be
    # suggested from a shared contact through an index.
    name_key = models.CharField(max_length=NAME_MAX, blank=True, editable=False)
    phone_key = models.CharField(max_length=PHONE_MAX, blank=True, editable=False)
    email_key = models.CharField(max_length=EMAIL_MAX, blank=True, editable=False)
    address_key = models.CharField(max_length=ADDRESS_MAX, blank=True, editable=False)

    class Meta:
        ordering = ["made_at", "id"]
        indexes = [
            models.Index(fields=["school", "pupil", "lineage"], name="contact_pupil"),
            models.Index(fields=["school", "lineage", "made_at"], name="contact_history"),
            models.Index(
                fields=["school", "email_key"], condition=~Q(email_key=""), name="contact_email"
            ),
            models.Index(
                fields=["school", "address_key"],
                condition=~Q(address_key=""),
                name="contact_address",
            ),
            models.Index(
                fields=["school", "phone_key", "name_key"],
                condition=~Q(phone_key=""),
                name="contact_name_phone",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_removed=True) | ~Q(phone="") | ~Q(email="") | ~Q(address=""),
                name="contact_has_a_way_to_reach",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProfessionalRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    EARLY_HELP = "early_help", "Early help worker"
    CAMHS = "camhs", "CAMHS"
    POLICE = "police", "Police"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    YOT = "yot", "Youth offending team (YOT)"
    VIRTUAL_SCHOOL_HEAD = "virtual_school_head", "Virtual school head"
    OTHER = "other", "Other"


class Professional(Versioned):
    """A professional or agency involved with the pupil, from one date to another."""

    role = models.CharField(max_length=20, choices=ProfessionalRole.choices)
    name = models.CharField(max_length=NAME_MAX)
    organisation = models.CharField(max_length=NAME_MAX, blank=True)
    phone = models.CharField(max_length=PHONE_MAX, blank=True)
    email = models.CharField(max_length=EMAIL_MAX, blank=True)
    started_on = models.DateField("involved from")
    ended_on = models.DateField("involved until", null=True, blank=True)

    class Meta:
        ordering = ["made_at", "id"]
        indexes = [
            models.Index(fields=["school", "pupil", "lineage"], name="professional_pupil"),
            models.Index(fields=["school", "lineage", "made_at"], name="professional_history"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="professional_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdRelationship(models.TextChoices):
    """Relationships that read the same both ways, so one link serves both pupils."""

    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    FOSTER_SIBLING = "foster_sibling", "Foster sibling"
    COUSIN = "cousin", "Cousin"
    SAME_HOUSEHOLD = "same_household", "Lives in the same household"


class HouseholdLink(Versioned):
    """Two pupils of the school linked by a lead: siblings, or living in one household.

    One row serves both pupils: `pupil` is the one with the lower id, `other_pupil` the
    higher, so a pair has one lineage whichever page it was linked from.
    """

    other_pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(max_length=20, choices=HouseholdRelationship.choices)

    class Meta:
        ordering = ["made_at", "id"]
        indexes = [
            models.Index(fields=["school", "pupil", "lineage"], name="household_pupil"),
            models.Index(fields=["school", "other_pupil", "lineage"], name="household_other"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__lt=F("other_pupil")), name="household_link_in_id_order"
            ),
        ]


class SiblingSuggestionDismissal(SchoolOwned):
    """A lead's answer "not linked" to a suggested sibling: the pair is not suggested again."""

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    other_pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["school", "pupil"], name="dismissal_pupil"),
            models.Index(fields=["school", "other_pupil"], name="dismissal_other"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__lt=F("other_pupil")), name="dismissal_in_id_order"
            ),
        ]


class PupilPhoto(Versioned):
    """The pupil's photo, uploaded by a lead; a new one supersedes it, removing it is a row
    too. The file is checked and cleaned as attachments are, stored under a random name and
    served only through a permission-checked view."""

    stored_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["made_at", "id"]
        indexes = [
            models.Index(fields=["school", "pupil", "made_at"], name="photo_pupil"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_removed=True) | ~Q(stored_name=""), name="photo_has_a_file"
            ),
        ]
