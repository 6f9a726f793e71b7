"""The filters on the incident lists. They travel in the address (GET), so they carry only
codes, ids and dates: never a name or any text typed (pupil search stays a POST)."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import urlencode

from safeguard.accounts.models import Membership
from safeguard.incidents.models import Category, Incident, ReviewStatus
from safeguard.lib.forms import model_choice_field
from safeguard.pupils.models import YearGroup

WITHDRAWN = "withdrawn"
INVALID_DATE = "Enter a real date, for example 14/03/2026."


class PersonChoiceField(forms.ModelChoiceField[Membership]):
    """Chosen by the person's user id: the incident's author is a user."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class IncidentFilterForm(forms.Form):
    """The leads' filters on every incident in the school. A filter that isn't valid is
    explained next to its field and left out; the others still apply."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *ReviewStatus.choices, (WITHDRAWN, "Withdrawn")],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    category = forms.ModelChoiceField(
        label="Category",
        required=False,
        queryset=Category.objects.none(),
        empty_label="Any category",
        error_messages={"invalid_choice": "Choose a category from the list."},
    )
    year = forms.ChoiceField(
        label="Pupil's year group",
        required=False,
        choices=[("", "Any year group"), *YearGroup.choices],
        error_messages={"invalid_choice": "Choose a year group from the list."},
    )
    recorded_by = PersonChoiceField(
        label="Recorded by",
        required=False,
        queryset=Membership.objects.none(),
        to_field_name="user_id",
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose someone from the list."},
    )
    recorded_from = forms.DateField(
        label="Recorded from",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": INVALID_DATE},
    )
    recorded_to = forms.DateField(
        label="Recorded to",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": INVALID_DATE},
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        school = self.school = membership.school
        # Retired categories too: older incidents carry them.
        model_choice_field(self, "category").queryset = Category.objects.for_school(
            school
        ).order_by("is_retired", "position", "name")
        # Everyone who has held a role here, so leavers' incidents can still be found.
        model_choice_field(self, "recorded_by").queryset = (
            Membership.objects.for_school(school)
            .select_related("user")
            .only("user_id", "user__first_name", "user__last_name", "user__email")
            .order_by("user__last_name", "user__first_name", "pk")
        )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"}
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("recorded_from"), data.get("recorded_to")
        if start and end and start > end:
            self.add_error("recorded_to", "The “from” date is after the “to” date.")
        return data

    @property
    def valid_filters(self) -> dict[str, Any]:
        """The filters that passed their checks, whatever happened to the others."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }

    @property
    def filters_status(self) -> bool:
        """A status (or withdrawn) is chosen: the list is read in the review's order."""
        return "status" in self.valid_filters

    def apply(self, incidents: QuerySet[Incident]) -> QuerySet[Incident]:
        chosen = self.valid_filters
        status = chosen.get("status")
        # The school named on the review too, so its index (by status, newest first) is used.
        if status == WITHDRAWN:
            incidents = incidents.filter(review__school=self.school, review__is_withdrawn=True)
        elif status:
            incidents = incidents.filter(
                review__school=self.school, review__status=status, review__is_withdrawn=False
            )
        if "category" in chosen:
            # The categories as they stand now, the leads' view of the incident. One
            # category matches at most one row per review, so no incident appears twice.
            incidents = incidents.filter(review__categories=chosen["category"])
        if "year" in chosen:
            incidents = incidents.filter(review__pupil__year_group=chosen["year"])
        if "recorded_by" in chosen:
            incidents = incidents.filter(author=chosen["recorded_by"].user)
        if "recorded_from" in chosen:
            incidents = incidents.filter(recorded_at__gte=_start_of(chosen["recorded_from"]))
        if "recorded_to" in chosen:
            end = chosen["recorded_to"] + datetime.timedelta(days=1)
            incidents = incidents.filter(recorded_at__lt=_start_of(end))
        return incidents

    @property
    def query(self) -> str:
        """The valid filters as they go in the pages' links ("status=new&")."""
        chosen = self.valid_filters
        pairs = {
            name: self.data.get(name, "")
            for name in self.fields
            if name in chosen and self.data.get(name, "")
        }
        return f"{urlencode(pairs)}&" if pairs else ""


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
