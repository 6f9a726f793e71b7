"""Template helpers for the second-factor pages."""

from typing import Any

from django import template
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import Resolver404, resolve

register = template.Library()

# allauth's ways to confirm it's you that involve no second factor.
_FIRST_FACTOR_ONLY = frozenset({"reauthenticate", "reauthenticate_by_code"})


def _leads_to_step_up(path: str) -> bool:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return bool(getattr(match.func, "requires_recent_second_factor", False))


@register.simple_tag(takes_context=True)
def second_factor_alternatives(
    context: dict[str, Any], alternatives: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """allauth's other ways to confirm it's you, less the password-only ones when the page
    asking is a step-up page (accounts/stepup.py), which a password never satisfies."""
    request = context.get("request")
    target = request.GET.get(REDIRECT_FIELD_NAME, "") if request is not None else ""
    if not target or not _leads_to_step_up(target):
        return list(alternatives or [])
    return [alt for alt in alternatives or [] if alt.get("id") not in _FIRST_FACTOR_ONLY]
