"""What an attacker types: script, redirect, SQL-ish and file-name payloads."""

import re

from django.utils.html import escape

# Stored cross-site scripting: each must be kept exactly as typed and shown as text.
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_SVG = "<svg onload=alert(1)>"
XSS_JS_URL = "javascript:alert(1)"
XSS_ATTR = "' onmouseover='alert(1)"
TEMPLATE_INJECTION = "{{ request.user.password }}{% debug %}"

XSS_PAYLOADS = {
    "script-tag": XSS_SCRIPT,
    "img-onerror": XSS_IMG,
    "svg-onload": XSS_SVG,
    "javascript-url": XSS_JS_URL,
    "single-quote-attribute": XSS_ATTR,
}

# A javascript: address is harmless as text; it is dangerous only as a link or source.
_ACTIVE_URL = re.compile(
    r"""(?:href|src|action|formaction|xlink:href|data)\s*=\s*["']?\s*javascript:""", re.I
)


def assert_shown_as_text(html: str, payload: str, *, where: str) -> None:
    """The payload never reaches the page as markup (or as an active link)."""
    if any(c in payload for c in "<>\"'"):
        assert payload not in html, f"{where}: raw payload {payload!r} in the page"
    if payload.lower().startswith("javascript:"):
        assert not _ACTIVE_URL.search(html), f"{where}: a javascript: link in the page"


def shown_escaped(html: str, payload: str) -> bool:
    """The payload appears, as text (escaped for HTML)."""
    return escape(payload) in html or escape(payload).replace("&#x27;", "&#39;") in html


# Open redirects: every one must leave the person on this site.
REDIRECTS = {
    "protocol-relative": "//evil.example/",
    "absolute-https": "https://evil.example/",
    "backslash": "/\\evil.example/",
    "double-backslash": "\\\\evil.example",
    "javascript": "javascript:alert(1)",
    "scheme-no-slashes": "https:evil.example",
    "tab-in-slashes": "/\t/evil.example",
    "userinfo": "http://localhost:8000@evil.example/",
    "encoded-slashes": "/%2F%2Fevil.example",
    "data-url": "data:text/html,<script>alert(1)</script>",
}

# Things a careless query builder would run; here they must only be searched for.
SQLISH = {
    "or-true": "' OR '1'='1",
    "comment": "x' --",
    "union": "' UNION SELECT email, password FROM accounts_user --",
    "stacked": "'; DROP TABLE pupils_pupil; --",
    "like-wildcards": "%_%",
    "backslash": "\\",
}
