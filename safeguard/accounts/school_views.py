"""The DSL's screens for running a school: staff, groups, school details.

Thin views: method check, capability, object through `access`, form, service, redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts import selectors, services
from safeguard.accounts.access import get_group_for, get_membership_for
from safeguard.accounts.forms import (
    ChangeRoleForm,
    GroupMembersForm,
    InviteStaffForm,
    SchoolSettingsForm,
    StaffDetailsForm,
    StaffFilterForm,
    StaffGroupForm,
)
from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Capability, has_capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.stepup import requires_recent_second_factor

INVITED = (
    "{name} has been added to {school} and emailed at {email}. Someone new to Safeguard "
    "gets a link to set their password, which works once and expires in 3 days; someone "
    "who already uses it at another school is told they were added."
)


def _apply_service_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


# Staff ---------------------------------------------------------------------------------


@require_GET
@requires(Capability.MANAGE_STAFF)
def staff_list(request: SchoolRequest) -> HttpResponse:
    filters = StaffFilterForm(request.GET or None)
    role = status = ""
    if filters.is_valid():
        role, status = filters.cleaned_data["role"], filters.cleaned_data["status"]
    staff = selectors.staff_of(request.school, role=role, status=status)
    return render(
        request,
        "accounts/staff_list.html",
        {"filters": filters, "staff": staff, "is_filtered": bool(role or status)},
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_STAFF)
def staff_invite(request: SchoolRequest) -> HttpResponse:
    form = InviteStaffForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invite_staff(
                school=request.school, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            # The same words whether or not they already had an account elsewhere, built
            # only from what was typed here.
            messages.success(
                request,
                INVITED.format(
                    name=membership.display_name,
                    email=membership.user.email,
                    school=request.school.name,
                ),
            )
            return redirect("school:staff-detail", membership_id=membership.pk)
    return render(request, "accounts/staff_invite.html", {"form": form})


def _render_staff_detail(
    request: SchoolRequest,
    membership: Membership,
    *,
    details_form: StaffDetailsForm | None = None,
    role_form: ChangeRoleForm | None = None,
) -> HttpResponse:
    works_elsewhere = selectors.works_elsewhere(membership)
    details_form = details_form or StaffDetailsForm.for_membership(membership)
    if works_elsewhere:
        details_form.lock_name()
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "member": membership,
            "status": selectors.staff_status(membership),
            "details_form": details_form,
            "works_elsewhere": works_elsewhere,
            "role_form": role_form or ChangeRoleForm(initial={"role": membership.role}),
            "can_change_roles": has_capability(request, Capability.CHANGE_ROLES),
            "is_self": membership.user_id == request.user.pk,
            "groups": membership.staff_groups.order_by("-is_slt", "name"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_STAFF)
def staff_detail(request: SchoolRequest, membership_id: int) -> HttpResponse:
    """See a member of staff and correct their name or job title."""
    membership = get_membership_for(request, membership_id)
    if request.method == "GET":
        return _render_staff_detail(request, membership)
    form = StaffDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.update_staff_details(
                membership=membership, updated_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, "Details saved.")
            return redirect("school:staff-detail", membership_id=membership.pk)
    return _render_staff_detail(request, membership, details_form=form)


@require_POST
@requires(Capability.CHANGE_ROLES)
@requires_recent_second_factor
def staff_change_role(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    form = ChangeRoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(
                membership=membership, changed_by=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.display_name} is now {membership.get_role_display()}.",
            )
            if membership.user_id == request.user.pk:
                # Your own new role may no longer allow this page.
                return redirect("dashboard")
            return redirect("school:staff-detail", membership_id=membership.pk)
    return _render_staff_detail(request, membership, role_form=form)


@require_POST
@requires(Capability.MANAGE_STAFF)
def staff_resend_invitation(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    try:
        services.resend_invitation(membership=membership, resent_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"A new invitation has been sent to {membership.user.email}. "
            "It works once and expires in 3 days.",
        )
    return redirect("school:staff-detail", membership_id=membership.pk)


@require_POST
@requires(Capability.MANAGE_STAFF)
def staff_deactivate(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    try:
        services.deactivate_staff(membership=membership, deactivated_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Someone who still works at another school keeps their sessions there.
        ended = "" if membership.user.is_active else " Any open session of theirs has ended."
        messages.success(
            request,
            f"{membership.display_name} is deactivated. They can no longer use Safeguard "
            f"for {request.school.name}.{ended}",
        )
    return redirect("school:staff-detail", membership_id=membership.pk)


@require_POST
@requires(Capability.MANAGE_STAFF)
def staff_reactivate(request: SchoolRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for(request, membership_id)
    services.reactivate_staff(membership=membership, reactivated_by=request.user)
    messages.success(request, f"{membership.display_name} is active again.")
    return redirect("school:staff-detail", membership_id=membership.pk)


# Groups --------------------------------------------------------------------------------


@require_GET
@requires(Capability.MANAGE_GROUPS)
def group_list(request: SchoolRequest) -> HttpResponse:
    return render(
        request, "accounts/group_list.html", {"groups": selectors.groups_of(request.school)}
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_GROUPS)
def group_create(request: SchoolRequest) -> HttpResponse:
    form = StaffGroupForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(
                school=request.school, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, f"Group “{group.name}” created. Now choose its members.")
            return redirect("school:group-members", group_id=group.pk)
    return render(request, "accounts/group_form.html", {"form": form, "group": None})


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_GROUPS)
def group_update(request: SchoolRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request, group_id)
    initial = {"name": group.name, "description": group.description}
    form = StaffGroupForm(request.POST or None, initial=initial, school=request.school, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(group=group, updated_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, f"Group “{group.name}” saved.")
            return redirect("school:group-members", group_id=group.pk)
    return render(request, "accounts/group_form.html", {"form": form, "group": group})


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_GROUPS)
def group_members(request: SchoolRequest, group_id: int) -> HttpResponse:
    """Tick who is in the group. Deactivated members stay listed but are never alerted."""
    group = get_group_for(request, group_id)
    current = selectors.members_of(group)
    initial = {"members": [m.pk for m in current if m.is_active]}
    form = GroupMembersForm(request.POST or None, initial=initial, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_group_members(
                group=group, updated_by=request.user, members=form.cleaned_data["members"]
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, f"Members of “{group.name}” saved.")
            return redirect("school:group-list")
    return render(
        request,
        "accounts/group_members.html",
        {
            "group": group,
            "form": form,
            "deactivated_members": [m for m in current if not m.is_active],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_GROUPS)
def group_delete(request: SchoolRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request, group_id)
    if request.method == "POST":
        try:
            services.delete_group(group=group, deleted_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("school:group-list")
        messages.success(request, f"Group “{group.name}” deleted.")
        return redirect("school:group-list")
    if group.is_slt:
        messages.error(request, "The SLT group is built in and can't be deleted.")
        return redirect("school:group-list")
    return render(request, "accounts/group_delete.html", {"group": group})


# School details ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_SCHOOL)
def school_settings(request: SchoolRequest) -> HttpResponse:
    school = request.school
    # Bind to a copy, so a rejected form doesn't change the school shown in the header.
    form = SchoolSettingsForm(
        request.POST or None,
        instance=School(
            pk=school.pk,
            **{field: getattr(school, field) for field in services.SCHOOL_EDITABLE_FIELDS},
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_school(
                school=school,
                updated_by=request.user,
                changes={f: form.cleaned_data[f] for f in services.SCHOOL_EDITABLE_FIELDS},
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, "School details saved.")
            return redirect("school:school-settings")
    return render(request, "accounts/school_settings.html", {"form": form})
