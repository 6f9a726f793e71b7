"""Forms for the DSL's staff, group and school screens, and for accepting an invitation.

Forms check what a person typed and say what is wrong next to the field. Rules that must
hold whatever the screen (last DSL, SLT group, domains) are enforced again in services.
"""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator

from safeguard.accounts import selectors
from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import ALREADY_ON_STAFF, SLT_RENAME, email_domain_error
from safeguard.lib.forms import model_choice_field
from safeguard.lib.text import direction_control_problem, single_line_problem

DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$"
)


class PlainLabelsMixin:
    """Labels without Django's trailing colon, which screen readers read out."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def required(message: str) -> dict[str, str]:
    return {"required": message}


def single_line(value: str) -> None:
    """Names reach pages and email headers: one line, no control or direction-override
    characters (a line break in a name could otherwise start a new email header)."""
    problem = single_line_problem(value, max_length=len(value))
    if problem:
        raise forms.ValidationError(problem)


def no_direction_controls(value: str) -> None:
    """Descriptions are shown beside names: they must read in the order they were typed."""
    problem = direction_control_problem(value, noun="Descriptions")
    if problem:
        raise forms.ValidationError(problem)


class StaffFilterForm(PlainLabelsMixin, forms.Form):
    role = forms.ChoiceField(
        choices=[("", "All roles"), *Role.choices], required=False, label="Role"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *selectors.STATUS_CHOICES], required=False, label="Status"
    )


class InviteStaffForm(PlainLabelsMixin, forms.Form):
    first_name = forms.CharField(
        max_length=100,
        label="First name",
        validators=[single_line],
        error_messages=required("Enter their first name."),
    )
    last_name = forms.CharField(
        max_length=100,
        label="Last name",
        validators=[single_line],
        error_messages=required("Enter their last name."),
    )
    email = forms.EmailField(
        max_length=254,
        label="School email address",
        error_messages={
            **required("Enter their school email address."),
            "invalid": "Enter an email address like name@school.sch.uk.",
        },
        help_text="The invitation goes here. It becomes their username.",
    )
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices],
        label="Role",
        error_messages=required("Choose their role."),
    )
    job_title = forms.CharField(
        max_length=100,
        required=False,
        label="Job title (optional)",
        validators=[single_line],
        help_text="For example Year 6 teacher or SENCO.",
    )

    def __init__(self, *args: object, school: School, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if school.allowed_email_domains:
            endings = ", ".join(f"@{d}" for d in school.allowed_email_domains)
            self.fields[
                "email"
            ].help_text = (
                f"An address ending {endings}. The invitation goes here; it becomes their username."
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        domain_error = email_domain_error(self.school, email)
        if domain_error:
            raise forms.ValidationError(domain_error)
        if Membership.objects.for_school(self.school).filter(user__email__iexact=email).exists():
            raise forms.ValidationError(ALREADY_ON_STAFF)
        return email


class StaffDetailsForm(PlainLabelsMixin, forms.Form):
    first_name = forms.CharField(
        max_length=100,
        label="First name",
        validators=[single_line],
        error_messages=required("Enter their first name."),
    )
    last_name = forms.CharField(
        max_length=100,
        label="Last name",
        validators=[single_line],
        error_messages=required("Enter their last name."),
    )
    job_title = forms.CharField(
        max_length=100, required=False, label="Job title (optional)", validators=[single_line]
    )

    @classmethod
    def for_membership(cls, membership: Membership) -> "StaffDetailsForm":
        return cls(
            initial={
                "first_name": membership.display_first_name,
                "last_name": membership.display_last_name,
                "job_title": membership.job_title,
            }
        )

    def lock_name(self) -> None:
        """Show the name read-only: it is the person's own to change (services.NAME_IS_THEIRS)."""
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["readonly"] = True
            self.fields[
                name
            ].help_text = (
                "Only the person themself can change their name, on their Your details page."
            )


