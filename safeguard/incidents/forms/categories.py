"""The DSL's form for adding and editing a category."""

from typing import Any

from django import forms

from safeguard.accounts.models import School
from safeguard.incidents.models import Category
from safeguard.lib.text import direction_control_problem, single_line_problem

_name_max = Category._meta.get_field("name").max_length
if _name_max is None:  # a CharField always has one
    raise TypeError("Category.name has no max_length")
NAME_MAX: int = _name_max
DESCRIPTION_MAX = Category._meta.get_field("description").max_length


class CategoryForm(forms.Form):
    """Name, description and flags. The school comes from the request, never the form."""

    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the category.",
            "max_length": (
                "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        help_text="Optional. Shown to staff to help them choose the right category.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": (
                "Keep the description to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    is_restricted = forms.BooleanField(
        label="Restricted",
        required=False,
        help_text="Only DSLs and deputies may allocate a restricted category to an incident.",
    )
    is_safeguarding = forms.BooleanField(
        label="Safeguarding",
        required=False,
        help_text="Incidents in this category always alert the school's DSLs.",
    )

    def __init__(
        self, *args: Any, school: School, category: Category | None = None, **kwargs: Any
    ) -> None:
        if category is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": category.name,
                "description": category.description,
                "is_restricted": category.is_restricted,
                "is_safeguarding": category.is_safeguarding,
            }
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.school = school
        self.category = category

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        # The name goes into alert email subjects: one line, no control characters.
        problem = single_line_problem(name, max_length=NAME_MAX)
        if problem:
            raise forms.ValidationError(problem)
        clash = Category.objects.for_school(self.school).filter(name__iexact=name)
        if self.category is not None:
            clash = clash.exclude(pk=self.category.pk)
        existing = clash.first()
        if existing is not None:
            retired = " (retired: you can bring it back instead)" if existing.is_retired else ""
            raise forms.ValidationError(
                f"This school already has a category called “{existing.name}”{retired}."
            )
        return name

    def clean_description(self) -> str:
        description: str = self.cleaned_data["description"]
        # Shown to staff beside the name: it must read as it was typed.
        problem = direction_control_problem(description, noun="Descriptions")
        if problem:
            raise forms.ValidationError(problem)
        return description
