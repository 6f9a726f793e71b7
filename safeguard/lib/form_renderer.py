"""Django's form renderer, with the few widget templates every form uses written out in Python.

A select of 150 staff renders Django's option template 150 times, each a template include
with its own context: on the leads' incident list and the audit trail that was a third of
the page's time. These functions write exactly what Django's own templates
(`django/forms/widgets/select.html`, `select_option.html`, `attrs.html`, `input.html`,
`multiple_input.html`, `input_option.html` and those that only include one of them) write,
character for character, escaping every value the same way;
`tests/test_form_renderer.py` compares both on every kind of widget. Any
other template (a widget with a template of its own) is rendered by Django as before.
"""

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

Widget = Mapping[str, Any]

SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
INPUT = "django/forms/widgets/input.html"
MULTIPLE_INPUT = "django/forms/widgets/multiple_input.html"
INPUT_OPTION = "django/forms/widgets/input_option.html"
# Widgets whose template only includes one of the above.
SAME_AS = {
    "django/forms/widgets/text.html": INPUT,
    "django/forms/widgets/email.html": INPUT,
    "django/forms/widgets/number.html": INPUT,
    "django/forms/widgets/date.html": INPUT,
    "django/forms/widgets/hidden.html": INPUT,
    "django/forms/widgets/password.html": INPUT,
    "django/forms/widgets/checkbox.html": INPUT,
    "django/forms/widgets/radio.html": MULTIPLE_INPUT,
    "django/forms/widgets/checkbox_select.html": MULTIPLE_INPUT,
    "django/forms/widgets/radio_option.html": INPUT_OPTION,
    "django/forms/widgets/checkbox_option.html": INPUT_OPTION,
}


def _text(value: Any) -> str:
    """`{{ value }}` with autoescaping on."""
    return str(conditional_escape(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"` for each, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_text(value if isinstance(value, str) else str(value))}"')
    return "".join(out)


def _input(widget: Widget) -> str:
    value = widget["value"]
    shown = f' value="{_text(value if isinstance(value, str) else str(value))}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown if value is not None else ''}{_attrs(widget['attrs'])}>\n"
    )


class FastWidgets(DjangoTemplates):
    """The default renderer, with the common widget templates done in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if "widget" in context:
            written = self._write(template_name, context["widget"])
            if written is not None:
                return written.strip()  # as Django's renderer strips a template's output
        return super().render(template_name, context, request)

    def _write(self, template_name: str, widget: Widget) -> str | None:
        """What the template writes (closing newline included), or None if not ours."""
        inner = SAME_AS.get(template_name)
        if inner is not None:  # `{% include inner %}` and the file's closing newline
            written = self._write(inner, widget)
            return None if written is None else written + "\n"
        if template_name == SELECT_OPTION:  # the commonest, once per option
            return self._select_option(widget)
        if template_name == SELECT:
            return self._select(widget)
        if template_name == INPUT:
            return _input(widget)
        if template_name == MULTIPLE_INPUT:
            return self._multiple_input(widget)
        if template_name == INPUT_OPTION:
            return self._input_option(widget)
        return None

    def _option(self, option: Widget) -> str:
        """`{% include option.template_name with widget=option %}` (not stripped)."""
        written = self._write(option["template_name"], option)
        if written is not None:
            return written
        return self.get_template(option["template_name"]).render({"widget": option})

    def _select(self, widget: Widget) -> str:
        out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _ in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                out.append(f"\n  {self._option(option)}")
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>\n")
        return "".join(out)

    def _select_option(self, widget: Widget) -> str:
        value = widget["value"]
        return (
            f'<option value="{_text(value if isinstance(value, str) else str(value))}"'
            f"{_attrs(widget['attrs'])}>{_text(widget['label'])}</option>\n"
        )

    def _multiple_input(self, widget: Widget) -> str:
        attrs = widget["attrs"]
        element_id = attrs.get("id")
        css = attrs.get("class")
        out = [
            f"<div{f' id="{_text(element_id)}"' if element_id else ''}"
            f"{f' class="{_text(css)}"' if css else ''}>"
        ]
        for group, options, _ in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{_text(group)}</label>")
            for option in options:
                out.append(f"<div>\n    {self._option(option)}</div>")
            if group:
                out.append("\n  </div>")
        out.append("\n</div>\n")
        return "".join(out)

    def _input_option(self, widget: Widget) -> str:
        if not widget.get("wrap_label"):
            return _input(widget) + "\n"
        element_id = widget["attrs"].get("id")
        label_for = f' for="{_text(element_id)}"' if element_id else ""
        return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"
