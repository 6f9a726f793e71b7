"""A form's own fields and posted values, typed, for forms that set choices or querysets
per request or read a name posted several times.

`form.fields` holds plain `Field`s and `form.data` a plain mapping as far as a type checker
knows; these return what they really are, and fail loudly if they are not.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def posted_values(data: Mapping[str, Any], name: str) -> list[Any]:
    """Every value posted under `name` (a bound form's data is a QueryDict)."""
    if not isinstance(data, MultiValueDict):
        raise TypeError("form data with one value per name has no list of values")
    return data.getlist(name)
