"""The operator's Django admin (`ADMIN_ENABLED=1`, off by default): second factor first, no secrets.

Django's admin has its own password-only sign-in form, and django-allauth registers its
tables in it, so a superuser's password alone used to open every staff member's
authenticator secret and let email addresses (where resets go) be edited without audit or
notice. Here:

- the admin's own sign-in form is gone: it sends the operator to Safeguard's sign-in, which
  asks for the second factor;
- every admin page needs a second factor passed in this session; without one the operator
  is sent to confirm it (or to set a key up, if they have none);
- second-factor authenticators, sessions and email addresses have no admin page at all.
  They are managed on Safeguard's own pages, which audit each change and tell the person.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

# "app_label.ModelName" of every table that holds a secret, a session or a sign-in address.
HIDDEN_MODELS = (
    "mfa.Authenticator",
    "usersessions.UserSession",
    "account.EmailAddress",
    "account.EmailConfirmation",
    "sessions.Session",
)


class OperatorAdminSite(admin.AdminSite):
    site_header = "Safeguard operator admin"
    site_title = "Safeguard operator admin"

    def has_permission(self, request: HttpRequest) -> bool:
        from safeguard.accounts.mfa import second_factor_passed_at

        return super().has_permission(request) and second_factor_passed_at(request) is not None

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """No password-only form: Safeguard's sign-in, or the second-factor step, instead."""
        from safeguard.accounts.mfa import has_key
        from safeguard.accounts.stepup import confirm_url_for

        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if not request.user.is_authenticated:
            target = reverse(settings.LOGIN_URL)
        elif not has_key(request.user):
            return HttpResponseRedirect(reverse("mfa_index"))
        else:
            target = confirm_url_for(request)
        return HttpResponseRedirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


class OperatorAdminConfig(AdminConfig):
    """Installed instead of django.contrib.admin, so `admin.site` is OperatorAdminSite."""

    default_site = "safeguard.accounts.operator_admin.OperatorAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app registers its models
        from django.apps import apps

        for label in HIDDEN_MODELS:
            model = apps.get_model(label, require_ready=False)
            if admin.site.is_registered(model):
                admin.site.unregister(model)
