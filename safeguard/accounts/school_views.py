"""The DSL's screens for running a school: staff, groups, school details."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires


@require_GET
@requires(Capability.MANAGE_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html")


@require_GET
@requires(Capability.MANAGE_GROUPS)
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html")


@require_GET
@requires(Capability.MANAGE_SCHOOL)
def school_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html")
