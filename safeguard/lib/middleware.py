"""Small request-wide middleware: no browser caching of signed-in pages."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from safeguard.lib import request_context


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
