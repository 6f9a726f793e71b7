"""The forms of the clocks page: the clocks themselves, and a closure of the school."""

from typing import Any

from django import forms

from safeguard.casework.clocks.models import REASON_MAX, CaseworkClocks
from safeguard.casework.clocks.services import POLICY_MAX
from safeguard.pupils.forms import DateInput


class ClocksForm(forms.ModelForm[CaseworkClocks]):
    """The school's clocks, each a whole number within its range, and its escalation policy."""

    class Meta:
        model = CaseworkClocks
        fields = [*CaseworkClocks.CLOCK_FIELDS, "escalation_policy"]
        widgets = {"escalation_policy": forms.Textarea(attrs={"rows": 4, "maxlength": POLICY_MAX})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in CaseworkClocks.CLOCK_FIELDS:
            field = self.fields[name]
            top = getattr(field, "max_value", None)
            field.error_messages.update(
                {
                    "required": "Enter a number of days or months.",
                    "invalid": "Enter a whole number, for example 2.",
                    "min_value": "Enter 1 or more.",
                    "max_value": f"Enter {top} or fewer.",
                }
            )


class ClosureForm(forms.Form):
    """Days the school is closed; the service checks the range and the reason by field."""

    starts_on = forms.DateField(
        label="First day",
        widget=DateInput(),
        error_messages={
            "required": "Enter the first day the school is closed.",
            "invalid": "Enter the first day as a real date, for example 26/10/2026.",
        },
    )
    ends_on = forms.DateField(
        label="Last day",
        widget=DateInput(),
        help_text="The same as the first day for a single day.",
        error_messages={
            "required": "Enter the last day the school is closed (the first day, for one day).",
            "invalid": "Enter the last day as a real date, for example 30/10/2026.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        help_text="For example “Half term” or “INSET day”.",
        error_messages={
            "required": "Say why the school is closed, for example “INSET day”.",
            "max_length": f"Keep the reason to {REASON_MAX} characters.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "closure")
        super().__init__(*args, **kwargs)
