"""The school's list of decision options: seeded for a new school, kept by its leads.

An option is renamed in place (an audited change that keeps the old and new name), since
each review keeps the name its decision had when it was made (`TriageEntry.decision_name`):
a rename changes the list, never what an old review says. Options are retired, never
deleted, so an old review's decision still points at its option.
"""

from typing import Literal

from django.db import transaction
from django.db.models import Max

from safeguard.accounts.models import School, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.casework.models import DEFAULT_DECISION_OPTIONS, DecisionOption

POSITION_STEP = 10


@transaction.atomic
def seed_default_decision_options(*, school: School) -> list[DecisionOption]:
    """Give a new school the default list (not audited option by option: the school's
    creation is, and the list is the same for every school)."""
    return [
        DecisionOption.objects.create(
            school=school, name=name, position=(index + 1) * POSITION_STEP
        )
        for index, name in enumerate(DEFAULT_DECISION_OPTIONS)
    ]


@transaction.atomic
def add_decision_option(*, actor: User, school: School, name: str) -> DecisionOption:
    """Add an option at the end of the list; a clash of names (any case) is refused by
    `full_clean` before anything is saved."""
    last = DecisionOption.objects.for_school(school).aggregate(last=Max("position"))["last"] or 0
    option = DecisionOption(school=school, name=name.strip(), position=last + POSITION_STEP)
    option.full_clean()
    option.save()
    record(actor=actor, action=AuditAction.DECISION_OPTION_CREATED, school=school, target=option)
    return option


@transaction.atomic
def rename_decision_option(*, actor: User, option: DecisionOption, name: str) -> bool:
    """Rename an option; returns whether the name changed. Reviews already made keep the
    name they were made with."""
    name = name.strip()
    if name == option.name:
        return False
    renamed = {"from": option.name, "to": name}
    option.name = name
    option.full_clean()
    option.save(update_fields=["name"])
    record(
        actor=actor,
        action=AuditAction.DECISION_OPTION_UPDATED,
        school=option.school,
        target=option,
        detail={"changed": ["name"], "name": renamed},
    )
    return True


@transaction.atomic
def set_decision_option_retired(*, actor: User, option: DecisionOption, is_retired: bool) -> bool:
    """Retire an option (or bring it back); returns whether anything changed."""
    if option.is_retired == is_retired:
        return False
    option.is_retired = is_retired
    option.save(update_fields=["is_retired"])
    record(
        actor=actor,
        action=AuditAction.DECISION_OPTION_UPDATED,
        school=option.school,
        target=option,
        detail={"changed": ["is_retired"], "is_retired": is_retired},
    )
    return True


@transaction.atomic
def move_decision_option(
    *, actor: User, option: DecisionOption, direction: Literal["up", "down"]
) -> bool:
    """Swap an option with its neighbour; the list is renumbered 10, 20, 30... under a lock,
    as categories are (`incidents/services/categories.py`)."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    ordered = list(
        DecisionOption.objects.for_school(option.school_id)
        .select_for_update()
        .order_by("position", "name", "pk")
    )
    index = next(i for i, o in enumerate(ordered) if o.pk == option.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    changed = []
    for number, item in enumerate(ordered, start=1):
        if item.position != number * POSITION_STEP:
            item.position = number * POSITION_STEP
            changed.append(item)
    DecisionOption.objects.for_school(option.school_id).bulk_update(changed, ["position"])
    option.position = (target + 1) * POSITION_STEP
    record(
        actor=actor,
        action=AuditAction.DECISION_OPTION_MOVED,
        school=option.school,
        target=option,
        detail={"direction": direction, "from": index + 1, "to": target + 1},
    )
    return True
