"""Every write to categories (and, later, incidents and actions) goes through here."""

from django.db import transaction

from safeguard.accounts.models import School
from safeguard.incidents.models import DEFAULT_CATEGORIES, Category


@transaction.atomic
def seed_default_categories(*, school: School) -> list[Category]:
    """Give a new school the default category list (DOMAIN.md; the issue's list)."""
    return [
        Category.objects.create(
            school=school,
            name=name,
            is_restricted=restricted,
            is_safeguarding=safeguarding,
            position=(index + 1) * 10,
        )
        for index, (name, restricted, safeguarding) in enumerate(DEFAULT_CATEGORIES)
    ]
