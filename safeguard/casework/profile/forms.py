"""The profile's forms. Each only gathers what was typed; the services check the rules and
name each problem by its field, so the form shows it there with everything typed kept.
Pupils offered by id are the current school's only: another school's id is "Select a valid
choice"."""

from typing import Any

from django import forms

from safeguard.casework.profile.contacts import ContactDetails
from safeguard.casework.profile.models import (
    ADDRESS_MAX,
    EMAIL_MAX,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    REASON_MAX,
    HouseholdRelationship,
    ProfessionalRole,
)
from safeguard.casework.profile.professionals import DETAIL_FIELDS as PROFESSIONAL_FIELDS
from safeguard.casework.profile.professionals import ProfessionalDetails
from safeguard.lib.forms import model_choice_field
from safeguard.pupils.forms import DateInput
from safeguard.pupils.models import Pupil

YES_NO = (("yes", "Yes"), ("no", "No"))


class ProfileForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _text(label: str, max_length: int, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"max_length": f"Keep this to {max_length:,} characters."},
        **kwargs,
    )


class ContactForm(ProfileForm):
    name = _text("Name", NAME_MAX, required=True)
    relationship = _text(
        "Relationship to the pupil",
        100,
        required=True,
        help_text="For example Mother, Father, Grandmother, Foster carer, Mum's partner.",
    )
    has_parental_responsibility = forms.ChoiceField(
        label="Parental responsibility",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether they have parental responsibility."},
    )
    phone = _text("Phone", PHONE_MAX, widget=forms.TextInput(attrs={"type": "tel"}))
    email = _text("Email", EMAIL_MAX, widget=forms.EmailInput)
    address = _text("Address", ADDRESS_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    do_not_contact = forms.BooleanField(
        label="Do not contact",
        required=False,
        help_text="Tick if school must not contact this person (for example a court order).",
    )
    court_order_notes = _text(
        "Court orders",
        NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Any order about this person and the pupil: its kind, date and what it says.",
    )
    reason = _text(
        "What changed",
        REASON_MAX,
        help_text="Optional: for example “Moved house” or “Court order made”.",
    )

    def __init__(self, *args: Any, is_change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_change:
            del self.fields["reason"]
        self.fields["name"].error_messages["required"] = "Enter the contact's name."
        self.fields["relationship"].error_messages["required"] = (
            "Say how they are related to the pupil, for example Mother."
        )

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            name=data["name"],
            relationship=data["relationship"],
            has_parental_responsibility=data["has_parental_responsibility"] == "yes",
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            do_not_contact=data["do_not_contact"],
            court_order_notes=data["court_order_notes"],
        )

    @staticmethod
    def initial_from(details: ContactDetails) -> dict[str, Any]:
        initial = dict(vars(details))
        initial["has_parental_responsibility"] = (
            "yes" if details.has_parental_responsibility else "no"
        )
        return initial


class RemovalForm(ProfileForm):
    reason = _text(
        "Why remove it",
        REASON_MAX,
        required=True,
        help_text="It stays in the history with this reason.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why this is being removed."


class ProfessionalForm(ProfileForm):
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose…"), *ProfessionalRole.choices],
        error_messages={"required": "Choose their role from the list."},
    )
    name = _text("Name", NAME_MAX, required=True)
    organisation = _text(
        "Organisation", NAME_MAX, help_text="For example Leeds children's social care."
    )
    phone = _text("Phone", PHONE_MAX, widget=forms.TextInput(attrs={"type": "tel"}))
    email = _text("Email", EMAIL_MAX, widget=forms.EmailInput)
    started_on = forms.DateField(
        label="Involved from",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date they became involved.",
            "invalid": "Enter the date as a real date, for example 31/03/2017.",
        },
    )
    ended_on = forms.DateField(
        label="Involved until",
        required=False,
        widget=DateInput(),
        help_text="Leave blank while they are still involved.",
        error_messages={"invalid": "Enter the date as a real date, for example 31/03/2017."},
    )
    reason = _text(
        "What changed",
        REASON_MAX,
        help_text="Optional: for example “Case closed” or “New social worker”.",
    )

    def __init__(self, *args: Any, is_change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_change:
            del self.fields["reason"]
        self.fields["name"].error_messages["required"] = "Enter the professional's name."

    def details(self) -> ProfessionalDetails:
        data = self.cleaned_data
        return ProfessionalDetails(**{name: data[name] for name in PROFESSIONAL_FIELDS})

    @staticmethod
    def initial_from(details: ProfessionalDetails) -> dict[str, Any]:
        return dict(vars(details))


def pupil_label(obj: Pupil) -> str:
    archived = " (archived)" if obj.is_archived else ""
    return f"{obj.first_name} {obj.last_name}, {obj.class_label}{archived}"


class PupilChoiceField(forms.ModelChoiceField[Pupil]):
    def label_from_instance(self, obj: Pupil) -> str:
        return pupil_label(obj)


class LinkForm(ProfileForm):
    """Find a pupil of the school by name, then link them: siblings or one household.
    The name is posted, never put in an address."""

    q = forms.CharField(
        label="Find a pupil by name",
        required=False,
        max_length=100,
        help_text="Type part of their first or last name, then Find pupils.",
    )
    other_pupil = PupilChoiceField(
        label="Pupil to link",
        queryset=Pupil.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select a valid choice: that pupil is not available."},
    )
    relationship = forms.ChoiceField(
        label="How they are related",
        choices=[("", "Choose…"), *HouseholdRelationship.choices],
        required=False,
    )

    def __init__(
        self, *args: Any, pupil: Pupil, found: list[Pupil] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "other_pupil")
        field.queryset = Pupil.objects.for_school(pupil.school_id).exclude(pk=pupil.pk)
        chosen = found or []
        # Only the pupils found (or the one chosen) are offered; any of the school's counts.
        field.widget.choices = [(p.pk, pupil_label(p)) for p in chosen]

    def check_link(self) -> bool:
        """Valid for linking: a pupil and a relationship chosen, each said by its field."""
        if not self.is_valid():
            return False
        if self.cleaned_data["other_pupil"] is None:
            self.add_error("other_pupil", "Choose the pupil to link.")
        if not self.cleaned_data["relationship"]:
            self.add_error("relationship", "Choose how they are related from the list.")
        return not self.errors


class DismissForm(ProfileForm):
    other_pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Select a valid choice: that pupil is not available."},
    )

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "other_pupil").queryset = Pupil.objects.for_school(
            pupil.school_id
        ).exclude(pk=pupil.pk)


class PhotoForm(ProfileForm):
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="A JPEG, PNG, GIF or WebP image. Location and camera details are removed.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
