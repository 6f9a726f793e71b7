"""Operation Encompass pages, for the school's key adults (its leads): the notifications,
one notification (each showing audited against every child it names, so each child's
access log lists it), recording one, and acknowledging it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.encompass import services
from safeguard.casework.encompass.forms import FIELD_OF, POLICE_FORCES, NotificationForm
from safeguard.casework.encompass.models import EncompassNotification
from safeguard.casework.encompass.selectors import (
    NEWEST_FIRST,
    notifications_for,
    with_details,
)
from safeguard.lib import keyset

PAGE_SIZE = 50


def _notification_for(request: SchoolRequest, notification_id: int) -> EncompassNotification:
    found = (
        with_details(notifications_for(request.membership), request.membership)
        .filter(pk=notification_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _edge(request: SchoolRequest, name: str) -> tuple[object, int] | None:
    raw = request.GET.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        return None
    return (
        EncompassNotification.objects.for_school(request.school)
        .filter(pk=int(raw))
        .values_list("received_at", "id")
        .first()
    )


@require_GET
@requires(Capability.HANDLE_ENCOMPASS)
def notification_list(request: SchoolRequest) -> HttpResponse:
    """The school's notifications, newest received first, a page at a time."""
    page = keyset.page_of(
        with_details(notifications_for(request.membership), request.membership),
        NEWEST_FIRST,
        size=PAGE_SIZE,
        after=_edge(request, "after"),
        before=_edge(request, "before"),
    )
    context = {"page": page, "pager": keyset.links(page, lambda row: str(row.pk))}
    return render(request, "casework/encompass/list.html", context)


@require_GET
@requires(Capability.HANDLE_ENCOMPASS)
def notification_detail(request: SchoolRequest, notification_id: int) -> HttpResponse:
    notification = _notification_for(request, notification_id)
    children = [child.pupil_id for child in notification.children.all()]
    for pupil_id in children:
        record(
            actor=request.user,
            action=AuditAction.ENCOMPASS_VIEWED,
            school=request.school,
            target=notification,
            detail={"pupil": pupil_id, "children": children},
        )
    return render(request, "casework/encompass/detail.html", {"notification": notification})


@require_http_methods(["GET", "POST"])
@requires(Capability.HANDLE_ENCOMPASS)
def notification_add(request: SchoolRequest) -> HttpResponse:
    """Record a notification as the police give it; each problem is named by its field."""
    initial = {"key_adult": request.membership.pk, "acknowledge": True}
    form = NotificationForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification = services.record_notification(
                membership=request.membership, **form.service_arguments()
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(FIELD_OF.get(field, field), problem)
        else:
            messages.success(request, "Operation Encompass notification recorded.")
            return redirect("casework:encompass-detail", notification_id=notification.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "forces": POLICE_FORCES}
    return render(request, "casework/encompass/form.html", context, status=status)


@require_POST
@requires(Capability.HANDLE_ENCOMPASS)
def notification_acknowledge(request: SchoolRequest, notification_id: int) -> HttpResponse:
    notification = _notification_for(request, notification_id)
    if services.acknowledge(membership=request.membership, notification=notification):
        messages.success(request, "Acknowledged: it no longer heads the leads' dashboards.")
    else:
        messages.info(request, "You had already acknowledged it.")
    return redirect("casework:encompass-detail", notification_id=notification.pk)
