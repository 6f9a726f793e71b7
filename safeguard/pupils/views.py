"""The DSL's pupil screens: list and search, add, edit, archive, restore, statuses.

URLs carry ids and non-identifying filters only; a name search is posted, so no
pupil's name reaches an address or a log (docs/architecture.md, rule 5).
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.pupils import selectors, services
from safeguard.pupils.access import get_pupil_for, get_status_for, school_of
from safeguard.pupils.forms import (
    ArchiveForm,
    EndStatusForm,
    PupilFilterForm,
    PupilForm,
    PupilSearchForm,
    StatusForm,
    apply_errors,
)
from safeguard.pupils.models import Pupil
from safeguard.pupils.signals import PupilPageSection, pupil_page_sections

PAGE_SIZE = 50
SEARCH_LIMIT = 50


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def pupil_list(request: SchoolRequest) -> HttpResponse:
    """GET lists a page of pupils; POST searches them by name within the same filters."""
    school = school_of(request)
    filter_form = PupilFilterForm(
        request.GET or None, groups=selectors.registration_groups(school=school)
    )
    filters = filter_form.filters()
    search_form = PupilSearchForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {
        "filter_form": filter_form,
        "search_form": search_form,
        "is_filtered": any(filters.values()),
    }
    if search_form.is_bound:
        if search_form.is_valid():
            found = list(
                selectors.search_pupils(
                    school=school,
                    term=search_form.cleaned_data["q"],
                    include_archived=filters["include_archived"],
                    limit=SEARCH_LIMIT + 1,
                    reader=request.membership,
                )
            )
            context.update(
                pupils=found[:SEARCH_LIMIT],
                is_search=True,
                has_more_matches=len(found) > SEARCH_LIMIT,
                search_limit=SEARCH_LIMIT,
            )
        else:
            context.update(pupils=[], is_search=True)
    else:
        page = Paginator(
            selectors.pupil_list(school=school, reader=request.membership, **filters), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(page=page, pupils=page.object_list, query=query.urlencode())
    template = "pupils/pupil_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def pupil_add(request: SchoolRequest) -> HttpResponse:
    school = school_of(request)
    form = PupilForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.create_pupil(actor=request.user, school=school, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Pupil added.")
            return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": None})


@require_GET
@requires(Capability.MANAGE_PUPILS)
def pupil_detail(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    services.record_pupil_viewed(actor=request.user, pupil=pupil)
    statuses = list(selectors.statuses_of(pupil=pupil))
    return render(
        request,
        "pupils/pupil_detail.html",
        {
            "pupil": pupil,
            "current_statuses": [s for s in statuses if s.is_current],
            "future_statuses": [s for s in statuses if s.is_future],
            "past_statuses": [s for s in statuses if s.is_past],
            "sections": _sections_from_above(request, pupil),
        },
    )


def _sections_from_above(request: SchoolRequest, pupil: Pupil) -> list[PupilPageSection]:
    """What the apps above show on the pupil page for this reader (`signals.py`)."""
    found: list[PupilPageSection] = []
    for _receiver, response in pupil_page_sections.send(
        sender=Pupil, membership=request.membership, pupil=pupil
    ):
        if isinstance(response, PupilPageSection):
            found.append(response)
    return sorted(found, key=lambda section: section.order)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def pupil_edit(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    # The form works on a copy, so the page heading keeps the stored name while errors show.
    form = PupilForm(request.POST or None, instance=copy.copy(pupil), school=school_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_pupil(actor=request.user, pupil=pupil, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Pupil details saved." if changed else "Nothing changed.")
            return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def pupil_archive(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    if pupil.is_archived:
        messages.info(request, "This pupil is already archived.")
        return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    initial = {"left_on": pupil.left_on, "leaving_destination": pupil.leaving_destination}
    form = ArchiveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_pupil(
                actor=request.user,
                pupil=pupil,
                left_on=form.cleaned_data["left_on"],
                leaving_destination=form.cleaned_data["leaving_destination"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Pupil archived. Their records are kept.")
            return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    return render(request, "pupils/pupil_archive.html", {"form": form, "pupil": pupil})


@require_POST
@requires(Capability.MANAGE_PUPILS)
def pupil_restore(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    try:
        services.restore_pupil(actor=request.user, pupil=pupil)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Pupil restored to the roll.")
    return redirect("pupils:pupil-detail", pupil_id=pupil.pk)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def status_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    form = StatusForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_status(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Status added.")
            return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    return render(request, "pupils/status_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_PUPILS)
def status_end(request: SchoolRequest, pupil_id: int, status_id: int) -> HttpResponse:
    pupil = get_pupil_for(request, pupil_id)
    status = get_status_for(request, pupil, status_id)
    form = EndStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_status(
                actor=request.user, status=status, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Status ended.")
            return redirect("pupils:pupil-detail", pupil_id=pupil.pk)
    return render(
        request, "pupils/status_end.html", {"form": form, "pupil": pupil, "status": status}
    )
