"""The add action form (school policy section 5 step 10).

Colleagues, groups and assignments are posted by id and looked up within the
signed-in member's school only, so another school's person is simply "not in
the list". The author is never a field. The rules that need the incident
(not before it, not in the future, whose assignment may be followed up) live in
`actions.submit_action`, whose messages the view puts next to their fields.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.permissions import is_lead
from safeguard.accounts.selectors import groups_of
from safeguard.incidents import links
from safeguard.incidents.forms.fields import chosen_by_id, parse_id, submit_key_field
from safeguard.incidents.models import MAX_TEXT_LENGTH, Action, Incident
from safeguard.incidents.selectors import (
    alertable_staff,
    assignable_staff,
    has_restricted_category,
    is_kept_with_leads,
    open_assignments_for,
)
from safeguard.lib.dates import display_date
from safeguard.lib.forms import model_choice_field, posted_values
from safeguard.lib.text import text_problem

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
NOT_IN_LIST = "Choose from the list."
# Decoding replaces bytes that aren't UTF-8 with U+FFFD; in a record it means damaged text.
REPLACEMENT_CHARACTER = "\ufffd"


def _action_id(value: object) -> int | None:
    """The action a posted or linked value names: its key, or its id from an older page."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    return links.id_from_key("action", text)


def now_for_input() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class StaffChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.full_name or obj.user.email
        return f"{name} ({obj.job_title or obj.get_role_display()})"


