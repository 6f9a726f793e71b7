"""The DSL's screens for the school's incident categories: list, add, edit, retire, order."""

from typing import Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.incidents.access import get_category_for
from safeguard.incidents.forms.categories import CategoryForm
from safeguard.incidents.models import DEFAULT_CATEGORIES, Category
from safeguard.incidents.selectors import categories_of, has_restricted_categories
from safeguard.incidents.services.categories import (
    add_category,
    move_category,
    set_category_retired,
    update_category,
)

DEFAULT_RESTRICTED_NAMES = frozenset(
    name.lower() for name, restricted, _ in DEFAULT_CATEGORIES if restricted
)


def _save_errors_to_form(form: CategoryForm, error: ValidationError) -> None:
    """A clash the form's own check missed (two DSLs at once) still lands next to the field."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@require_GET
@requires(Capability.MANAGE_CATEGORIES)
def category_list(request: SchoolRequest) -> HttpResponse:
    return render(
        request, "incidents/category_list.html", {"categories": list(categories_of(request.school))}
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_CATEGORIES)
def category_add(request: SchoolRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            category = add_category(actor=request.user, school=request.school, **form.cleaned_data)
        except ValidationError as error:
            _save_errors_to_form(form, error)
        else:
            messages.success(request, f"Category “{category.name}” added at the end of the list.")
            return redirect("incidents:category-list")
    return render(request, "incidents/category_form.html", {"form": form, "category": None})


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_CATEGORIES)
def category_edit(request: SchoolRequest, category_id: int) -> HttpResponse:
    category = get_category_for(request, category_id)
    was_restricted = category.is_restricted
    form = CategoryForm(request.POST or None, school=request.school, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_category(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            _save_errors_to_form(form, error)
        else:
            if not changed:
                messages.info(request, f"Nothing changed in “{category.name}”.")
            else:
                messages.success(request, f"Category “{category.name}” saved.")
            if was_restricted and not category.is_restricted:
                messages.warning(request, _unrestricted_warning(category))
            return redirect("incidents:category-list")
    return render(request, "incidents/category_form.html", {"form": form, "category": category})


def _unrestricted_warning(category: Category) -> str:
    text = (
        f"“{category.name}” is no longer restricted: any member of staff can now choose it "
        "when recording an incident."
    )
    if category.name.lower() in DEFAULT_RESTRICTED_NAMES:
        text += (
            " Child protection and child in need records are normally allocated by DSLs only; "
            "tick Restricted again if this was a mistake."
        )
    if not has_restricted_categories(category.school):
        text += " No category in your school is restricted now."
    return text


@require_POST
@requires(Capability.MANAGE_CATEGORIES)
def category_retire(request: SchoolRequest, category_id: int) -> HttpResponse:
    category = get_category_for(request, category_id)
    if set_category_retired(actor=request.user, category=category, is_retired=True):
        messages.success(
            request,
            f"“{category.name}” retired. It stays on old records but can't be chosen for new ones.",
        )
    else:
        messages.info(request, f"“{category.name}” was already retired.")
    return redirect("incidents:category-list")


@require_POST
@requires(Capability.MANAGE_CATEGORIES)
def category_reinstate(request: SchoolRequest, category_id: int) -> HttpResponse:
    category = get_category_for(request, category_id)
    if set_category_retired(actor=request.user, category=category, is_retired=False):
        messages.success(request, f"“{category.name}” is back in use and can be chosen again.")
    else:
        messages.info(request, f"“{category.name}” was already in use.")
    return redirect("incidents:category-list")


@require_POST
@requires(Capability.MANAGE_CATEGORIES)
def category_move_up(request: SchoolRequest, category_id: int) -> HttpResponse:
    return _move(request, category_id, "up")


@require_POST
@requires(Capability.MANAGE_CATEGORIES)
def category_move_down(request: SchoolRequest, category_id: int) -> HttpResponse:
    return _move(request, category_id, "down")


def _move(
    request: SchoolRequest, category_id: int, direction: Literal["up", "down"]
) -> HttpResponse:
    category = get_category_for(request, category_id)
    if move_category(actor=request.user, category=category, direction=direction):
        messages.success(request, f"Moved “{category.name}” {direction}.")
    else:
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"“{category.name}” is already {edge}.")
    # Back to the same row, so a keyboard user can keep moving it.
    return redirect(f"{reverse('incidents:category-list')}#category-{category.pk}")
