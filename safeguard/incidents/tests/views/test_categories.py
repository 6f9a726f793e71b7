"""The DSL's category pages (`views/categories.py`): who may come in, and each change."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from safeguard.accounts.permissions import Capability, Role, capabilities_of
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Category
from safeguard.incidents.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("incidents:category-list")
ADD_URL = reverse("incidents:category-add")
REFUSED_ROLES = [role for role in Role if Capability.MANAGE_CATEGORIES not in capabilities_of(role)]
OBJECT_VIEWS = [
    ("incidents:category-edit", "get"),
    ("incidents:category-edit", "post"),
    ("incidents:category-retire", "post"),
    ("incidents:category-reinstate", "post"),
    ("incidents:category-move-up", "post"),
    ("incidents:category-move-down", "post"),
]


def url(name: str, category: Category) -> str:
    return reverse(name, kwargs={"category_id": category.pk})


def get(school, name: str) -> Category:
    return Category.objects.for_school(school).get(name=name)


def order(school) -> list[str]:
    return list(
        Category.objects.for_school(school).order_by("position").values_list("name", flat=True)
    )


def flash(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def valid_form(**fields) -> dict:
    return {"name": "Gangs", "description": "", **fields}


# Who may come in


def test_dsl_sees_every_category_in_order(client_as, dsl, school):
    response = client_as(dsl).get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f"<strong>{name}</strong>") for name in order(school)[:5]]
    assert positions == sorted(positions)


def test_deputy_may_manage_categories(client_as, deputy):
    assert client_as(deputy).get(LIST_URL).status_code == 200


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_staff_without_the_capability_cannot_see_the_list(client_as, persona, role):
    assert client_as(persona(role)).get(LIST_URL).status_code == 403


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_staff_without_the_capability_cannot_add_a_category(client_as, persona, role, school):
    response = client_as(persona(role)).post(ADD_URL, valid_form())
    assert response.status_code == 403
    assert "Gangs" not in order(school)


@pytest.mark.parametrize("role", REFUSED_ROLES)
@pytest.mark.parametrize(("name", "method"), OBJECT_VIEWS)
def test_staff_without_the_capability_cannot_change_a_category(
    client_as, persona, role, school, name, method
):
    bullying = get(school, "Bullying")
    response = getattr(client_as(persona(role)), method)(url(name, bullying), valid_form())
    assert response.status_code == 403
    assert get(school, "Bullying").position == bullying.position
    assert not get(school, "Bullying").is_retired


@pytest.mark.parametrize(("name", "method"), OBJECT_VIEWS)
def test_another_schools_category_is_not_found(client_as, dsl, other_school, name, method):
    theirs = get(other_school, "Bullying")
    response = getattr(client_as(dsl), method)(url(name, theirs), valid_form())
    assert response.status_code == 404
    assert get(other_school, "Bullying").name == "Bullying"
    assert not get(other_school, "Bullying").is_retired


def test_a_missing_category_is_not_found(client_as, dsl):
    response = client_as(dsl).get(
        reverse("incidents:category-edit", kwargs={"category_id": 999999})
    )
    assert response.status_code == 404


# The list


def test_list_shows_restricted_safeguarding_and_retired_badges(client_as, dsl, school):
    CategoryFactory(school=school, name="Old things", is_retired=True)
    page = client_as(dsl).get(LIST_URL).content.decode()
    rows = page[page.index("<tbody>") :]
    assert rows.count('badge--danger">Restricted') == 2
    assert rows.count('badge--warn">Retired') == 1
    assert '<span class="badge">Safeguarding</span>' in rows


def test_list_shows_each_categorys_description(client_as, dsl, school):
    CategoryFactory(school=school, name="Gangs", description="County lines and exploitation")
    assert "County lines and exploitation" in client_as(dsl).get(LIST_URL).content.decode()


def test_list_explains_that_categories_are_retired_not_deleted(client_as, dsl):
    page = client_as(dsl).get(LIST_URL).content.decode()
    assert "Categories are retired, not deleted, so old records keep their category" in page


def test_list_offers_no_way_to_delete_a_category(client_as, dsl):
    page = client_as(dsl).get(LIST_URL).content.decode()
    assert ">Delete<" not in page


def test_move_buttons_are_named_for_their_category(client_as, dsl):
    page = client_as(dsl).get(LIST_URL).content.decode()
    assert 'aria-label="Move Bullying up"' in page
    assert 'aria-label="Move Bullying down"' in page


def test_first_category_cannot_move_up_and_last_cannot_move_down(client_as, dsl):
    page = client_as(dsl).get(LIST_URL).content.decode()
    assert 'aria-label="Move Safeguarding concern up"' not in page
    assert 'aria-label="Move Safeguarding concern down"' in page
    assert 'aria-label="Move Low-level staff conduct concern down"' not in page


def test_another_schools_categories_are_not_listed(client_as, dsl, other_school):
    CategoryFactory(school=other_school, name="Fernhill only")
    assert "Fernhill only" not in client_as(dsl).get(LIST_URL).content.decode()


# Adding


def test_add_page_shows_an_empty_form(client_as, dsl):
    response = client_as(dsl).get(ADD_URL)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_adding_a_category_puts_it_last_and_says_so(client_as, dsl, school):
    form = valid_form(description="County lines", is_safeguarding="on")
    response = client_as(dsl).post(ADD_URL, form)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert order(school)[-1] == "Gangs"
    assert get(school, "Gangs").is_safeguarding
    assert flash(response) == [("success", "Category “Gangs” added at the end of the list.")]
    assert AuditEvent.objects.filter(action=AuditAction.CATEGORY_CREATED).count() == 1


def test_adding_a_duplicate_name_in_another_case_shows_an_error_by_the_field(
    client_as, dsl, school
):
    response = client_as(dsl).post(
        ADD_URL, valid_form(name="child PROTECTION", description="Typed")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["This school already has a category called “Child protection”."]
    assert 'value="child PROTECTION"' in response.content.decode()
    assert "Typed</textarea>" in response.content.decode()
    assert Category.objects.for_school(school).count() == 20


def test_adding_the_name_of_a_retired_category_suggests_bringing_it_back(client_as, dsl, school):
    CategoryFactory(school=school, name="Gangs", is_retired=True)
    response = client_as(dsl).post(ADD_URL, valid_form())
    assert "retired: you can bring it back instead" in response.context["form"].errors["name"][0]


def test_adding_without_a_name_shows_an_error_by_the_field(client_as, dsl, school):
    response = client_as(dsl).post(ADD_URL, valid_form(name="   "))
    assert response.context["form"].errors["name"] == ["Enter a name for the category."]
    assert "There is a problem" in response.content.decode()
    assert Category.objects.for_school(school).count() == 20


def test_adding_an_over_long_name_shows_an_error_and_keeps_it(client_as, dsl, school):
    long_name = "x" * 101
    response = client_as(dsl).post(ADD_URL, valid_form(name=long_name))
    assert response.context["form"].errors["name"] == [
        "Keep the name to 100 characters or fewer (it has 101)."
    ]
    assert f'value="{long_name}"' in response.content.decode()


def test_adding_an_over_long_description_shows_an_error_by_the_field(client_as, dsl):
    response = client_as(dsl).post(ADD_URL, valid_form(description="y" * 301))
    assert "description" in response.context["form"].errors


def test_a_field_error_is_linked_to_its_input(client_as, dsl):
    page = client_as(dsl).post(ADD_URL, valid_form(name="")).content.decode()
    assert 'href="#id_name"' in page
    assert 'aria-invalid="true"' in page


# Editing


def test_edit_form_starts_with_the_categorys_values(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs", description="County lines")
    page = client_as(dsl).get(url("incidents:category-edit", category)).content.decode()
    assert 'value="Gangs"' in page
    assert "County lines</textarea>" in page


def test_renaming_a_category_saves_and_audits_the_changed_field(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs")
    response = client_as(dsl).post(
        url("incidents:category-edit", category), valid_form(name="Gangs and county lines")
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Gangs and county lines"
    event = AuditEvent.objects.get(action=AuditAction.CATEGORY_UPDATED)
    assert event.detail == {
        "changed": ["name"],
        "name": {"from": "Gangs", "to": "Gangs and county lines"},
    }


def test_changing_only_the_case_of_a_categorys_own_name_is_allowed(client_as, dsl, school):
    bullying = get(school, "Bullying")
    form = valid_form(name="BULLYING", is_safeguarding="on")
    response = client_as(dsl).post(url("incidents:category-edit", bullying), form)
    assert response.status_code == 302
    bullying.refresh_from_db()
    assert bullying.name == "BULLYING"


def test_renaming_to_another_categorys_name_shows_an_error(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs")
    response = client_as(dsl).post(
        url("incidents:category-edit", category), valid_form(name="neglect")
    )
    assert response.context["form"].errors["name"] == [
        "This school already has a category called “Neglect”."
    ]
    category.refresh_from_db()
    assert category.name == "Gangs"


def test_marking_a_category_restricted(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs")
    client_as(dsl).post(url("incidents:category-edit", category), valid_form(is_restricted="on"))
    category.refresh_from_db()
    assert category.is_restricted


def test_unrestricting_child_protection_is_allowed_with_a_warning(client_as, dsl, school):
    cp = get(school, "Child protection")
    form = valid_form(name="Child protection", is_safeguarding="on")
    response = client_as(dsl).post(url("incidents:category-edit", cp), form)
    assert response.status_code == 302
    cp.refresh_from_db()
    assert not cp.is_restricted
    warnings = [text for level, text in flash(response) if level == "warning"]
    assert len(warnings) == 1
    assert "“Child protection” is no longer restricted" in warnings[0]
    assert "normally allocated by DSLs only" in warnings[0]


def test_unrestricting_the_last_restricted_category_says_none_is_restricted(client_as, dsl, school):
    client = client_as(dsl)
    for name in ["Child protection", "Child in need"]:
        response = client.post(
            url("incidents:category-edit", get(school, name)),
            valid_form(name=name, is_safeguarding="on"),
            follow=True,
        )
    [warning] = [text for level, text in flash(response) if level == "warning"]
    assert "No category in your school is restricted now." in warning


def test_unrestricting_child_in_need_while_child_protection_stays_restricted(
    client_as, dsl, school
):
    cin = get(school, "Child in need")
    form = valid_form(name="Child in need", is_safeguarding="on")
    response = client_as(dsl).post(url("incidents:category-edit", cin), form)
    [warning] = [text for level, text in flash(response) if level == "warning"]
    assert "No category in your school is restricted now." not in warning


def test_saving_without_changes_says_nothing_changed(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs")
    response = client_as(dsl).post(url("incidents:category-edit", category), valid_form())
    assert flash(response) == [("info", "Nothing changed in “Gangs”.")]
    assert not AuditEvent.objects.filter(action=AuditAction.CATEGORY_UPDATED).exists()


# Retiring


def test_retiring_a_category_keeps_it_listed_as_retired(client_as, dsl, school):
    bullying = get(school, "Bullying")
    response = client_as(dsl).post(url("incidents:category-retire", bullying))
    assert response.status_code == 302
    bullying.refresh_from_db()
    assert bullying.is_retired
    assert "can't be chosen for new ones" in flash(response)[0][1]
    assert 'aria-label="Bring back Bullying"' in client_as(dsl).get(LIST_URL).content.decode()


def test_retiring_needs_a_post(client_as, dsl, school):
    bullying = get(school, "Bullying")
    assert client_as(dsl).get(url("incidents:category-retire", bullying)).status_code == 405
    bullying.refresh_from_db()
    assert not bullying.is_retired


def test_bringing_back_a_retired_category(client_as, dsl, school):
    category = CategoryFactory(school=school, name="Gangs", is_retired=True)
    response = client_as(dsl).post(url("incidents:category-reinstate", category))
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_retired


# Ordering


def test_move_up_puts_the_category_above_its_neighbour(client_as, dsl, school):
    before = order(school)
    at = before.index("Bullying")
    response = client_as(dsl).post(url("incidents:category-move-up", get(school, "Bullying")))
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#category-{get(school, 'Bullying').pk}"
    assert order(school)[at - 1] == "Bullying"
    assert AuditEvent.objects.filter(action=AuditAction.CATEGORY_MOVED).count() == 1


def test_move_down_puts_the_category_below_its_neighbour(client_as, dsl, school):
    at = order(school).index("Bullying")
    client_as(dsl).post(url("incidents:category-move-down", get(school, "Bullying")))
    assert order(school)[at + 1] == "Bullying"


def test_moving_the_first_category_up_says_it_is_already_first(client_as, dsl, school):
    first = get(school, "Safeguarding concern")
    response = client_as(dsl).post(url("incidents:category-move-up", first))
    assert flash(response) == [("info", "“Safeguarding concern” is already first.")]
    assert order(school)[0] == "Safeguarding concern"


def test_moving_needs_a_post(client_as, dsl, school):
    before = order(school)
    response = client_as(dsl).get(url("incidents:category-move-up", get(school, "Bullying")))
    assert response.status_code == 405
    assert order(school) == before
