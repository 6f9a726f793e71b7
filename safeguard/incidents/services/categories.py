"""Every write to categories (and, later, incidents and actions) goes through here."""

from typing import Literal

from django.db import transaction
from django.db.models import Max

from safeguard.accounts.models import School, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import DEFAULT_CATEGORIES, Category

# Positions leave gaps, so a seeded or renumbered list reads 10, 20, 30...
POSITION_STEP = 10

EDITABLE_FIELDS = ("name", "description", "is_restricted", "is_safeguarding")


@transaction.atomic
def seed_default_categories(*, school: School) -> list[Category]:
    """Give a new school the default category list.

    Not audited category by category: the school's creation is (SCHOOL_CREATED), and the
    list is the same for every school. A DSL's later changes to it are audited.
    """
    return [
        Category.objects.create(
            school=school,
            name=name,
            is_restricted=restricted,
            is_safeguarding=safeguarding,
            position=(index + 1) * POSITION_STEP,
        )
        for index, (name, restricted, safeguarding) in enumerate(DEFAULT_CATEGORIES)
    ]


@transaction.atomic
def add_category(
    *,
    actor: User,
    school: School,
    name: str,
    description: str = "",
    is_restricted: bool = False,
    is_safeguarding: bool = False,
) -> Category:
    """Add a category at the end of the school's list.

    Names are unique within the school whatever their case (the model's
    constraint); `full_clean` raises ValidationError before anything is saved.
    """
    last = Category.objects.for_school(school).aggregate(last=Max("position"))["last"] or 0
    category = Category(
        school=school,
        name=name.strip(),
        description=description.strip(),
        is_restricted=is_restricted,
        is_safeguarding=is_safeguarding,
        position=last + POSITION_STEP,
    )
    category.full_clean()
    category.save()
    record(
        actor=actor,
        action=AuditAction.CATEGORY_CREATED,
        school=school,
        target=category,
        detail={"is_restricted": is_restricted, "is_safeguarding": is_safeguarding},
    )
    return category


@transaction.atomic
def update_category(
    *,
    actor: User,
    category: Category,
    name: str,
    description: str,
    is_restricted: bool,
    is_safeguarding: bool,
) -> list[str]:
    """Rename or re-describe a category, or change its flags; returns the changed fields.

    Old records keep pointing at the same category, so a rename shows on them
    too; the audit keeps the old and new name, so what a record was filed under
    at any date can be shown. Un-restricting is allowed: which categories are restricted is the
    DSL's decision (school policy section 5 step 4); the view warns about it.
    """
    wanted = {
        "name": name.strip(),
        "description": description.strip(),
        "is_restricted": is_restricted,
        "is_safeguarding": is_safeguarding,
    }
    changed = [field for field in EDITABLE_FIELDS if getattr(category, field) != wanted[field]]
    if not changed:
        return []
    # Category names are the school's own labels, not pupil data: safe in the audit.
    renamed = {"from": category.name, "to": wanted["name"]} if "name" in changed else None
    for field in changed:
        setattr(category, field, wanted[field])
    category.full_clean()
    category.save(update_fields=changed)
    record(
        actor=actor,
        action=AuditAction.CATEGORY_UPDATED,
        school=category.school,
        target=category,
        detail={"changed": changed, **({"name": renamed} if renamed else {})},
    )
    return changed


@transaction.atomic
def set_category_retired(*, actor: User, category: Category, is_retired: bool) -> bool:
    """Retire a category (or bring it back); returns whether anything changed.

    Categories are never deleted once used: a retired one stays on old records
    but can't be chosen for new ones, so the record reads as it was written.
    """
    if category.is_retired == is_retired:
        return False
    category.is_retired = is_retired
    category.save(update_fields=["is_retired"])
    record(
        actor=actor,
        action=AuditAction.CATEGORY_UPDATED,
        school=category.school,
        target=category,
        detail={"changed": ["is_retired"], "is_retired": is_retired},
    )
    return True


@transaction.atomic
def move_category(*, actor: User, category: Category, direction: Literal["up", "down"]) -> bool:
    """Swap a category with its neighbour in the school's order; returns whether it moved.

    The whole list is renumbered 10, 20, 30... so positions stay distinct even
    if earlier data had ties. Rows are locked so two DSLs reordering at once
    can't interleave.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    ordered = list(
        Category.objects.for_school(category.school)
        .select_for_update()
        .order_by("position", "name", "pk")
    )
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    changed = []
    for number, item in enumerate(ordered, start=1):
        position = number * POSITION_STEP
        if item.position != position:
            item.position = position
            changed.append(item)
    Category.objects.for_school(category.school).bulk_update(changed, ["position"])
    category.position = (target + 1) * POSITION_STEP
    record(
        actor=actor,
        action=AuditAction.CATEGORY_MOVED,
        school=category.school,
        target=category,
        detail={"direction": direction, "from": index + 1, "to": target + 1},
    )
    return True
