"""Who is asking, from where: read by the audit trail, set once per request."""

from contextvars import ContextVar, Token
from dataclasses import dataclass

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None
    user_agent: str


_current: ContextVar[RequestMeta | None] = ContextVar("request_meta", default=None)


def bind(request: HttpRequest) -> Token[RequestMeta | None]:
    try:
        # The same address allauth's rate limits use (settings.ALLAUTH_TRUSTED_PROXY_COUNT).
        ip = get_client_ip(request)
    except ImproperlyConfigured:
        # Fewer X-Forwarded-For entries than trusted proxies: a request that bypassed
        # the proxy. Record the address that actually connected.
        ip = request.META.get("REMOTE_ADDR") or None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return _current.set(RequestMeta(ip_address=ip, user_agent=agent))


def reset(token: Token[RequestMeta | None]) -> None:
    _current.reset(token)


def current() -> RequestMeta | None:
    return _current.get()
