from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from allauth.core import context
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from safeguard.accounts import signin_limits


def site_url(path: str) -> str:
    """An absolute link on this deployment: always SITE_URL, never the request's Host.

    The Host header is the visitor's to choose; a link built from it in an email could
    send a reset key to another server, or point staff at an address that only works
    inside the school (127.0.0.1).
    """
    return f"{settings.SITE_URL}{path}"


def on_site(url: str) -> str:
    """`url` (absolute or not) moved onto SITE_URL, keeping its path, query and fragment."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs themselves up: a DSL invites each member of staff."""
        return False

    # Every link and name in allauth's emails comes from SITE_URL and SITE_NAME.

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(
        self, request: HttpRequest, emailconfirmation: EmailConfirmation
    ) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Queue the email for the background worker, in our words (accounts/mail.py).

        Other links allauth puts in an email (the reset page, in "no account here") are
        built from the request; they are moved onto the site there too.
        """
        from safeguard.accounts import mail

        mail.queue_allauth_email(template_prefix=template_prefix, to=email, context=context)

    # Sign-in limits (accounts/signin_limits.py). allauth's own "key" limit counts per
    # address *and* account here, so failures elsewhere never hold up the person's own
    # address; the per-account limit from anywhere is ours, higher and with growing delays.

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's default includes the Host header, which would give each Host its own count.
        return f"{get_ip(request)}:{_login(credentials)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        if signin_limits.must_wait(_login(credentials)):
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        signin_limits.record_failure(_login(credentials))

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        super()._delete_login_attempts_cached_email(request, **credentials)
        signin_limits.clear(_login(credentials))

    def clean_email(self, email: str) -> str:
        """A signed-in person adding an address (allauth's email page) must keep it at one of
        their schools' domains (services.own_email_domain_error)."""
        from safeguard.accounts.services import own_email_domain_error

        email = super().clean_email(email)
        user = getattr(context.request, "user", None)
        if user is not None and user.is_authenticated:
            problem = own_email_domain_error(user, email)
            if problem:
                raise ValidationError(problem)
        return email


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email", credentials.get("username", "")) or "").strip().lower()