class AssignmentChoiceField(forms.ModelChoiceField[Action]):
    """A task of the person's, offered and posted by its opaque key (links.py), as the
    follow-up links give it (`?follows_up=<key>`). The id of a page shown before keys is
    still accepted; anything else is "not one of your tasks", like an unknown id."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Action):
            return links.key_for("action", value.pk)
        record_id = _action_id(value)
        return links.key_for("action", record_id) if record_id is not None else value

    def to_python(self, value: Any) -> Action | None:
        if value in self.empty_values:
            return None
        record_id = _action_id(value)
        if record_id is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(record_id)

    def label_from_instance(self, obj: Action) -> str:
        due = f"due {display_date(obj.due_on)}" if obj.due_on else "no due date"
        text = " ".join(obj.text.split())
        return f"Task from {obj.author.full_name}, {due}: {text[:80]}"


class ActionForm(forms.Form):
    submit_key = submit_key_field(
        expired="This form has expired: reload the page to add the action."
    )
    text = forms.CharField(
        label="What was done",
        strip=False,
        max_length=MAX_TEXT_LENGTH,
        help_text=(
            "For example: spoke to parent, phoned children's social care, referred to early "
            "help. Say who, what was said or agreed, and what happens next."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write what was done: this can't be empty.",
            "null_characters_not_allowed": (
                "This contains a null character, which usually means it was pasted from a "
                "damaged file. Please retype that part."
            ),
            "max_length": (
                "This is %(show_value)d characters long; the limit is %(limit_value)d. "
                "Attach a longer document as a file instead."
            ),
        },
    )
    occurred_at = forms.DateTimeField(
        label="When it happened",
        help_text="Now, unless it happened earlier. It can't be in the future.",
        widget=forms.DateTimeInput(format=DATETIME_INPUT, attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Give the date and time it happened.",
            "invalid": "Give the date and time it happened, for example 14/03/2026 15:30.",
        },
    )
    follows_up = AssignmentChoiceField(
        label="This follows up",
        required=False,
        queryset=Action.objects.none(),
        empty_label="Not a follow-up",
        help_text="Recording what you did about a task assigned to you marks the task done.",
        error_messages={"invalid_choice": "Choose one of your tasks on this incident."},
    )
    assigned_to = StaffChoiceField(
        label="Assign a task to",
        required=False,
        queryset=Membership.objects.none(),
        empty_label="No one: this isn't a task",
        help_text="They are alerted and see it in their tasks until they record a follow-up.",
        error_messages={"invalid_choice": NOT_IN_LIST},
    )
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Give the date it is due by, for example 21/03/2026."},
    )
    tell_leads = forms.BooleanField(
        label="Tell the school's DSLs",
        required=False,
    )
    # Offered to DSLs and deputies only: anyone else's action is always shared.
    is_shared_with_alerted = forms.BooleanField(
        label="Share this action with the staff alerted to this incident",
        required=False,
        help_text=(
            "Left unticked, only the school's DSLs and deputies can read this action, and only "
            "they can be alerted or given a task with it."
        ),
    )
    # Group toggles and named people by type-ahead, as on the incident form
    # (incidents/recording/alert_picker.html): chosen people arrive as hidden ids.
    groups = chosen_by_id(
        StaffGroup.objects.none(),
        label="Groups",
        widget=forms.CheckboxSelectMultiple,
        not_in_list=NOT_IN_LIST,
    )
    people = chosen_by_id(
        Membership.objects.none(),
        label="Alert someone by name",
        widget=forms.MultipleHiddenInput,
        not_in_list=NOT_IN_LIST,
    )
    people_query = forms.CharField(label="Alert someone by name", required=False, max_length=100)

    def __init__(self, *args: Any, membership: Membership, incident: Incident, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.incident = incident
        self.is_lead = is_lead(membership)
        # Only leads are offered on an incident kept with the leads (by a lead or by a
        # restricted category). A crafted choice of anyone else stays valid here so that
        # `submit_action` refuses it by name. Only a lead learns which of the two it is.
        self.is_kept_with_leads = is_kept_with_leads(incident)
        self.is_restricted = (
            self.is_lead and self.is_kept_with_leads and has_restricted_category(incident)
        )
        if not self.is_lead:
            del self.fields["is_shared_with_alerted"]
        model_choice_field(self, "assigned_to").queryset = assignable_staff(membership.school_id)
        self.people_accepted = alertable_staff(membership)
        model_choice_field(self, "people").queryset = self.people_accepted
        if self.is_kept_with_leads:
            leads = assignable_staff(membership.school_id, leads_only=True)
            self._offer_only(model_choice_field(self, "assigned_to"), leads)
        model_choice_field(self, "groups").queryset = groups_of(membership.school)
        self.follow_ups_offered = self.my_assignments()
        model_choice_field(self, "follows_up").queryset = self.follow_ups_offered
        self.fields["occurred_at"].widget.attrs["max"] = now_for_input().strftime(DATETIME_INPUT)
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    @staticmethod
    def _offer_only(field: forms.ModelChoiceField[Any], offered: QuerySet[Membership]) -> None:
        """Show only `offered` while the field still accepts the wider queryset."""
        choices = [(m.pk, field.label_from_instance(m)) for m in offered]
        field.widget.choices = [("", field.empty_label), *choices]

    def offered_people(self, *, is_shared: bool) -> QuerySet[Membership]:
        """Whom the type-ahead suggests: leads only about an incident kept with the leads or
        for a lead's action that isn't shared (`actions.submit_action` refuses anyone else)."""
        leads_only = self.is_kept_with_leads or (self.is_lead and not is_shared)
        return alertable_staff(self.membership, leads_only=leads_only)

    def chosen_people(self, data: Mapping[str, Any]) -> list[Membership]:
        """The people posted by id, in order, for the rows under the type-ahead."""
        ids = [pk for pk in (parse_id(v) for v in posted_values(data, "people")) if pk is not None]
        found = self.people_accepted.in_bulk(ids)
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    @property
    def service_arguments(self) -> dict[str, Any]:
        """What `actions.submit_action` takes, from a valid form: its choices and the files."""
        data = self.cleaned_data
        return {
            "submit_key": data["submit_key"],
            "text": data["text"],
            "occurred_at": data["occurred_at"],
            "assigned_to": data["assigned_to"],
            "due_on": data["due_on"],
            "follows_up": data["follows_up"],
            "tell_leads": data["tell_leads"],
            "groups": list(data["groups"]),
            "people": list(data["people"]),
            "is_shared_with_alerted": data.get("is_shared_with_alerted", False),
            "files": self.files.getlist("files"),
        }

    def my_assignments(self) -> QuerySet[Action]:
        return open_assignments_for(self.membership).filter(incident=self.incident)

    @property
    def offers_follow_up(self) -> bool:
        return bool(self.errors.get("follows_up")) or self.follow_ups_offered.exists()

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Write what was done: this can't be empty.")
        if REPLACEMENT_CHARACTER in text:
            raise forms.ValidationError(
                "The text contains characters that couldn't be read. Please retype the part "
                "you pasted."
            )
        problem = text_problem(text, max_length=MAX_TEXT_LENGTH)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean_occurred_at(self) -> datetime.datetime:
        occurred_at = self.cleaned_data["occurred_at"]
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        return occurred_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        assigned_to, due_on = cleaned.get("assigned_to"), cleaned.get("due_on")
        if assigned_to is not None and due_on is None and "due_on" not in self.errors:
            self.add_error("due_on", "Give the date it is due by.")
        if due_on is not None and assigned_to is None and "assigned_to" not in self.errors:
            self.add_error("assigned_to", "Choose who the task is for, or clear the due date.")
        return cleaned