class OwnDetailsForm(PlainLabelsMixin, forms.Form):
    """ "Your details": the person's own name. Their email address has its own page."""

    first_name = forms.CharField(
        max_length=100,
        label="First name",
        validators=[single_line],
        error_messages={
            **required("Enter your first name."),
            "max_length": "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    last_name = forms.CharField(
        max_length=100,
        label="Last name",
        validators=[single_line],
        error_messages={
            **required("Enter your last name."),
            "max_length": "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"


class ChangeRoleForm(PlainLabelsMixin, forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        label="Role",
        help_text="What they can see and do changes at their next click.",
        error_messages={
            **required("Choose a role."),
            "invalid_choice": "Choose one of the roles in the list.",
        },
    )


class StaffGroupForm(PlainLabelsMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        validators=[single_line],
        help_text="For example SEND team.",
        error_messages=required("Give the group a name."),
    )
    description = forms.CharField(
        max_length=300,
        required=False,
        label="Description (optional)",
        validators=[no_direction_controls],
        help_text="Who is in it and when to alert them.",
    )

    def __init__(
        self, *args: object, school: School, group: StaffGroup | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.group = group
        if group is not None and group.is_slt:
            self.fields["name"].help_text = "The SLT group is built in and can't be renamed."

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.group is not None and self.group.is_slt and name != self.group.name:
            raise forms.ValidationError(SLT_RENAME)
        clash = StaffGroup.objects.for_school(self.school).filter(name__iexact=name)
        if self.group is not None:
            clash = clash.exclude(pk=self.group.pk)
        if clash.exists():
            raise forms.ValidationError("Your school already has a group with this name.")
        return name


class StaffChoiceField(forms.ModelMultipleChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        title = f", {obj.job_title}" if obj.job_title else ""
        return f"{obj.display_name or obj.user.email} ({obj.get_role_display()}{title})"


class GroupMembersForm(PlainLabelsMixin, forms.Form):
    members = StaffChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members",
        error_messages={
            "invalid_choice": "Choose active staff of your own school only.",
            "invalid_pk_value": "Choose active staff of your own school only.",
        },
    )

    def __init__(self, *args: object, school: School, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only this school's active staff can be chosen: another school's id is not valid.
        model_choice_field(self, "members").queryset = selectors.active_staff_of(school)


class SchoolSettingsForm(PlainLabelsMixin, forms.ModelForm[School]):
    urn = forms.CharField(
        label="URN",
        required=False,
        max_length=8,
        validators=[
            RegexValidator(r"^\d{6,7}$", "Enter the URN as 6 or 7 digits, for example 123456.")
        ],
        help_text="The school's unique reference number (6 or 7 digits), if it has one.",
    )

    class Meta:
        model = School
        fields = ["name", "urn", "email_domains", "idle_timeout_minutes", "mfa_required_for_all"]
        labels = {
            "name": "School name",
            "email_domains": "Staff email domains",
            "idle_timeout_minutes": "Sign out after this many idle minutes",
        }
        error_messages = {
            "name": required("Enter the school's name."),
            "idle_timeout_minutes": {
                **required("Enter a number of minutes from 5 to 240."),
                "invalid": "Enter a whole number of minutes from 5 to 240.",
                "min_value": "Enter at least 5 minutes.",
                "max_value": "Enter at most 240 minutes.",
            },
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        single_line(name)
        return name

    def clean_urn(self) -> str:
        return self.cleaned_data["urn"].strip()

    def clean_email_domains(self) -> str:
        raw = self.cleaned_data["email_domains"]
        domains: list[str] = []
        for item in re.split(r"[,\s]+", raw):
            domain = item.strip().lower().lstrip("@")
            if not domain:
                continue
            if not DOMAIN_RE.match(domain):
                raise forms.ValidationError(
                    f"“{item.strip()}” doesn't look like an email domain. "
                    "Enter domains like larkspur.sch.uk, separated by commas."
                )
            if domain not in domains:
                domains.append(domain)
        return ", ".join(domains)


class SetPasswordForm(PlainLabelsMixin, forms.Form):
    password1 = forms.CharField(
        label="New password",
        strip=False,
        error_messages=required("Choose a password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirm new password",
        strip=False,
        error_messages=required("Type your new password again."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords don't match. Type the same one twice.")
        return cleaned
