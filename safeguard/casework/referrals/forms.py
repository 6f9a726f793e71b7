"""The forms of referrals and meetings. Every choice is the current school's (agencies, staff,
the pupil's incidents), so another school's id is "Select a valid choice"; the rules between
fields (a reason when consent was not sought, an outcome not before the referral) are the
services', which name each problem under its field."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.casework.chronology.forms import StaffChoiceField
from safeguard.casework.models import MAX_TEXT
from safeguard.casework.referrals.models import (
    CONTACT_MAX,
    NAME_MAX,
    REFERENCE_MAX,
    ContactMethod,
    MeetingKind,
    OutcomeKind,
    ReferralAgency,
)
from safeguard.incidents.models import Incident
from safeguard.lib.forms import model_choice_field
from safeguard.lib.text import single_line_problem
from safeguard.pupils.forms import DateInput
from safeguard.pupils.models import Pupil


def text(
    label: str, help_text: str = "", *, required: bool = False, rows: int = 3
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT}),
        error_messages={"max_length": f"Keep this to {MAX_TEXT:,} characters."},
    )


def date_field(label: str, what: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={
            "required": f"Enter the date of the {what}.",
            "invalid": f"Enter the date of the {what} as a real date, for example 02/11/2026.",
        },
        **kwargs,
    )


class IncidentChoiceField(forms.ModelChoiceField[Incident]):
    def label_from_instance(self, obj: Incident) -> str:
        when = timezone.localtime(obj.occurred_at).strftime("%d/%m/%Y")
        return f"{obj.reference} ({when})"


class ReferralForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=ReferralAgency.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the agency the referral went to."},
    )
    sent_on = date_field("Date sent", "referral")
    sent_time = forms.TimeField(
        label="Time sent",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time the referral was sent, for example 14:30.",
            "invalid": "Enter the time as hours and minutes, for example 14:30.",
        },
    )
    sent_by = StaffChoiceField(
        label="Sent by",
        queryset=Membership.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose who sent the referral."},
    )
    method = forms.ChoiceField(
        label="How",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the referral was sent."},
    )
    agency_reference = forms.CharField(
        label="Agency's reference",
        required=False,
        max_length=REFERENCE_MAX,
        help_text="Optional: the reference the agency gave, to quote when you chase.",
        error_messages={"max_length": f"Keep the reference to {REFERENCE_MAX} characters."},
    )
    is_consent_sought = forms.TypedChoiceField(
        label="Was consent sought from the family?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether consent was sought."},
    )
    no_consent_reason = text(
        "Why consent was not sought",
        "Needed when it wasn't: for example, asking would put the child at greater risk.",
        rows=2,
    )
    incident = IncidentChoiceField(
        label="Incident",
        queryset=Incident.objects.none(),
        required=False,
        empty_label="None",
        help_text="Optional: the incident that led to the referral.",
    )
    notes = text("Notes", "Optional: what you told the agency, and anything they said.")

    def __init__(self, *args: Any, school: School, pupil: Pupil, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        model_choice_field(self, "agency").queryset = ReferralAgency.objects.for_school(
            school
        ).filter(is_retired=False)
        model_choice_field(self, "sent_by").queryset = (
            Membership.objects.for_school(school)
            .filter(is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email", "pk")
        )
        model_choice_field(self, "incident").queryset = (
            Incident.objects.for_school(school)
            .filter(review__pupil=pupil, review__is_withdrawn=False)
            .select_related("reference")
            .order_by("-occurred_at", "-pk")
        )

    def sent_at(self) -> datetime.datetime | None:
        day, time = self.cleaned_data.get("sent_on"), self.cleaned_data.get("sent_time")
        if day is None or time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("sent_on", None)
        data.pop("sent_time", None)
        data["sent_by"] = data["sent_by"].user
        return {**data, "sent_at": self.sent_at()}


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose…"), *OutcomeKind.choices],
        error_messages={"required": "Choose the outcome from the list."},
    )
    happened_on = date_field("Date", "outcome")
    note = text("Note", "Optional: who told you, what happens next.", rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "outcome")
        super().__init__(*args, **kwargs)


class ChaseForm(forms.Form):
    chased_on = date_field("Date", "chase")
    method = forms.ChoiceField(
        label="How",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you chased."},
    )
    contact = forms.CharField(
        label="Who you chased",
        max_length=CONTACT_MAX,
        help_text="For example “MASH duty social worker” or the worker's name.",
        error_messages={
            "required": "Say who you chased, for example “MASH duty social worker”.",
            "max_length": f"Keep this to {CONTACT_MAX} characters.",
        },
    )
    note = text("Note", "Optional: what they said.", rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "chase")
        super().__init__(*args, **kwargs)


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter the agency's name.",
            "max_length": f"Keep the name to {NAME_MAX} characters.",
        },
    )
    is_retired = forms.BooleanField(
        label="Retired",
        required=False,
        help_text="Retired agencies can't be chosen for a new referral.",
    )

    def __init__(
        self, *args: Any, school: School, agency: ReferralAgency | None = None, **kwargs: Any
    ) -> None:
        if agency is not None:
            kwargs.setdefault("initial", {"name": agency.name, "is_retired": agency.is_retired})
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if agency is None:
            del self.fields["is_retired"]
        self.school, self.agency = school, agency

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        problem = single_line_problem(name, max_length=NAME_MAX)
        if problem:
            raise forms.ValidationError(problem)
        clash = ReferralAgency.objects.for_school(self.school).filter(name__iexact=name)
        if self.agency is not None:
            clash = clash.exclude(pk=self.agency.pk)
        if clash.exists():
            raise forms.ValidationError("The school already has an agency of that name.")
        return name


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Meeting",
        choices=[("", "Choose…"), *MeetingKind.choices],
        error_messages={"required": "Choose the kind of meeting."},
    )
    held_on = date_field("Date held", "meeting")
    attendees = text(
        "Who attended", "Names and roles, for example “J. Khan (social worker)”.", required=True
    )
    report_text = text("The school's report", "Written here, or attach it below (or both).", rows=6)
    report_file = forms.FileField(
        label="The school's report as a file",
        required=False,
        help_text="Optional: PDF, Word or OpenDocument, checked as attachments are.",
    )
    decisions = text("Decisions", "What the meeting decided, and who does what.", rows=4)
    next_on = forms.DateField(
        label="Next meeting",
        required=False,
        widget=DateInput(),
        help_text="Optional: the date set for the next meeting, today or later.",
        error_messages={
            "invalid": "Enter the next meeting as a real date, for example 02/11/2026."
        },
    )
    closes_clock = forms.BooleanField(
        label="No conference follows",
        required=False,
        help_text="Tick when no (further) child protection conference is planned: "
        "the threshold wasn't met, or the plan ended. The conference clock stops.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["attendees"].error_messages["required"] = "Say who attended the meeting."
