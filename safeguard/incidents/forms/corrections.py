"""Forms for DSL corrections and for reporting a mistake to the DSL."""

from typing import Any

from django import forms

from safeguard.accounts.models import Membership
from safeguard.incidents.models import Category, ReviewStatus
from safeguard.incidents.selectors import categories_offered_to
from safeguard.incidents.services.corrections import MAX_REASON_LENGTH
from safeguard.lib.dates import display_date
from safeguard.lib.forms import model_choice_field
from safeguard.lib.text import text_problem
from safeguard.pupils.models import Pupil


class ReasonField(forms.CharField):
    """A required reason, kept with the record: plain text, at most 2,000 characters."""

    def __init__(
        self,
        *,
        label: str = "Reason",
        help_text: str = "",
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            label=label,
            help_text=help_text or "Kept with the record and seen by DSLs. Give facts, not names.",
            max_length=MAX_REASON_LENGTH,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON_LENGTH}),
            error_messages={
                "required": "Say why: it is kept with the record.",
                "max_length": f"Keep this to {MAX_REASON_LENGTH:,} characters.",
                **(error_messages or {}),
            },
            **kwargs,
        )

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and len(value) <= MAX_REASON_LENGTH:  # longer: the max_length message says so
            problem = text_problem(value, max_length=MAX_REASON_LENGTH)
            if problem:
                raise forms.ValidationError(problem)


def _describe(field: forms.Field, name: str) -> None:
    if field.help_text:
        field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"


class RecategoriseForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Categories",
        error_messages={
            "required": "Choose at least one category.",
            "invalid_choice": "Choose categories from the list.",
            "invalid_pk_value": "Choose categories from the list.",
        },
    )
    reason = ReasonField(label="Why are you changing the categories?")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "categories").queryset = categories_offered_to(membership)
        _describe(self.fields["reason"], "reason")


class MoveSearchForm(forms.Form):
    """Find the right child by name (posted, so names stay out of URLs and logs)."""

    search = forms.CharField(
        label="Find the right pupil",
        max_length=100,
        help_text="Type part of their first or last name.",
        error_messages={"required": "Type part of the pupil's name."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self.fields["search"], "search")


class MovePupilField(forms.ModelChoiceField[Pupil]):
    def label_from_instance(self, obj: Pupil) -> str:
        archived = " · archived" if obj.is_archived else ""
        return (
            f"{obj.display_name} · {obj.class_label} · born "
            f"{display_date(obj.date_of_birth)}{archived}"
        )


class MoveForm(forms.Form):
    pupil = MovePupilField(
        queryset=Pupil.objects.none(),
        widget=forms.RadioSelect,
        label="The pupil this incident is really about",
        error_messages={
            "required": "Choose the pupil this incident is about.",
            "invalid_choice": "Choose a pupil from your school.",
        },
    )
    reason = ReasonField(label="Why are you moving it?")

    def offer_only(self, pupils: list[Pupil]) -> None:
        """Offer only these pupils (the search's matches) among those the form accepts."""
        field = model_choice_field(self, "pupil")
        accepted = field.queryset
        if accepted is None:
            raise TypeError("MoveForm.pupil has no queryset to offer pupils from")
        field.queryset = accepted.filter(pk__in=[pupil.pk for pupil in pupils])

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pupil").queryset = pupils
        _describe(self.fields["reason"], "reason")


class WithdrawForm(forms.Form):
    reason = ReasonField(
        label="Why are you withdrawing this record?",
        help_text="For example: recorded on the wrong child; re-recorded on the right one.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self.fields["reason"], "reason")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ReviewStatus.choices,
        label="Status",
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    reason = ReasonField(
        label="Reason for the status",
        help_text="Your decision and its rationale, including a decision not to refer.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self.fields["reason"], "reason")


class KeepWithLeadsForm(forms.Form):
    """Keep the incident with the leads (`keep` "yes") or release it ("no"), with a reason.

    The page posts what it offered, so a page left open after another lead changed it is
    refused ("already ...") rather than undoing their change.
    """

    keep = forms.ChoiceField(
        choices=[("yes", "Keep with the leads"), ("no", "Release from the leads")],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Reload the incident and try again."},
    )
    reason = ReasonField(
        label="Reason",
        help_text="Seen by DSLs and deputies only, never by the staff alerted.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self.fields["reason"], "reason")


class MistakeForm(forms.Form):
    note = ReasonField(
        label="What is wrong?",
        help_text=(
            "For example: the wrong child, the wrong category, or a fact you got wrong and "
            "what it should say. The DSL is alerted; the incident itself isn't changed."
        ),
        error_messages={"required": "Say what is wrong, so the DSL can put it right."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self.fields["note"], "note")
