"""Everything stored, as plain values, so a test can say "nothing changed" and mean it."""

import re
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse

from safeguard.accounts.models import School

# Every table a request could write to on purpose, in every school.
TRACKED = (
    "accounts.School",
    "accounts.User",
    "accounts.Membership",
    "accounts.StaffGroup",
    "pupils.Pupil",
    "pupils.PupilStatus",
    "incidents.Category",
    "incidents.Incident",
    "incidents.IncidentCategory",
    "incidents.IncidentReview",
    "incidents.IncidentCorrection",
    "incidents.LinkedPupil",
    "incidents.BodyMapMark",
    "incidents.Action",
    "incidents.Attachment",
    "incidents.Alert",
    "incidents.Draft",
    "casework.DecisionOption",
    "casework.TriageEntry",
    "mfa.Authenticator",
    "account.EmailAddress",
)
# Fields a refused request may still touch, and that hold nothing of the record.
IGNORED = {"accounts.User": {"last_login"}}


def _rows(label: str, schools: list[int]) -> list[tuple[Any, ...]]:
    model = apps.get_model(label)
    fields = [
        f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED.get(label, ())
    ]
    manager = model.objects
    queryset = manager.for_schools(schools) if hasattr(manager, "for_schools") else manager.all()
    rows = list(queryset.order_by("pk").values_list(*fields))
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue  # a model of its own: tracked (and scoped) by name
        rows += [("m2m", m2m.name, *row) for row in through.objects.order_by("pk").values_list()]
    return rows


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tracked table (all schools), with the files on disk."""
    schools = list(School.objects.values_list("pk", flat=True))
    state: dict[str, list[tuple[Any, ...]]] = {label: _rows(label, schools) for label in TRACKED}
    root = Path(settings.MEDIA_ROOT)
    state["files"] = sorted((str(p),) for p in root.rglob("*") if p.is_file())
    return state


def changes(before: dict[str, list], after: dict[str, list]) -> dict[str, str]:
    """What differs between two snapshots, table by table (empty: nothing changed)."""
    return {
        label: f"{len(before[label])} rows -> {len(after[label])} rows"
        for label in before
        if before[label] != after[label]
    }


def count(label: str) -> int:
    schools = list(School.objects.values_list("pk", flat=True))
    model = apps.get_model(label)
    manager = model.objects
    if hasattr(manager, "for_schools"):
        return manager.for_schools(schools).count()
    return manager.count()


_VOLATILE = [
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1"),
    (re.compile(r'("X-CSRFToken": ")[^"]*'), r"\1"),
    (re.compile(r'(data-session-remaining=")\d+'), r"\1"),
]


def comparable(response: HttpResponse) -> str:
    """The page with what differs on every response (nonce, CSRF token, clock) blanked,
    and the address asked for (the page names it, to come back to) made generic."""
    text = response.content.decode()
    path = getattr(response, "request", {}).get("PATH_INFO", "")
    if path:
        text = text.replace(path, "/the-address-asked-for/")
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text
