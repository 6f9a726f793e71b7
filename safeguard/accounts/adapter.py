from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


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


def this_site() -> SimpleNamespace:
    """What allauth's email templates call `current_site`, from settings, not from Host."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


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
        # Other links allauth puts in an email (the reset page, in "no account here") are
        # built from the request; move them onto the site too.
        links = {
            name: on_site(value)
            for name, value in context.items()
            if name.endswith("_url") and isinstance(value, str) and value
        }
        super().send_mail(template_prefix, email, {**context, **links, "current_site": this_site()})
