"""Views about the signed-in person's own account, and accepting an invitation."""

from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import url_str_to_user_pk
from allauth.account.views import EmailView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts import services
from safeguard.accounts.forms import OwnDetailsForm, SetPasswordForm
from safeguard.accounts.models import User
from safeguard.accounts.permissions import Capability, requires
from safeguard.accounts.requests import SchoolRequest
from safeguard.accounts.switching import work_in_school

# The link's token lives here between the emailed URL and the set-password page, so it
# never sits in the address bar or a Referer header of the page with the form.
SESSION_INVITATION_KEY = "safeguard_invitation"


@require_POST
@requires(Capability.USE_APP)
def switch_school(request: SchoolRequest) -> HttpResponse:
    """Work in another school the person belongs to; anything else is refused."""
    wanted = request.POST.get("school", "")
    # Exactly a school's id as the menu posts it ("7", never "07" or " 7").
    school_id = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    if school_id is not None and str(school_id) != wanted:
        school_id = None
    working = work_in_school(request, school_id) if school_id is not None else None
    if working is None:
        messages.error(request, "You don't have a role in that school.")
    else:
        working.say(request)
    return redirect("dashboard")


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_APP)
def own_details(request: SchoolRequest) -> HttpResponse:
    """Your details: the signed-in person's own name, shown by every school they work at."""
    user = request.user
    form = OwnDetailsForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        changed = services.change_own_name(
            user=user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        if changed:
            messages.success(request, "Your name has been changed.")
        return redirect("accounts:own-details")
    return render(request, "accounts/own_details.html", {"form": form})


def _invited_user(uidb36: str, key: str) -> User | None:
    """The person the link was made for, if the link is still good and they still work here."""
    try:
        user = User.objects.filter(pk=url_str_to_user_pk(uidb36)).first()
    except (ValueError, TypeError, OverflowError):
        return None
    if user is None or user.has_usable_password() or not user.is_active:
        return None
    if not default_token_generator.check_token(user, key):
        return None
    if services.invited_membership_of(user) is None:
        return None
    return user


def _invalid_link(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_INVITATION_KEY, None)
    return render(request, "accounts/invitation_invalid.html")


@login_not_required
@never_cache
@require_GET
def invitation_accept(request: HttpRequest, uidb36: str, key: str) -> HttpResponse:
    """The emailed link: check it, keep its token in the session, and drop it from the URL."""
    user = _invited_user(uidb36, key)
    if user is None:
        return _invalid_link(request)
    if request.user.is_authenticated and request.user.pk != user.pk:
        # Someone else is signed in on this computer: sign them out first.
        logout(request)
    request.session[SESSION_INVITATION_KEY] = {"uidb36": uidb36, "key": key}
    return redirect("accounts:invitation-set-password")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_set_password(request: HttpRequest) -> HttpResponse:
    """Welcome the new member of staff and let them choose their password."""
    stored = request.session.get(SESSION_INVITATION_KEY) or {}
    user = _invited_user(str(stored.get("uidb36", "")), str(stored.get("key", "")))
    if user is None:
        return _invalid_link(request)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(user=user, password=form.cleaned_data["password1"])
        request.session.pop(SESSION_INVITATION_KEY, None)
        messages.success(
            request, "Your password is set. Sign in with your email address and new password."
        )
        return redirect("account_login")
    membership = services.invited_membership_of(user)
    if membership is None:  # their role ended since the link was checked
        return _invalid_link(request)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invited_user": user, "invited_school": membership.school},
    )


class OwnEmailView(EmailView):
    """allauth's "Email addresses" page, except that an address outside the person's schools'
    domains (one added before that rule, or a domain a school has since dropped) can't be
    made primary. Adding one is refused by the adapter's clean_email."""

    def _action_primary(self, request: SchoolRequest, *args: Any, **kwargs: Any) -> Any:
        address = self._get_email_address(request)
        if address is not None:
            problem = services.own_email_domain_error(request.user, address.email)
            if problem:
                messages.error(request, problem)
                return HttpResponseRedirect(self.get_success_url())
        return super()._action_primary(request, *args, **kwargs)


email_addresses = requires(Capability.USE_APP)(OwnEmailView.as_view())
