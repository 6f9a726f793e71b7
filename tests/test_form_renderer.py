"""The Python renderer writes every common widget exactly as Django's own templates do."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from safeguard.accounts.models import Membership
from safeguard.lib.form_renderer import FastWidgets

AWKWARD = 'O\'Brien & <Sons> "quoted"'
CHOICES = [
    ("", "Anyone"),
    ("a&b", AWKWARD),
    ("Year 7", [("7a", "7A <north>"), ("7b", "7B")]),
    (3, "Three"),
]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": AWKWARD, "class": "x"}))
    email = forms.EmailField()
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "step": 1}))
    date = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    checkbox = forms.BooleanField(required=False)
    select = forms.ChoiceField(choices=CHOICES, required=False)
    multiple = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radios = forms.ChoiceField(
        choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "choices"}), required=False
    )
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    toggled = forms.CharField(
        widget=forms.TextInput(
            attrs={"disabled": True, "readonly": False, "data-x": mark_safe("<b>")}
        )
    )


def rendered(form: forms.Form) -> dict[str, str]:
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": AWKWARD,
            "email": "a@b.example",
            "number": "4",
            "date": "2026-09-01",
            "hidden": "<script>",
            "password": "pw&",
            "checkbox": "on",
            "select": "7a",
            "multiple": ["a&b", "3"],
            "radios": "a&b",
            "boxes": ["7b", "3"],
        },
    ],
    ids=["empty", "filled"],
)
def test_every_common_widget_renders_exactly_as_django_does(data):
    initial = {"date": datetime.date(2026, 1, 2), "select": 3}
    django_form = EveryWidget(data, initial=initial, renderer=DjangoTemplates())
    fast_form = EveryWidget(data, initial=initial, renderer=FastWidgets())
    django_html, fast_html = rendered(django_form), rendered(fast_form)
    for name in EveryWidget.base_fields:
        assert fast_html[name] == django_html[name], name
    # And the values really are escaped, not just equal.
    assert "&lt;Sons&gt;" in fast_html["select"] and "<Sons>" not in fast_html["select"]


@pytest.mark.django_db
def test_a_select_of_model_choices_renders_exactly_as_django_does(school, dsl, teacher):
    class People(forms.Form):
        person = forms.ModelChoiceField(
            queryset=Membership.objects.for_school(school).select_related("user"),
            empty_label="Anyone",
        )

    django_html = str(People(renderer=DjangoTemplates())["person"])
    fast_html = str(People(renderer=FastWidgets())["person"])
    assert fast_html == django_html
    assert fast_html.count("<option") == 3


def test_the_site_renders_forms_with_the_fast_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgets)
