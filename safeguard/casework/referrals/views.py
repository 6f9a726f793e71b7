"""A pupil's referrals and meetings, logging a referral, its page with its outcomes and chases,
and the school's list of agencies. For the leads only; every showing is audited as a view of
the pupil's record."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.access import get_agency_for, get_referral_for
from safeguard.casework.clocks.services import calendar_for, clocks_of
from safeguard.casework.referrals import services
from safeguard.casework.referrals.forms import AgencyForm, ChaseForm, OutcomeForm, ReferralForm
from safeguard.casework.referrals.models import Referral, ReferralAgency
from safeguard.casework.referrals.selectors import (
    meetings_of,
    next_conference,
    referral_state,
    referral_states,
)
from safeguard.incidents.links import incident_id_from_key
from safeguard.incidents.models import Incident
from safeguard.pupils.access import get_pupil_for
from safeguard.pupils.forms import apply_errors


@require_http_methods(["GET"])
@requires(Capability.RECORD_REFERRALS)
def pupil_referrals(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """The pupil's referrals (each with its clock) and meetings (with the conference due)."""
    pupil = get_pupil_for(request, pupil_id)
    calendar, clocks = calendar_for(request.school), clocks_of(request.school)
    meetings = meetings_of(pupil)
    record(
        actor=request.user,
        action=AuditAction.REFERRALS_LISTED,
        school=request.school,
        target=pupil,
    )
    context = {
        "pupil": pupil,
        "referrals": referral_states(pupil, calendar=calendar, clocks=clocks),
        "meetings": meetings,
        "conference": next_conference(meetings, calendar=calendar, clocks=clocks),
        "clocks": clocks,
    }
    return render(request, "casework/referrals/pupil_referrals.html", context)


@require_http_methods(["GET", "POST"])
@requires(Capability.RECORD_REFERRALS)
def referral_add(request: SchoolRequest, pupil_id: int) -> HttpResponse:
    """Log a referral; `?incident=<key>` (from a review's decision) links its incident."""
    pupil = get_pupil_for(request, pupil_id)
    initial: dict[str, Any] = {"sent_by": request.membership}
    incident_id = incident_id_from_key(request.GET.get("incident", ""))
    if incident_id is not None:
        initial["incident"] = incident_id
    form = ReferralForm(request.POST or None, school=request.school, pupil=pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.log_referral(
                membership=request.membership, pupil=pupil, **form.service_values()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Referral logged. Record the agency's response here when it comes."
            )
            return redirect("casework:referral-detail", referral_id=referral.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "casework/referrals/referral_form.html",
        {"pupil": pupil, "form": form},
        status=status,
    )


def _referral_page(
    request: SchoolRequest,
    referral: Referral,
    *,
    outcome_form: OutcomeForm | None = None,
    chase_form: ChaseForm | None = None,
) -> HttpResponse:
    state = referral_state(referral)
    record(
        actor=request.user,
        action=AuditAction.REFERRAL_VIEWED,
        school=request.school,
        target=referral,
        detail={"pupil": referral.pupil_id},
    )
    context = {
        "pupil": referral.pupil,
        "state": state,
        "referral": state.referral,
        "incident": _incident_of(state.referral),
        "clocks": clocks_of(request.school),
        "outcome_form": outcome_form or OutcomeForm(),
        "chase_form": chase_form or ChaseForm(),
    }
    bad = any(form is not None and form.errors for form in (outcome_form, chase_form))
    return render(
        request, "casework/referrals/referral_detail.html", context, status=400 if bad else 200
    )


def _incident_of(referral: Referral) -> Incident | None:
    """The referral's incident if it is still on record (its link has no database key)."""
    if referral.incident_id is None:
        return None
    return (
        Incident.objects.for_school(referral.school_id)
        .select_related("reference")
        .filter(pk=referral.incident_id)
        .first()
    )


@require_http_methods(["GET"])
@requires(Capability.RECORD_REFERRALS)
def referral_detail(request: SchoolRequest, referral_id: int) -> HttpResponse:
    return _referral_page(request, get_referral_for(request, referral_id))


@require_POST
@requires(Capability.RECORD_REFERRALS)
def outcome_add(request: SchoolRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for(request, referral_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.add_outcome(
                membership=request.membership, referral=referral, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("casework:referral-detail", referral_id=referral.pk)
    return _referral_page(request, referral, outcome_form=form)


@require_POST
@requires(Capability.RECORD_REFERRALS)
def chase_add(request: SchoolRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for(request, referral_id)
    form = ChaseForm(request.POST)
    if form.is_valid():
        try:
            services.add_chase(
                membership=request.membership, referral=referral, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Chase recorded.")
            return redirect("casework:referral-detail", referral_id=referral.pk)
    return _referral_page(request, referral, chase_form=form)


# The school's agencies -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_CLOCKS)
def agency_list(request: SchoolRequest) -> HttpResponse:
    """The agencies a referral can go to, and on POST a new one at the end of the list."""
    form = AgencyForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        services.add_agency(
            actor=request.user, school=request.school, name=form.cleaned_data["name"]
        )
        messages.success(request, "Agency added.")
        return redirect("casework:agency-list")
    agencies = ReferralAgency.objects.for_school(request.school)
    return render(
        request,
        "casework/referrals/agency_list.html",
        {"agencies": agencies, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_CLOCKS)
def agency_edit(request: SchoolRequest, agency_id: int) -> HttpResponse:
    agency = get_agency_for(request, agency_id)
    form = AgencyForm(request.POST or None, school=request.school, agency=agency)
    if request.method == "POST" and form.is_valid():
        changed = services.change_agency(
            actor=request.user,
            agency=agency,
            name=form.cleaned_data["name"],
            is_retired=form.cleaned_data.get("is_retired", False),
        )
        messages.success(request, "Agency saved." if changed else "Nothing was changed.")
        return redirect("casework:agency-list")
    return render(
        request,
        "casework/referrals/agency_form.html",
        {"agency": agency, "form": form},
        status=400 if form.errors else 200,
    )
