"""Forms for pupils and statuses. The rules themselves live in the models' clean()."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.accounts.models import School
from safeguard.lib.forms import choice_field
from safeguard.lib.upn import normalise_upn
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind, YearGroup
from safeguard.pupils.services import PUPIL_FIELDS, PupilDetails


class DateInput(forms.DateInput):
    """The browser's date picker; it posts YYYY-MM-DD whatever the display locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_messages(what: str) -> dict[str, str]:
    return {
        "required": f"Enter the {what}.",
        "invalid": f"Enter the {what} as a real date, for example 31/03/2017.",
    }


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class PupilForm(forms.ModelForm[Pupil]):
    # Longer than 13 on the way in: spaces typed between groups are removed before checking.
    upn = forms.CharField(
        label="UPN",
        required=False,
        max_length=30,
        help_text=(
            "13 characters from the MIS or the common transfer file, for example "
            "A123456789012. Leave blank if the pupil has none yet."
        ),
    )

    class Meta:
        model = Pupil
        fields = PUPIL_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "on_roll_on": DateInput(),
            "left_on": DateInput(),
        }
        labels = {
            "on_roll_on": "On roll from",
            "left_on": "Leaving date",
            "leaving_destination": "Destination on leaving",
            "registration_group": "Class or registration group",
        }
        help_texts = {
            "preferred_first_name": "Only if the pupil is known by a different name.",
            "preferred_last_name": "Only if the pupil is known by a different name.",
            "admission_number": "The school's own number for the pupil, if it uses one.",
            "registration_group": "For example 3B or 10RT.",
            "left_on": "Only for a pupil who has left or is about to.",
        }
        error_messages = {
            "legal_first_name": {"required": "Enter the pupil's legal first name."},
            "legal_last_name": {"required": "Enter the pupil's legal last name."},
            "date_of_birth": _date_messages("date of birth"),
            "year_group": {
                "required": "Choose the pupil's year group.",
                "invalid_choice": "Choose a year group from the list.",
            },
            "sex": {"invalid_choice": "Choose an option from the list."},
            "on_roll_on": _date_messages("on-roll date"),
            "left_on": _date_messages("leaving date"),
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The school always comes from the signed-in membership, never from the form.
        self.instance.school = school

    def clean_upn(self) -> str:
        return normalise_upn(self.cleaned_data.get("upn", ""))

    def details(self) -> PupilDetails:
        data = self.cleaned_data
        return PupilDetails(
            legal_first_name=data["legal_first_name"],
            legal_last_name=data["legal_last_name"],
            preferred_first_name=data["preferred_first_name"],
            preferred_last_name=data["preferred_last_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            upn=data["upn"],
            admission_number=data["admission_number"],
            year_group=data["year_group"],
            registration_group=data["registration_group"],
            on_roll_on=data["on_roll_on"],
            left_on=data["left_on"],
            leaving_destination=data["leaving_destination"],
        )


def _any(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class PupilFilterForm(forms.Form):
    """The list's filters. They travel in the URL, so they carry nothing that names a child."""

    year = forms.ChoiceField(label="Year group", required=False)
    group = forms.ChoiceField(label="Class or group", required=False)
    status = forms.ChoiceField(label="Current status", required=False)
    archived = forms.BooleanField(label="Include archived pupils", required=False)

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "year").choices = _any("Any year") + list(YearGroup.choices)
        choice_field(self, "group").choices = _any("Any class") + [(g, g) for g in groups]
        choice_field(self, "status").choices = _any("Any or none") + list(StatusKind.choices)

    def filters(self) -> dict[str, Any]:
        """Valid filters only: a stale or tampered value is ignored, not an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "year_group": data.get("year") or "",
            "registration_group": data.get("group") or "",
            "status_kind": data.get("status") or "",
            "include_archived": bool(data.get("archived")),
        }


class PupilSearchForm(forms.Form):
    """A name search: posted, never put in a URL or a log (ASVS 14.2.1)."""

    q = forms.CharField(
        label="Search by name",
        max_length=100,
        help_text="First or last name, legal or preferred. Part of a name is enough.",
        error_messages={
            "required": "Type part of a name to search for.",
            "max_length": "Type at most 100 characters.",
        },
    )


class ArchiveForm(forms.Form):
    left_on = forms.DateField(
        label="Leaving date",
        required=False,
        widget=DateInput(),
        help_text="Optional.",
        error_messages=_date_messages("leaving date"),
    )
    leaving_destination = forms.CharField(
        label="Destination on leaving",
        max_length=200,
        required=False,
        help_text="Optional: the new school or other destination.",
    )


class StatusForm(forms.ModelForm[PupilStatus]):
    class Meta:
        model = PupilStatus
        fields = ["kind", "started_on", "ended_on", "note"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}
        labels = {"kind": "Status", "started_on": "From", "ended_on": "Until"}
        help_texts = {
            "ended_on": "Leave blank while the status still holds.",
            "note": "Optional, for example the local authority or plan reference.",
        }
        error_messages = {
            "kind": {
                "required": "Choose a status.",
                "invalid_choice": "Choose a status from the list.",
            },
            "started_on": _date_messages("start date"),
            "ended_on": _date_messages("end date"),
        }

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pupil = pupil
        self.instance.school_id = pupil.school_id


class EndStatusForm(forms.Form):
    ended_on = forms.DateField(
        label="Until",
        widget=DateInput(),
        error_messages=_date_messages("end date"),
        help_text="The last day the status held.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
