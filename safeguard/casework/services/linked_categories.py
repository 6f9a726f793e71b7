"""Categories a lead allocates to a pupil linked to an incident.

Categories allocated to an incident are its main pupil's: a child who witnessed, or was
harmed by, what the main pupil did has categories of their own, and these are never the main
pupil's passed on (a known complaint about other systems). Each allocation is an entry added
to the record, dated and signed, the whole set as it stands from then (none clears it); the
newest wins and the earlier ones stay. The database refuses UPDATE and DELETE on the entries
and their rows (migration 0009) and this service seals them into the audit chain.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import LinkedPupilCategories, LinkedPupilCategory
from safeguard.incidents.models import Category, Incident, LinkedPupil
from safeguard.lib import clock
from safeguard.pupils.models import Pupil


def current_allocations(
    incident: Incident, pupil_ids: Iterable[int] | None = None
) -> dict[int, LinkedPupilCategories]:
    """pupil id -> the newest allocation to that linked pupil on the incident, with its
    categories: two queries, however many entries the incident has had."""
    entries = (
        LinkedPupilCategories.objects.for_school(incident.school_id)
        .filter(incident=incident)
        .order_by("pupil_id", "-made_at", "-id")
        .select_related("made_by")
        .prefetch_related("categories")
    )
    if pupil_ids is not None:
        entries = entries.filter(pupil_id__in=list(pupil_ids))
    found: dict[int, LinkedPupilCategories] = {}
    for entry in entries:
        found.setdefault(entry.pupil_id, entry)
    return found


@transaction.atomic
def allocate_linked_categories(
    *,
    membership: Membership,
    incident: Incident,
    pupil: Pupil,
    categories: Iterable[Category],
) -> LinkedPupilCategories:
    """Allocate `categories` (the whole set; none clears it) to `pupil`, linked to
    `incident`: only a lead of the incident's school may, and only for a pupil the incident
    names as linked, never its main pupil. Raises ValidationError under `categories` for a
    set that changes nothing."""
    if Capability.REVIEW_INCIDENTS not in membership.capabilities:
        raise PermissionDenied("Only a DSL or deputy can allocate categories.")
    if incident.school_id != membership.school_id or pupil.school_id != membership.school_id:
        raise PermissionDenied("This incident belongs to another school.")
    linked = LinkedPupil.objects.for_school(incident.school_id).filter(
        incident=incident, pupil=pupil
    )
    if incident.review.pupil_id == pupil.pk or not linked.exists():
        raise PermissionDenied("This pupil is not linked to the incident.")
    chosen = sorted({category.pk: category for category in categories}.values(), key=_order)
    if any(category.school_id != incident.school_id for category in chosen):
        raise PermissionDenied("A category of another school.")
    current = current_allocations(incident, [pupil.pk]).get(pupil.pk)
    before = sorted(c.pk for c in current.categories.all()) if current is not None else []
    if {c.pk for c in chosen} == set(before):
        raise ValidationError(
            {"categories": ["These are the categories allocated already: change one, or go back."]}
        )
    entry = LinkedPupilCategories(
        school_id=incident.school_id,
        incident=incident,
        pupil=pupil,
        made_by=membership.user,
        made_at=clock.now(),
    )
    entry.full_clean()
    entry.save()
    rows = LinkedPupilCategory.objects.bulk_create(
        LinkedPupilCategory(school_id=incident.school_id, allocation=entry, category=category)
        for category in chosen
    )
    record(
        actor=membership.user,
        action=AuditAction.LINKED_CATEGORIES_ALLOCATED,
        school=membership.school,
        target=entry,
        detail={
            "pupil": pupil.pk,
            "incident": incident.pk,
            "categories": [c.pk for c in chosen],
            "before": before,
        },
        seal=[entry, *rows],
    )
    return entry


def _order(category: Category) -> tuple[int, str]:
    return (category.position, category.name)
