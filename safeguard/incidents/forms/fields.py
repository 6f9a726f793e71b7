"""Fields the incident and action forms share: the submit key and choices posted by id."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet


def submit_key_field(*, expired: str) -> forms.UUIDField:
    """The hidden key that makes submitting a form twice record it once (`submitting.py`);
    a missing or mangled key means the form has expired."""
    return forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": expired, "invalid": expired}
    )


def chosen_by_id(
    none: QuerySet[Any],
    *,
    widget: type[forms.Widget],
    not_in_list: str,
    required: bool = False,
    **kwargs: Any,
) -> forms.ModelMultipleChoiceField[Any]:
    """Rows chosen by id, from nothing (`none`) until the form's `__init__` offers the member's
    school's own, so another school's row, or any id not offered, is `not_in_list`."""
    messages = {"invalid_choice": not_in_list, "invalid_pk_value": not_in_list}
    return forms.ModelMultipleChoiceField(
        queryset=none,
        required=required,
        widget=widget,
        error_messages=messages | kwargs.pop("error_messages", {}),
        **kwargs,
    )


def parse_id(value: object) -> int | None:
    """A positive database id from posted text, or None."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


# The form field that names the button pressed. Pages loaded before it was renamed from
# "action" still post the old name, and an incident cannot be unrecorded: a "Save draft" or
# "Find pupil" from such a page must not fall through to submit.
INTENT_FIELDS = ("intent", "action")


def intent_of(data: Mapping[str, Any], default: str = "submit") -> str:
    """Which button was pressed: the posted `intent`, else the old `action`, else `default`."""
    for name in INTENT_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return default
