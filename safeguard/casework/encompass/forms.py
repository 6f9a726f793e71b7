"""The form a key adult fills in as the police tell them of a domestic-abuse incident.

Every choice is the current school's (children, staff), so another school's id is "Select a
valid choice". The service checks the rest and names each problem beside its field.
"""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import SAFEGUARDING_LEADS
from safeguard.casework.encompass.models import FORCE_MAX, REFERENCE_MAX, Presence
from safeguard.casework.encompass.services import NOTES_MAX, SUMMARY_MAX, NamedChild
from safeguard.lib.forms import model_choice_field
from safeguard.pupils.models import Pupil

# The territorial police forces of England and Wales, and the British Transport Police: the
# force field offers them and takes any other name typed.
POLICE_FORCES = (
    "Avon and Somerset",
    "Bedfordshire",
    "British Transport Police",
    "Cambridgeshire",
    "Cheshire",
    "City of London",
    "Cleveland",
    "Cumbria",
    "Derbyshire",
    "Devon and Cornwall",
    "Dorset",
    "Durham",
    "Dyfed-Powys",
    "Essex",
    "Gloucestershire",
    "Greater Manchester",
    "Gwent",
    "Hampshire and Isle of Wight",
    "Hertfordshire",
    "Humberside",
    "Kent",
    "Lancashire",
    "Leicestershire",
    "Lincolnshire",
    "Merseyside",
    "Metropolitan Police",
    "Norfolk",
    "North Wales",
    "North Yorkshire",
    "Northamptonshire",
    "Northumbria",
    "Nottinghamshire",
    "South Wales",
    "South Yorkshire",
    "Staffordshire",
    "Suffolk",
    "Surrey",
    "Sussex",
    "Thames Valley",
    "Warwickshire",
    "West Mercia",
    "West Midlands",
    "West Yorkshire",
    "Wiltshire",
)


def _date(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the date {what}.",
            "invalid": "Enter a real date, for example 14/03/2025.",
        },
    )


def _time(label: str, what: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": f"Enter the time {what} (roughly is fine).",
            "invalid": "Enter a real time, for example 07:45.",
        },
    )


class PupilChoices(forms.ModelMultipleChoiceField[Pupil]):
    def label_from_instance(self, obj: Pupil) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.class_label})"


class StaffChoice(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return str(obj.user.full_name or obj.user.email)


class NotificationForm(forms.Form):
    received_on = _date("Date received", "the notification was received")
    received_time = _time("Time received", "the notification was received")
    force = forms.CharField(
        label="Police force",
        max_length=FORCE_MAX,
        widget=forms.TextInput(attrs={"list": "police-forces", "autocomplete": "off"}),
        error_messages={"required": "Enter the police force that sent it."},
    )
    police_reference = forms.CharField(
        label="Police reference",
        max_length=REFERENCE_MAX,
        error_messages={"required": "Enter the police reference: it is how they find it."},
    )
    incident_on = _date("Date of the incident", "of the incident")
    incident_time = _time("Time of the incident", "of the incident")
    children = PupilChoices(
        label="Children named",
        queryset=Pupil.objects.none(),
        help_text="The children of this school the police named. Hold Ctrl (⌘ on a Mac) to "
        "choose more than one.",
        error_messages={
            "required": "Choose the children of this school the police named.",
            "invalid_choice": "Select a valid choice.",
        },
    )
    presence = forms.ChoiceField(
        label="Were they present at the incident?",
        choices=Presence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the children were present."},
    )
    summary = forms.CharField(
        label="What the police told you",
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write what the police told you."},
    )
    key_adult = StaffChoice(
        label="Key adult who took it",
        queryset=Membership.objects.none(),
        error_messages={"invalid_choice": "Select a valid choice."},
    )
    silent_support = forms.BooleanField(label="Silent support in class", required=False)
    check_in = forms.BooleanField(label="A check-in with the child", required=False)
    dsl_informed = forms.BooleanField(label="DSL informed", required=False)
    response_notes = forms.CharField(
        label="What the school did",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    acknowledge = forms.BooleanField(
        label="I have read this and seen to the school's response",
        required=False,
        initial=True,
        help_text="Until a key adult acknowledges it, it heads every lead's dashboard.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        model_choice_field(self, "children").queryset = (
            Pupil.objects.for_school(school)
            .filter(is_archived=False)
            .order_by("legal_last_name", "legal_first_name", "pk")
        )
        model_choice_field(self, "key_adult").queryset = (
            Membership.objects.for_school(school)
            .filter(role__in=SAFEGUARDING_LEADS, is_active=True)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "pk")
        )

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned form as `record_notification` takes it (fields left out were refused)."""
        data = self.cleaned_data
        presence = data.get("presence") or ""
        return {
            "received_at": _moment(data.get("received_on"), data.get("received_time")),
            "incident_at": _moment(data.get("incident_on"), data.get("incident_time")),
            "force": data.get("force", ""),
            "police_reference": data.get("police_reference", ""),
            "summary": data.get("summary", ""),
            "key_adult": data.get("key_adult"),
            "children": [NamedChild(pupil, presence) for pupil in data.get("children") or []],
            "silent_support": bool(data.get("silent_support")),
            "check_in": bool(data.get("check_in")),
            "dsl_informed": bool(data.get("dsl_informed")),
            "response_notes": data.get("response_notes", ""),
            "acknowledge": bool(data.get("acknowledge")),
        }


def _moment(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


# Where the service's problems show: the times under their date field.
FIELD_OF = {"received_at": "received_on", "incident_at": "incident_on"}
