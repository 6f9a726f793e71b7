"""`{% url %}`, remembering what it reversed.

Lists write a link per row, and Django's `reverse()` costs a fraction of a millisecond
each: fifty rows made it a quarter of the alerts page's time. The result depends only on
the view name, the arguments, the URL configuration, the script prefix and the current
app, so for plain arguments (numbers, text, UUIDs) it is kept, keyed on all of them.
Anything else (a model instance, whose address a converter computes) is reversed as
before. The cache is emptied whenever a setting changes (tests that change the secret key
get addresses under the new key). Loaded for every template in settings, after Django's own
tags, so it replaces `url` everywhere.
"""

import functools
import uuid
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

PLAIN = (int, str, uuid.UUID)


@functools.lru_cache(maxsize=32_768)
def _reversed(
    urlconf: str | None,
    prefix: str,
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
) -> str:
    # `prefix` is part of the key only: reverse() reads the same script prefix itself.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def forget(**_: Any) -> None:
    _reversed.cache_clear()


setting_changed.connect(forget, dispatch_uid="safeguard.lib.url_tag.forget")


def _current_app(context: Context) -> Any:
    """As Django's URLNode finds it."""
    try:
        return context.request.current_app  # type: ignore[attr-defined]
    except AttributeError:
        try:
            return context.request.resolver_match.namespace  # type: ignore[attr-defined]
        except AttributeError:
            return None


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context: Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((k, v.resolve(context)) for k, v in self.kwargs.items())
        values = (*args, *(v for _, v in kwargs))
        if not all(isinstance(v, PLAIN) for v in values):
            return str(super().render(context))
        view_name = self.view_name.resolve(context)
        url = ""
        try:
            url = _reversed(
                get_urlconf(), get_script_prefix(), view_name, args, kwargs, _current_app(context)
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    """Django's `{% url %}`, parsed by Django, rendered through the cache above."""
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
