"""The chronology's filters and the form for a key event.

The filters are posted, never put in the address: nothing a lead types reaches a URL or a
log. Every choice is the current school's (categories, staff), so another school's id is
"Select a valid choice". A bad range is named next to its field, with what was typed kept.
"""

import datetime
from typing import Any

from django import forms

from safeguard.accounts.models import Membership, School
from safeguard.casework.chronology.entries import TYPE_CHOICES, Cursor, EntryType
from safeguard.casework.chronology.selectors import Filters
from safeguard.casework.models import MAX_TEXT, SUMMARY_MAX, KeyEventKind, RiskLevel
from safeguard.incidents.models import Category
from safeguard.incidents.selectors import categories_of
from safeguard.lib import clock, dates
from safeguard.lib.forms import model_choice_field
from safeguard.pupils.forms import DateInput

# The longest range a filter may span: a child's record is kept until they are 25.
MAX_SPAN_YEARS = 25
SIGNIFICANT_TYPES = frozenset(
    {
        EntryType.INCIDENT,
        EntryType.KEY_EVENT,
        EntryType.ENCOMPASS,
        EntryType.REFERRAL,
        EntryType.MEETING,
    }
)
VIEWS = (("full", "Full"), ("significant", "Significant events only"))
ORDERS = (("newest", "Newest first"), ("oldest", "Oldest first"))


def _date_field(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        error_messages={"invalid": f"Enter the {what} as a real date, for example 31/03/2017."},
    )


# The dates a filter may name: no record in Safeguard is older or newer than these.
EARLIEST = datetime.date(1900, 1, 1)


def latest_filter_date() -> datetime.date:
    """The last day a filter may name: the end of next year."""
    return datetime.date(clock.localdate().year + 1, 12, 31)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February), or the last day there is."""
    if day.year + years > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def staff_name(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


class StaffChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return staff_name(obj)


class ChronologyFilterForm(forms.Form):
    """Which entries to show and in what order, and where the page starts (`after`,
    `before`: the cursor of the entry at the edge of the page the lead came from)."""

    view = forms.ChoiceField(
        label="View", choices=VIEWS, required=False, widget=forms.RadioSelect, initial="full"
    )
    order = forms.ChoiceField(label="Order", choices=ORDERS, required=False, initial="newest")
    entry_type = forms.ChoiceField(
        label="Type", choices=[("", "Every type"), *TYPE_CHOICES], required=False
    )
    category = forms.ModelChoiceField(
        label="Category",
        queryset=Category.objects.none(),
        required=False,
        empty_label="Any category",
    )
    author = StaffChoiceField(
        label="Recorded by",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Anyone",
    )
    risk_level = forms.ChoiceField(
        label="Risk level", choices=[("", "Any risk level"), *RiskLevel.choices], required=False
    )
    start = _date_field("From", "start date")
    end = _date_field("To", "end date")
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        model_choice_field(self, "category").queryset = categories_of(school)
        model_choice_field(self, "author").queryset = (
            Membership.objects.for_school(school)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email", "pk")
        )

    def _in_range(self, name: str, what: str) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get(name)
        latest = latest_filter_date()
        if day is not None and not EARLIEST <= day <= latest:
            raise forms.ValidationError(
                f"Choose a {what} between {dates.display_date(EARLIEST)} and "
                f"{dates.display_date(latest)}."
            )
        return day

    def clean_start(self) -> datetime.date | None:
        return self._in_range("start", "start date")

    def clean_end(self) -> datetime.date | None:
        return self._in_range("end", "end date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                f"The end date is before the start date ({dates.display_date(start)}): "
                "choose an end on or after it.",
            )
        elif start and end and end > years_after(start, MAX_SPAN_YEARS):
            self.add_error(
                "end",
                f"This range spans more than {MAX_SPAN_YEARS} years: choose an end on or "
                f"before {dates.display_date(years_after(start, MAX_SPAN_YEARS))}, "
                "or leave either date blank.",
            )
        entry_type = data.get("entry_type")
        if data.get("view") == "significant" and entry_type and entry_type not in SIGNIFICANT_TYPES:
            self.add_error(
                "entry_type",
                "The significant events view holds incidents, key events, referrals and "
                "meetings only: choose one of those, or the full view.",
            )
        return data

    def filters(self) -> Filters:
        """The filters asked for (call once the form is valid; unbound: none)."""
        data = self.cleaned_data if self.is_bound else {}
        author = data.get("author")
        return Filters(
            significant_only=data.get("view") == "significant",
            newest_first=data.get("order") != "oldest",
            entry_type=data.get("entry_type") or "",
            category=data.get("category"),
            author_id=author.user_id if author is not None else None,
            risk_level=data.get("risk_level") or "",
            start=data.get("start"),
            end=data.get("end"),
        )

    def cursor(self, name: str) -> Cursor | None:
        data = self.cleaned_data if self.is_bound else {}
        return Cursor.decode(data.get(name) or "")

    def applied(self) -> list[tuple[str, str]]:
        """The filters in words, for the first page of a printed copy."""
        data = self.cleaned_data if self.is_bound else {}
        author, category = data.get("author"), data.get("category")
        start, end = data.get("start"), data.get("end")
        if start and end:
            span = f"{dates.display_date(start)} to {dates.display_date(end)}"
        elif start:
            span = f"From {dates.display_date(start)}"
        elif end:
            span = f"Up to {dates.display_date(end)}"
        else:
            span = "All dates"
        entry_type = data.get("entry_type") or ""
        risk = data.get("risk_level") or ""
        return [
            ("View", dict(VIEWS)[data.get("view") or "full"]),
            ("Order", dict(ORDERS)[data.get("order") or "newest"]),
            ("Type", dict(TYPE_CHOICES)[entry_type] if entry_type else "Every type"),
            ("Category", category.name if category is not None else "Any category"),
            ("Recorded by", staff_name(author) if author else "Anyone"),
            ("Risk level", str(RiskLevel(risk).label) if risk else "Any risk level"),
            ("Dates", span),
        ]


class KeyEventForm(forms.Form):
    """A key event: what happened, when, and a line for the chronology. The service checks
    the rules (not in the future, one line), each under its field."""

    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "Choose…"), *KeyEventKind.choices],
        error_messages={"required": "Choose what happened from the list."},
    )
    happened_on = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date it happened.",
            "invalid": "Enter the date as a real date, for example 31/03/2017.",
        },
    )
    summary = forms.CharField(
        label="Summary",
        max_length=SUMMARY_MAX,
        help_text="One line for the chronology, for example “Strategy discussion: section 47 to follow”.",
        error_messages={
            "required": "Give a one-line summary for the chronology.",
            "max_length": f"Keep this to {SUMMARY_MAX} characters.",
        },
    )
    details = forms.CharField(
        label="Details",
        required=False,
        help_text="Optional: who was there, what was decided, references.",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
        error_messages={"max_length": f"Keep this to {MAX_TEXT:,} characters."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
