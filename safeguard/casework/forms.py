"""The review form (one form, one submit) and the form for a decision option's name."""

from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict

from safeguard.accounts.models import Membership, School
from safeguard.casework.models import (
    DISCUSSED_WITH_MAX,
    MAX_TEXT,
    SUMMARY_MAX,
    DecisionOption,
    ReplyKind,
    RiskLevel,
)
from safeguard.casework.selectors import TriageState, decision_options_offered
from safeguard.incidents.models import Category, Incident, ReviewStatus
from safeguard.incidents.selectors import categories_of
from safeguard.lib.forms import choice_field, model_choice_field
from safeguard.lib.text import single_line_problem

NAME_MAX = 100
AUTO_ID = "review_%s"
# Where the form returns after a review: the next incident in the queue, or the incident.
RETURN_TO = (("queue", "The review queue"), ("incident", "The incident"))
NO_RISK = "none"  # what the form showed before any review gave a risk level


def _text(label: str, help_text: str = "", *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT}),
        error_messages={"max_length": f"Keep this to {MAX_TEXT:,} characters."},
    )


class ReviewForm(forms.Form):
    """Everything a lead decides about an incident, in the order they think it through.

    The choices are the current school's only (decisions, categories), so another
    school's id is "Select a valid choice". The rules between fields (a reason when the
    risk changes, a rationale with a decision...) are the service's, which reports each
    problem under its field.
    """

    mark_reviewed = forms.BooleanField(
        label="Mark as reviewed",
        required=False,
        initial=True,
        help_text="Takes it out of the review queue. Untick to add this review and come back.",
    )
    risk_level = forms.ChoiceField(
        label="Risk level",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a risk level: low, medium or high."},
    )
    risk_reason = _text("Why the risk level changes", "Needed when it changes.", rows=2)
    decision = forms.ModelChoiceField(
        label="Decision",
        queryset=DecisionOption.objects.none(),
        required=False,
        empty_label="No decision in this review",
    )
    rationale = _text(
        "Rationale",
        "Why you decided this, including a decision not to refer. Needed with any decision.",
    )
    discussed_with = forms.CharField(
        label="Discussed with",
        required=False,
        max_length=DISCUSSED_WITH_MAX,
        help_text="Optional: who you talked it through with (for example the head, the MASH).",
        error_messages={"max_length": f"Keep this to {DISCUSSED_WITH_MAX} characters."},
    )
    status = forms.ChoiceField(label="Status", required=False)
    status_reason = _text(
        "Why the status changes", "Leave blank to use the decision's rationale.", rows=2
    )
    categories = forms.ModelMultipleChoiceField(
        label="Categories",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Restricted ones (shown to the leads only) included.",
    )
    categories_reason = _text(
        "Why the categories change", "Leave blank to use the decision's rationale.", rows=2
    )
    is_significant = forms.BooleanField(
        label="Significant event for the pupil's chronology", required=False
    )
    significance_summary = forms.CharField(
        label="One-line summary",
        required=False,
        max_length=SUMMARY_MAX,
        help_text="Needed for a significant event: what happened and its impact, in a line.",
        error_messages={"max_length": f"Keep this to {SUMMARY_MAX} characters."},
    )
    reply_kind = forms.ChoiceField(
        label="Reply to the author",
        required=False,
        choices=[("", "No reply"), *ReplyKind.choices],
        widget=forms.RadioSelect,
    )
    reply_message = _text(
        "Message to the author",
        "The author sees this and who sent it, nothing else of your review. Don't name "
        "restricted categories, your decision or the risk.",
        rows=2,
    )
    return_to = forms.ChoiceField(choices=RETURN_TO, initial="queue", widget=forms.HiddenInput)
    # What the form showed, so that what the lead left as it was changes nothing even if
    # another lead has changed it since (`services.triage`).
    categories_shown = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    status_shown = forms.ChoiceField(
        choices=ReviewStatus.choices, required=False, widget=forms.HiddenInput
    )
    risk_shown = forms.ChoiceField(
        choices=[(NO_RISK, "None yet"), *RiskLevel.choices],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        incident: Incident,
        current_categories: list[Category],
        state: TriageState,
        return_to: str = "queue",
        **kwargs: Any,
    ) -> None:
        review = incident.review
        kwargs.setdefault(
            "initial",
            {
                "risk_level": state.risk_level or None,
                "is_significant": state.is_significant,
                "significance_summary": state.significance_summary,
                "categories": current_categories,
                "categories_shown": current_categories,
                "status_shown": review.status,
                "risk_shown": state.risk_level or NO_RISK,
                "mark_reviewed": True,
                "return_to": return_to,
            },
        )
        kwargs.setdefault("label_suffix", "")
        # Its own ids: on the incident page it sits beside the corrections' status form.
        kwargs.setdefault("auto_id", AUTO_ID)
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.risk_now = state.risk_level
        model_choice_field(self, "decision").queryset = decision_options_offered(
            membership.school_id
        )
        self.current_ids = [category.pk for category in current_categories]
        model_choice_field(self, "categories").queryset = categories_of(membership.school).filter(
            Q(is_retired=False) | Q(pk__in=self.current_ids)
        )
        model_choice_field(self, "categories_shown").queryset = categories_of(membership.school)
        keep = (
            "Leave as it is: awaiting review, or open once marked reviewed"
            if review.status == ReviewStatus.NEW
            else f"Leave as it is ({review.get_status_display().lower()})"
        )
        choice_field(self, "status").choices = [
            ("", keep),
            *((s.value, s.label) for s in ReviewStatus if s != ReviewStatus.NEW),
        ]
        if state.risk_level:
            self.fields[
                "risk_reason"
            ].help_text = f"Needed if it changes from {state.risk_label.lower()}."
        for name, field in self.fields.items():
            if field.help_text and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = f"{AUTO_ID % name}_helptext"

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as `services.triage.review_incident` takes it."""
        data = dict(self.cleaned_data)
        data.pop("return_to")
        data["categories"] = list(data["categories"])
        # None: a form that did not say what it showed (a crafted one) is compared with now.
        data["categories_shown"] = list(data["categories_shown"]) or None
        risk_shown = data.pop("risk_shown")
        data["risk_shown"] = "" if risk_shown == NO_RISK else (risk_shown or None)
        return data

    def show_current(self) -> None:
        """After a refusal, before the form is shown again: what it says it shows becomes
        the incident as it is now, and a choice the lead had left as it was follows it, so
        that submitting again changes what they changed, and only that."""
        if not isinstance(self.data, QueryDict):
            return
        data = self.data.copy()
        now = [str(pk) for pk in self.current_ids]
        if set(data.getlist("categories")) == set(data.getlist("categories_shown")):
            data.setlist("categories", now)
        data.setlist("categories_shown", now)
        data["status_shown"] = self.incident.review.status
        data["risk_shown"] = self.risk_now or NO_RISK
        self.data = data


class DecisionOptionForm(forms.Form):
    """A decision option's name; the school comes from the request, never the form."""

    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the decision.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer.",
        },
    )

    def __init__(
        self, *args: Any, school: School, option: DecisionOption | None = None, **kwargs: Any
    ) -> None:
        if option is not None:
            kwargs.setdefault("initial", {"name": option.name})
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.school = school
        self.option = option

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        problem = single_line_problem(name, max_length=NAME_MAX)
        if problem:
            raise forms.ValidationError(problem)
        clash = DecisionOption.objects.for_school(self.school).filter(name__iexact=name)
        if self.option is not None:
            clash = clash.exclude(pk=self.option.pk)
        existing = clash.first()
        if existing is not None:
            retired = " (retired: you can bring it back instead)" if existing.is_retired else ""
            raise forms.ValidationError(
                f"This school already has a decision called “{existing.name}”{retired}."
            )
        return name


class LinkedCategoriesForm(forms.Form):
    """The categories allocated to one linked pupil on an incident: the whole set, ticked
    as it stands now (none clears it). The school's own categories only, restricted ones
    included (leads only, as this form is); a retired one only if allocated already."""

    categories = forms.ModelMultipleChoiceField(
        label="Categories for this pupil",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Restricted ones (shown to the leads only) included. Untick them all to clear.",
    )

    def __init__(self, *args: Any, school: School, current: list[Category], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"categories": current})
        super().__init__(*args, **kwargs)
        ids = [category.pk for category in current]
        model_choice_field(self, "categories").queryset = categories_of(school).filter(
            Q(is_retired=False) | Q(pk__in=ids)
        )
