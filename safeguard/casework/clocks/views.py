"""The clocks page (leads only): the school's clocks and escalation policy, and the days the
school is closed, which every clock skips."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.casework.clocks.forms import ClocksForm, ClosureForm
from safeguard.casework.clocks.models import SchoolClosure
from safeguard.casework.clocks.services import add_closure, clocks_of, remove_closure, save_clocks
from safeguard.pupils.forms import apply_errors

# The clocks page lists the school's closures newest first, up to this many.
CLOSURES_SHOWN = 60


def _page(
    request: SchoolRequest,
    *,
    form: ClocksForm | None = None,
    closure_form: ClosureForm | None = None,
) -> HttpResponse:
    clocks = clocks_of(request.school)
    closures = list(SchoolClosure.objects.for_school(request.school)[:CLOSURES_SHOWN])
    context = {
        "form": form or ClocksForm(instance=clocks),
        "closure_form": closure_form or ClosureForm(),
        "closures": closures,
    }
    bad = (form is not None and form.errors) or (closure_form is not None and closure_form.errors)
    return render(request, "casework/clocks.html", context, status=400 if bad else 200)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_CLOCKS)
def clocks_page(request: SchoolRequest) -> HttpResponse:
    """The clocks, and on POST their new values (each problem under its field)."""
    if request.method != "POST":
        return _page(request)
    # Bound to a copy: the form must not change the row before the service compares it.
    form = ClocksForm(request.POST, instance=clocks_of(request.school))
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            changed = save_clocks(membership=request.membership, values=values)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Clocks saved." if changed else "Nothing was changed.")
            return redirect("casework:clocks")
    return _page(request, form=form)


@require_POST
@requires(Capability.MANAGE_CLOCKS)
def closure_add(request: SchoolRequest) -> HttpResponse:
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            add_closure(membership=request.membership, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Closure added: the clocks now skip those days.")
            return redirect("casework:clocks")
    return _page(request, closure_form=form)


@require_POST
@requires(Capability.MANAGE_CLOCKS)
def closure_remove(request: SchoolRequest, closure_id: int) -> HttpResponse:
    closure = SchoolClosure.objects.for_school(request.school).filter(pk=closure_id).first()
    if closure is None:
        raise Http404
    remove_closure(membership=request.membership, closure=closure)
    messages.success(request, "Closure removed: the clocks count those days again.")
    return redirect("casework:clocks")
