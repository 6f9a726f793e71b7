from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.permissions import Capability, requires


@require_GET
@requires(Capability.MANAGE_PUPILS)
def pupil_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html")
