"""The audit trail's filter: a period of at most 366 days, a person, an action.

It is a GET form: the address carries dates and ids only, never names (ASVS 14.2.1).
"""

import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from safeguard.accounts.models import Membership, School
from safeguard.audit.models import AuditAction
from safeguard.lib.forms import choice_field

MAX_DAYS = 366
DEFAULT_DAYS = 30
DATE_ERRORS = {"invalid": "Enter a real date, for example 2026-11-28."}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TrailFilterForm(forms.Form):
    """Bound to the query string; missing dates default to the last 30 days."""

    person = forms.TypedChoiceField(
        label="Person",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Only what this person did.",
    )
    action = forms.ChoiceField(label="What they did", required=False)

    def __init__(self, query: QueryDict, *, school: School) -> None:
        today = timezone.localdate()
        data: dict[str, Any] = {
            "from": (today - datetime.timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "to": today.isoformat(),
        }
        data.update(
            {key: query.get(key) for key in ("from", "to", "person", "action") if key in query}
        )
        super().__init__(data)
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(
            label="From", widget=DateInput(), error_messages=DATE_ERRORS
        )
        self.fields["to"] = forms.DateField(
            label="To",
            widget=DateInput(),
            error_messages=DATE_ERRORS,
            help_text=f"Both days included; at most {MAX_DAYS} days.",
        )
        self.order_fields(["from", "to", "person", "action"])
        memberships = (
            Membership.objects.for_school(school)
            .select_related("user")
            .only("user_id", "is_active", "user__first_name", "user__last_name", "user__email")
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        choice_field(self, "person").choices = [("", "Everyone")] + [
            (m.user_id, f"{m.user.full_name or m.user.email}{'' if m.is_active else ' (left)'}")
            for m in memberships
        ]
        choice_field(self, "action").choices = [("", "Anything"), *AuditAction.choices]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("from"), cleaned.get("to")
        if start is not None and end is not None:
            if end < start:
                self.add_error("to", "The end date must be the same as or after the start date.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "to",
                    f"Choose a period of at most {MAX_DAYS} days; this one is "
                    f"{(end - start).days + 1} days.",
                )
        return cleaned

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Start of the first day to the start of the day after the last, in school time."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.cleaned_data["from"], datetime.time.min, zone)
        end = datetime.datetime.combine(
            self.cleaned_data["to"] + datetime.timedelta(days=1), datetime.time.min, zone
        )
        return start, end

    def detail(self) -> dict[str, Any]:
        """The filter as the audit event records it: dates and ids only."""
        return {
            "from": self.cleaned_data["from"].isoformat(),
            "to": self.cleaned_data["to"].isoformat(),
            "person": self.cleaned_data["person"],
            "action": self.cleaned_data["action"],
        }

    def query(self) -> str:
        """The same filter as a query string, for the export link and page links."""
        params = QueryDict(mutable=True)
        for key in ("from", "to", "person", "action"):
            value = self.cleaned_data.get(key)
            if value not in (None, ""):
                params[key] = value.isoformat() if isinstance(value, datetime.date) else value
        return params.urlencode()
