"""The body map's numbered marks, recorded with the incident (immutable)."""

from django.db import models
from django.db.models import Q

from safeguard.incidents.models.incident import Incident
from safeguard.lib.scoping import SchoolOwned


class BodySide(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"


class MarkType(models.TextChoices):
    BRUISE = "bruise", "Bruise"
    CUT = "cut", "Cut"
    BURN = "burn", "Burn"
    SCRATCH = "scratch", "Scratch"
    MARK = "mark", "Mark"
    SWELLING = "swelling", "Swelling"
    OTHER = "other", "Other"


class BodyMapMark(SchoolOwned):
    """A numbered mark on the body map outline; coordinates are 0-1000 of the outline box."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="marks")
    number = models.PositiveSmallIntegerField()
    side = models.CharField(max_length=5, choices=BodySide.choices)
    x = models.PositiveSmallIntegerField()
    y = models.PositiveSmallIntegerField()
    mark_type = models.CharField("type", max_length=10, choices=MarkType.choices)
    colour = models.CharField(max_length=60, blank=True)
    shape = models.CharField(max_length=60, blank=True)
    size = models.CharField("approximate size", max_length=60, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="bodymapmark_number_once"),
            models.CheckConstraint(
                condition=Q(x__lte=1000) & Q(y__lte=1000), name="bodymapmark_in_box"
            ),
        ]
