"""The Add Incident form (school policy section 5, steps 2-6).

Everything chosen is posted by id and looked up within the signed-in member's
school only, so another school's pupil, category or colleague is simply "not
in the list". The author is never a field: it is always the signed-in person.
The rules the service re-checks (`recording.submit_incident`) are checked here
too, so each problem gets its message next to its own field.
"""

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from safeguard.accounts.models import Membership, StaffGroup, User
from safeguard.accounts.permissions import Capability, is_lead, may_be_alerted
from safeguard.accounts.selectors import groups_of
from safeguard.incidents.forms.fields import chosen_by_id, parse_id, submit_key_field
from safeguard.incidents.models import MAX_TEXT_LENGTH, Category, LinkRole, RecordKind
from safeguard.incidents.selectors import alertable_staff, leads_of
from safeguard.incidents.services.bodymap import parse_marks
from safeguard.incidents.services.recording import Link, restricted_recipient_problem
from safeguard.incidents.services.submitting import CLOCK_SKEW
from safeguard.lib.dates import display_date, display_time
from safeguard.lib.forms import model_choice_field, posted_values
from safeguard.lib.text import single_line_problem, text_problem
from safeguard.pupils.models import Pupil

LOCATION_MAX = 200
QUERY_MAX = 100
# Decoding replaces bytes that aren't UTF-8 with U+FFFD; in a record it means damaged text.
REPLACEMENT_CHARACTER = "\ufffd"
NULL_MESSAGE = (
    "This contains a null character, which usually means it was pasted from a damaged file. "
    "Please retype that part."
)
SPOKE_TO_DSL_CHOICES = [("no", "No"), ("yes", "Yes")]


def as_form_data(data: Mapping[str, Any]) -> MultiValueDict[str, str]:
    """A draft's stored fields ({name: [values]}) as the data a bound form expects."""
    return MultiValueDict(
        {
            str(key): [str(v) for v in (value if isinstance(value, list) else [value])]
            for key, value in data.items()
        }
    )


class StaffChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class PupilChoiceField(forms.ModelChoiceField[Pupil]):
    def label_from_instance(self, obj: Pupil) -> str:
        return obj.display_name


@dataclass(frozen=True)
class LinkRow:
    """A linked pupil as posted, for showing the form again."""

    pupil: Pupil
    role: str


