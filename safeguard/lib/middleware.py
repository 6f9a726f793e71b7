"""Small request-wide middleware: clean client headers we store; no browser caching of
signed-in pages."""

import logging
import unicodedata
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from safeguard.lib import request_context


class CleanUserAgentMiddleware:
    """The User-Agent is stored (the audit trail, "Your sessions"): drop its control
    characters first. A NUL byte can't be stored in PostgreSQL (an error page instead of
    the record), and line breaks or terminal escapes in a log line forge entries (ASVS
    16.4.1). First in MIDDLEWARE, so every later reader sees the clean value."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        agent = request.META.get("HTTP_USER_AGENT")
        if agent and any(unicodedata.category(c) == "Cc" for c in agent):
            request.META["HTTP_USER_AGENT"] = "".join(
                c for c in agent if unicodedata.category(c) != "Cc"
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages hold children's records: browsers and proxies must not keep them.

    Also makes the request's address and user agent available to the audit
    trail without passing the request into every service.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.bind(request)
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            response["Pragma"] = "no-cache"
        return response


refusals = logging.getLogger("safeguard.security")


class RefusalLogMiddleware:
    """Log every refusal of a signed-in person (403, 404), so someone probing ids or
    reaching for what isn't theirs leaves a trace (ASVS 16.3.2). Paths carry ids only,
    never names (docs/architecture.md rule 5), so the line holds nothing sensitive."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in {403, 404} and request.user.is_authenticated:
            meta = request_context.current()
            refusals.warning(
                "refused status=%s user=%s school=%s method=%s path=%s ip=%s",
                response.status_code,
                request.user.pk,
                getattr(getattr(request, "school", None), "pk", None),
                request.method,
                request.path.encode("unicode_escape").decode("ascii")[:300],
                meta.ip_address if meta else None,
            )
        return response
