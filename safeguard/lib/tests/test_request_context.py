import pytest
from django.test import RequestFactory

from safeguard.lib import request_context


def bound_ip(request):
    token = request_context.bind(request)
    try:
        return request_context.current().ip_address
    finally:
        request_context.reset(token)


def test_without_a_proxy_the_connecting_address_is_recorded(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert bound_ip(request) == "203.0.113.9"


def test_behind_one_proxy_the_visitors_address_is_recorded(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    assert bound_ip(request) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address"])
def test_a_missing_or_forged_forwarded_header_never_breaks_the_request(settings, forwarded):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert bound_ip(request) in {"127.0.0.1", None}