class IncidentForm(forms.Form):
    submit_key = submit_key_field(expired="This form has expired: start a new incident.")
    pupil = PupilChoiceField(
        queryset=Pupil.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the pupil this incident is about: type part of their name.",
            "invalid_choice": "Choose the pupil from the list.",
        },
    )
    pupil_query = forms.CharField(label="Pupil", required=False, max_length=QUERY_MAX)
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=RecordKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say what you are recording.",
            "invalid_choice": "Say what you are recording: choose one of the options.",
        },
    )
    text = forms.CharField(
        label="What happened",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={
            "required": "Write what happened: this can't be empty.",
            "null_characters_not_allowed": NULL_MESSAGE,
        },
    )
    occurred_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date it happened.",
            "invalid": "Enter a real date, for example 14/03/2025.",
        },
    )
    occurred_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time it happened (roughly is fine).",
            "invalid": "Enter a real time, for example 12:45.",
        },
    )
    location = forms.CharField(
        label="Where it happened",
        required=False,
        max_length=LOCATION_MAX,
        help_text="Optional. For example: playground, Year 3 classroom, phone call.",
        error_messages={
            "max_length": "Keep this to %(limit_value)d characters (it has %(show_value)d).",
            "null_characters_not_allowed": NULL_MESSAGE,
        },
    )
    spoke_to_dsl = forms.ChoiceField(
        label="Have you spoken to a DSL?",
        choices=SPOKE_TO_DSL_CHOICES,
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": "Say whether you have spoken to a DSL."},
    )
    dsl_spoken_to = StaffChoiceField(
        label="Which DSL?",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Choose…",
        error_messages={"invalid_choice": "Choose the DSL from the list."},
    )
    categories = chosen_by_id(
        Category.objects.none(),
        required=True,
        widget=forms.CheckboxSelectMultiple,
        not_in_list="Choose categories from the list.",
        error_messages={
            "required": "Choose at least one category. If unsure, choose the nearest one."
        },
    )
    groups = chosen_by_id(
        StaffGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        not_in_list="Choose groups from the list.",
    )
    people = chosen_by_id(
        Membership.objects.none(),
        widget=forms.MultipleHiddenInput,
        not_in_list="Choose people from the list.",
    )
    people_query = forms.CharField(label="Alert someone by name", required=False, max_length=100)
    # Linked pupils arrive as link_pupil=<id> with link_role_<id>=<role>; see clean_links.
    links = forms.CharField(required=False, widget=forms.HiddenInput)
    link_query = forms.CharField(label="Linked pupils", required=False, max_length=QUERY_MAX)
    # Body-map marks arrive as numbered rows, mark-N-<field>; clean() reads them
    # (bodymap.parse_marks) and puts their problems here, after every other field's.
    marks = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.membership = membership
        school = membership.school
        self.is_lead = is_lead(membership)
        self.pupils_accepted = Pupil.objects.for_school(school)
        model_choice_field(self, "pupil").queryset = self.pupils_accepted
        model_choice_field(self, "dsl_spoken_to").queryset = leads_of(school.pk)
        model_choice_field(self, "categories").queryset = Category.objects.for_school(
            school
        ).filter(is_retired=False)
        model_choice_field(self, "groups").queryset = groups_of(school)
        self.people_accepted = alertable_staff(membership)
        model_choice_field(self, "people").queryset = self.people_accepted
        self.link_rows: list[LinkRow] = []

    def chosen_pupil(self) -> Pupil | None:
        """The pupil chosen so far, valid or not yet checked, to show the form again."""
        if not self.is_bound:
            return None
        pupil = self.cleaned_data.get("pupil") if hasattr(self, "cleaned_data") else None
        if pupil is not None:
            return pupil
        pk = parse_id(self.data.get("pupil", ""))
        return None if pk is None else self.pupils_accepted.filter(pk=pk).first()

    def chosen_people(self) -> list[Membership]:
        """The people posted by id, in order, for the rows under the type-ahead."""
        if not self.is_bound:
            return []
        posted = posted_values(self.data, "people")
        ids = [pk for pk in (parse_id(v) for v in posted) if pk is not None]
        people = self.people_accepted.in_bulk(ids) if ids else {}
        return [people[pk] for pk in dict.fromkeys(ids) if pk in people]

    @classmethod
    def initial_for(cls, now: datetime.datetime | None = None) -> dict[str, Any]:
        """A fresh form: a new submit key, and "now" as when it happened."""
        now = timezone.localtime(now)
        return {
            "submit_key": uuid.uuid4(),
            "occurred_on": now.date(),
            "occurred_time": now.time().replace(second=0, microsecond=0),
            "spoke_to_dsl": "no",
        }

    # Fields --------------------------------------------------------------------------

    def clean_pupil(self) -> Pupil:
        pupil: Pupil = self.cleaned_data["pupil"]
        if pupil.is_archived and not self.is_lead:
            raise forms.ValidationError(
                "This pupil is archived. Speak to your DSL if the incident is about them."
            )
        return pupil

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        problem = text_problem(text, max_length=MAX_TEXT_LENGTH)
        if problem is None and REPLACEMENT_CHARACTER in text:
            problem = (
                "The text contains characters that couldn't be read (shown as �). "
                "Please retype the part you pasted."
            )
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean_location(self) -> str:
        location = self.cleaned_data["location"].strip()
        problem = single_line_problem(location, max_length=LOCATION_MAX, noun="Places")
        if problem is None and REPLACEMENT_CHARACTER in location:
            problem = "This contains characters that couldn't be read: please retype it."
        if problem:
            raise forms.ValidationError(problem)
        return location

    def clean_categories(self) -> list[Category]:
        categories = list(self.cleaned_data["categories"])
        if Capability.ALLOCATE_RESTRICTED_CATEGORIES not in self.membership.capabilities:
            for category in categories:
                if category.is_restricted:
                    raise forms.ValidationError(
                        f"Only a DSL can allocate “{category.name}”. Choose another category; "
                        "the DSL will add it if it applies."
                    )
        return categories

    def clean_links(self) -> list[Link]:
        """Other children the incident concerns, each once and never the main pupil."""
        posted = [v for v in posted_values(self.data, "link_pupil") if v != ""]
        parsed = [parse_id(v) for v in posted]
        ids = [pk for pk in parsed if pk is not None]
        if len(ids) != len(parsed):
            raise forms.ValidationError("Choose linked pupils from the list.")
        found = Pupil.objects.for_school(self.membership.school).in_bulk(ids)
        links: list[Link] = []
        problems: list[str] = []
        for pk in dict.fromkeys(ids):
            pupil = found.get(pk)
            if pupil is None:
                problems.append("Choose linked pupils from the list.")
                continue
            role = self.data.get(f"link_role_{pk}", LinkRole.INVOLVED)
            self.link_rows.append(LinkRow(pupil=pupil, role=role))
            if pupil.is_archived and not self.is_lead:
                problems.append(f"{pupil.first_name} is archived: only a DSL can link them.")
            if role not in LinkRole.values:
                problems.append(f"Choose how {pupil.first_name} is involved.")
            links.append(Link(pupil=pupil, role=role))
        if problems:
            raise forms.ValidationError(list(dict.fromkeys(problems)))
        return links

    # The whole form ------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, which this adds to
        data = self.cleaned_data
        on, at = data.get("occurred_on"), data.get("occurred_time")
        if on is not None and at is not None:
            occurred = timezone.make_aware(datetime.datetime.combine(on, at))
            now = timezone.now()
            if occurred > now + CLOCK_SKEW:
                self.add_error(
                    "occurred_on",
                    "The time it happened can't be in the future: it is now "
                    f"{display_time(now)} on {display_date(timezone.localdate(now))}.",
                )
            else:
                data["occurred_at"] = occurred
                pupil = data.get("pupil")
                if pupil is not None and on < pupil.date_of_birth:
                    self.add_error("occurred_on", "This date is before the pupil was born.")
        pupil = data.get("pupil")
        links = data.get("links") or []
        if pupil is not None and any(link.pupil.pk == pupil.pk for link in links):
            self.add_error("links", "The main pupil can't also be a linked pupil.")
        answered_yes = data.get("spoke_to_dsl") == "yes"
        if (
            answered_yes
            and data.get("dsl_spoken_to") is None
            and "dsl_spoken_to" not in self.errors
        ):
            self.add_error("dsl_spoken_to", "Choose which DSL you spoke to.")
        if any(category.is_restricted for category in data.get("categories") or []):
            for person in data.get("people") or []:
                if not may_be_alerted(person, leads_only=True):
                    self.add_error("people", restricted_recipient_problem(person))
        if data.get("spoke_to_dsl") == "no" and data.get("dsl_spoken_to") is not None:
            self.add_error(
                "dsl_spoken_to",
                "You chose a DSL but answered No: answer Yes, or set this back to “Choose…”.",
            )
        marks, mark_problems = parse_marks(self.data)
        if mark_problems:
            self.add_error("marks", mark_problems)
        else:
            data["marks"] = marks
        return data

    @property
    def service_arguments(self) -> dict[str, Any]:
        """What `recording.submit_incident` takes, from a valid form: its choices, the
        body-map marks and the files chosen."""
        data = self.cleaned_data
        lead: Membership | None = data.get("dsl_spoken_to")
        dsl_user: User | None = lead.user if lead is not None else None
        return {
            "submit_key": data["submit_key"],
            "pupil": data["pupil"],
            "kind": data["kind"],
            "text": data["text"],
            "occurred_at": data["occurred_at"],
            "categories": data["categories"],
            "location": data["location"],
            "spoke_to_dsl": data["spoke_to_dsl"] == "yes",
            "dsl_spoken_to": dsl_user,
            "links": data["links"],
            "groups": list(data["groups"]),
            "people": list(data["people"]),
            "marks": data["marks"],
            "files": self.files.getlist("files"),
        }
