"""The school's categories as the DSL manages them (`services/categories.py`): added, renamed,
retired and reordered, each change audited."""

import pytest
from django.core.exceptions import ValidationError

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Category
from safeguard.incidents.services import categories
from safeguard.incidents.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def names(school) -> list[str]:
    return list(
        Category.objects.for_school(school).order_by("position").values_list("name", flat=True)
    )


def events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_a_new_school_gets_the_twenty_default_categories_in_order(school):
    categories = list(Category.objects.for_school(school).order_by("position"))
    assert len(categories) == 20
    assert categories[0].name == "Safeguarding concern"
    assert categories[-1].name == "Low-level staff conduct concern"
    assert len({c.position for c in categories}) == 20


def test_only_child_protection_and_child_in_need_are_restricted_by_default(school):
    restricted = Category.objects.for_school(school).filter(is_restricted=True)
    assert sorted(c.name for c in restricted) == ["Child in need", "Child protection"]


def test_default_categories_belong_to_their_own_school(school, other_school):
    assert Category.objects.for_school(school).count() == 20
    assert Category.objects.for_school(other_school).count() == 20


def test_adding_a_category_puts_it_at_the_end_of_the_list(school, dsl):
    category = categories.add_category(
        actor=dsl, school=school, name="  Gangs  ", is_safeguarding=True
    )
    assert names(school)[-1] == "Gangs"
    assert category.is_safeguarding and not category.is_restricted


def test_adding_a_category_is_audited_without_its_name(school, dsl):
    category = categories.add_category(actor=dsl, school=school, name="Gangs", is_restricted=True)
    [event] = events(AuditAction.CATEGORY_CREATED)
    assert (event.actor, event.school, event.target_id) == (dsl, school, str(category.pk))
    assert event.detail == {"is_restricted": True, "is_safeguarding": False}


def test_adding_a_name_already_used_in_the_school_in_any_case_is_refused(school, dsl):
    with pytest.raises(ValidationError):
        categories.add_category(actor=dsl, school=school, name="BULLYING")
    assert events(AuditAction.CATEGORY_CREATED) == []


def test_another_schools_category_name_can_be_reused(school, other_school, dsl):
    CategoryFactory(school=other_school, name="Gangs")
    categories.add_category(actor=dsl, school=school, name="Gangs")
    assert "Gangs" in names(school)


def test_updating_a_category_returns_and_audits_the_changed_fields(school, dsl):
    category = CategoryFactory(school=school, name="Gangs", description="")
    changed = categories.update_category(
        actor=dsl,
        category=category,
        name="Gangs and county lines",
        description="Criminal exploitation",
        is_restricted=False,
        is_safeguarding=False,
    )
    assert changed == ["name", "description"]
    [event] = events(AuditAction.CATEGORY_UPDATED)
    assert event.detail == {
        "changed": ["name", "description"],
        "name": {"from": "Gangs", "to": "Gangs and county lines"},
    }
    category.refresh_from_db()
    assert category.name == "Gangs and county lines"


def test_saving_a_category_unchanged_writes_no_audit_event(school, dsl):
    category = CategoryFactory(school=school, name="Gangs")
    changed = categories.update_category(
        actor=dsl,
        category=category,
        name="Gangs",
        description="",
        is_restricted=False,
        is_safeguarding=False,
    )
    assert changed == []
    assert events(AuditAction.CATEGORY_UPDATED) == []


def test_renaming_to_another_categorys_name_is_refused(school, dsl):
    category = CategoryFactory(school=school, name="Gangs")
    with pytest.raises(ValidationError):
        categories.update_category(
            actor=dsl,
            category=category,
            name="neglect",
            description="",
            is_restricted=False,
            is_safeguarding=False,
        )
    category.refresh_from_db()
    assert category.name == "Gangs"


def test_a_dsl_may_unrestrict_child_protection(school, dsl):
    category = Category.objects.for_school(school).get(name="Child protection")
    changed = categories.update_category(
        actor=dsl,
        category=category,
        name=category.name,
        description="",
        is_restricted=False,
        is_safeguarding=True,
    )
    assert changed == ["is_restricted"]
    category.refresh_from_db()
    assert not category.is_restricted


def test_retiring_a_category_keeps_it_and_audits_the_change(school, dsl):
    category = CategoryFactory(school=school)
    assert categories.set_category_retired(actor=dsl, category=category, is_retired=True)
    category.refresh_from_db()
    assert category.is_retired
    [event] = events(AuditAction.CATEGORY_UPDATED)
    assert event.detail == {"changed": ["is_retired"], "is_retired": True}


def test_retiring_an_already_retired_category_changes_nothing(school, dsl):
    category = CategoryFactory(school=school, is_retired=True)
    assert not categories.set_category_retired(actor=dsl, category=category, is_retired=True)
    assert events(AuditAction.CATEGORY_UPDATED) == []


def test_bringing_back_a_retired_category_makes_it_usable_again(school, dsl):
    category = CategoryFactory(school=school, is_retired=True)
    assert categories.set_category_retired(actor=dsl, category=category, is_retired=False)
    category.refresh_from_db()
    assert not category.is_retired


def test_moving_a_category_up_swaps_it_with_the_one_above(school, dsl):
    bullying = Category.objects.for_school(school).get(name="Bullying")
    before = names(school)
    at = before.index("Bullying")
    assert categories.move_category(actor=dsl, category=bullying, direction="up")
    after = names(school)
    assert after[at - 1 : at + 1] == ["Bullying", before[at - 1]]
    assert sorted(after) == sorted(before)


def test_moving_a_category_down_swaps_it_with_the_one_below(school, dsl):
    bullying = Category.objects.for_school(school).get(name="Bullying")
    before = names(school)
    at = before.index("Bullying")
    assert categories.move_category(actor=dsl, category=bullying, direction="down")
    assert names(school)[at : at + 2] == [before[at + 1], "Bullying"]


def test_moving_renumbers_positions_in_steps_of_ten(school, dsl):
    first = Category.objects.for_school(school).get(name="Safeguarding concern")
    Category.objects.for_school(school).update(position=5)  # ties, as old data might have
    categories.move_category(actor=dsl, category=first, direction="down")
    positions = list(
        Category.objects.for_school(school).order_by("position").values_list("position", flat=True)
    )
    assert positions == list(range(10, 210, 10))


def test_moving_the_first_category_up_does_nothing(school, dsl):
    first = Category.objects.for_school(school).get(name="Safeguarding concern")
    before = names(school)
    assert not categories.move_category(actor=dsl, category=first, direction="up")
    assert names(school) == before
    assert events(AuditAction.CATEGORY_MOVED) == []


def test_moving_the_last_category_down_does_nothing(school, dsl):
    last = Category.objects.for_school(school).get(name="Low-level staff conduct concern")
    assert not categories.move_category(actor=dsl, category=last, direction="down")


def test_moving_a_category_is_audited_with_its_old_and_new_place(school, dsl):
    bullying = Category.objects.for_school(school).get(name="Bullying")
    at = names(school).index("Bullying") + 1
    categories.move_category(actor=dsl, category=bullying, direction="up")
    [event] = events(AuditAction.CATEGORY_MOVED)
    assert event.target_id == str(bullying.pk)
    assert event.detail == {"direction": "up", "from": at, "to": at - 1}


def test_moving_leaves_other_schools_order_alone(school, other_school, dsl):
    before = names(other_school)
    bullying = Category.objects.for_school(school).get(name="Bullying")
    categories.move_category(actor=dsl, category=bullying, direction="up")
    assert names(other_school) == before
