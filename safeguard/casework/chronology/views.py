"""A pupil's chronology: the page (filtered, a page at a time), its printed copy and its PDF,
and adding a key event. For the leads only; every showing, print and download is audited
as a view of the pupil's record, so the pupil's access log lists it."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.stepup import requires_recent_second_factor
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.chronology.entries import Entry, incidents_shown
from safeguard.casework.chronology.exports import filter_data, request_pdf
from safeguard.casework.chronology.forms import ChronologyFilterForm, KeyEventForm
from safeguard.casework.chronology.printing import printed_context
from safeguard.casework.chronology.selectors import Filters, chronology_page
from safeguard.casework.services.key_events import add_key_event, store_failed_message
from safeguard.incidents.services import attachments
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors
from safeguard.pupils.models import Pupil

PAGE_SIZE = 50


def _filters_of(request: SchoolRequest) -> ChronologyFilterForm:
    """The filter form, bound to what was posted (a GET shows the chronology unfiltered)."""
    data = request.POST if request.method == "POST" else None
    return ChronologyFilterForm(data, school=request.school)


def _audit(
    request: SchoolRequest,
    pupil: Pupil,
    action: AuditAction,
    filters: Filters | None,
    shown: Iterable[Entry] = (),
) -> None:
    """Audit a showing of the chronology against the pupil, naming every incident it
    showed (own and linked), so the access log of each child they concern lists it."""
    record(
        actor=request.user,
        action=action,
        school=request.school,
        target=pupil,
        detail={"filters": filters.audit_detail() if filters is not None else "refused"},
        shown=incidents_shown(shown),
    )


def _valid_filters(form: ChronologyFilterForm) -> Filters | None:
    if form.is_bound and not form.is_valid():
        return None
    return form.filters()


@require_http_methods(["GET", "POST"])
@requires(Capability.VIEW_CHRONOLOGY)
def chronology(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """The chronology, a page at a time; filters and the page's start come in the POST body."""
    pupil = get_pupil_for(request, pupil_id)
    form = _filters_of(request)
    filters = _valid_filters(form)
    page = None
    if filters is not None:
        page = chronology_page(
            membership=request.membership,
            pupil=pupil,
            filters=filters,
            size=PAGE_SIZE,
            after=form.cursor("after"),
            before=form.cursor("before"),
        )
    _audit(request, pupil, AuditAction.CHRONOLOGY_VIEWED, filters, page.rows if page else ())
    context = {"pupil": pupil, "form": form, "page": page, "filters": filters}
    return render(
        request, "casework/chronology.html", context, status=200 if filters is not None else 400
    )


def _printed(
    request: SchoolRequest, pupil_id: int, action: AuditAction
) -> tuple[Pupil, ChronologyFilterForm, dict[str, Any] | None]:
    """The whole chronology as filtered (to PRINT_LIMIT entries), audited as `action`."""
    pupil = get_pupil_for(request, pupil_id)
    form = _filters_of(request)
    filters = _valid_filters(form)
    if filters is None:
        return pupil, form, None
    context = printed_context(request.membership, pupil, form, filters)
    _audit(request, pupil, action, filters, context["entries"])
    return pupil, form, context


def _refused(request: SchoolRequest, pupil: Pupil, form: ChronologyFilterForm) -> HttpResponse:
    """A print or download asked with bad filters: the page again, the problem by its field."""
    _audit(request, pupil, AuditAction.CHRONOLOGY_VIEWED, None)
    context = {"pupil": pupil, "form": form, "page": None, "filters": None}
    return render(request, "casework/chronology.html", context, status=400)


@require_POST
@requires(Capability.VIEW_CHRONOLOGY)
@requires_recent_second_factor
def chronology_print(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """The chronology laid out for the browser's Print command."""
    pupil, form, context = _printed(request, pupil_id, AuditAction.CHRONOLOGY_PRINTED)
    if context is None:
        return _refused(request, pupil, form)
    return render(request, "casework/chronology_print.html", context)


@require_POST
@requires(Capability.VIEW_CHRONOLOGY)
@requires_recent_second_factor
def chronology_pdf(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """Ask for the chronology as a PDF: the worker makes it (`exports.py`); its page says
    when it is ready to download."""
    pupil = get_pupil_for(request, pupil_id)
    form = _filters_of(request)
    if _valid_filters(form) is None:
        return _refused(request, pupil, form)
    export = request_pdf(membership=request.membership, pupil=pupil, data=filter_data(request.POST))
    return redirect("casework:chronology-pdf-status", pupil_id=pupil.pk, export_id=export.pk)


@require_http_methods(["GET", "POST"])
@requires(Capability.ADD_KEY_EVENTS)
def key_event_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """Add a key event to the pupil's chronology, then back to the chronology."""
    pupil = get_pupil_for(request, pupil_id)
    form = KeyEventForm(request.POST or None)
    file_errors: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            add_key_event(
                membership=request.membership,
                pupil=pupil,
                files=request.FILES.getlist("files"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except attachments.FilesRefused as refused:
            file_errors = refused.problems
        except attachments.StoreFailed as failure:
            form.add_error(None, store_failed_message(failure))
            status = 503
        else:
            messages.success(request, "Key event added to the chronology.")
            return redirect("casework:chronology", pupil_id=pupil.pk)
    if status == 200 and (form.errors or file_errors):
        status = 400
    context = {"pupil": pupil, "form": form, "file_errors": file_errors}
    return render(request, "casework/key_event_form.html", context, status=status)
