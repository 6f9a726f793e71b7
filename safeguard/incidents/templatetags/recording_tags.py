"""The dashboard's "carry on writing" list of the signed-in person's own drafts."""

from typing import Any

from django import template
from django.template.context import Context
from django.utils import timezone

from safeguard.accounts.permissions import Capability
from safeguard.incidents.forms.recording import parse_id
from safeguard.incidents.models import Draft
from safeguard.pupils.models import Pupil

register = template.Library()

DRAFTS_SHOWN = 10


@register.inclusion_tag("incidents/recording/draft_list.html", takes_context=True)
def my_drafts(context: Context) -> dict[str, Any]:
    """The person's drafts in the current school, newest first, named by pupil first name."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or Capability.RECORD_INCIDENT not in membership.capabilities:
        return {"drafts": [], "csrf_token": context.get("csrf_token")}
    drafts = list(
        Draft.objects.for_school(membership.school)
        .filter(author=membership.user)
        .order_by("-updated_at")[:DRAFTS_SHOWN]
    )
    pupil_ids = {}
    for draft in drafts:
        values = draft.data.get("pupil") or [""]
        pk = parse_id(values[0] if isinstance(values, list) else values)
        if pk is not None:
            pupil_ids[draft.pk] = pk
    pupils = Pupil.objects.for_school(membership.school).in_bulk(set(pupil_ids.values()))
    rows = [
        {
            "draft": draft,
            "pupil": pupils.get(pupil_ids.get(draft.pk, 0)),
        }
        for draft in drafts
    ]
    return {
        "drafts": rows,
        "csrf_token": context.get("csrf_token"),
        "today": f"{timezone.localdate():%Y%m%d}",
    }
