"""The staff group screens."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from safeguard.accounts import services
from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.tests.factories import StaffGroupFactory

pytestmark = pytest.mark.django_db


def membership_of(user, school) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def group_url(group: StaffGroup, name: str) -> str:
    return reverse(f"school:{name}", kwargs={"group_id": group.pk})


def test_group_list_puts_slt_first(school, dsl, client_as):
    StaffGroupFactory(school=school, name="Attendance")

    response = client_as(dsl).get(reverse("school:group-list"))

    assert [g.name for g in response.context["groups"]] == ["SLT", "Attendance"]


def test_group_list_counts_only_active_members(school, dsl, teacher, midday, client_as):
    group = StaffGroupFactory(
        school=school,
        name="Lunch",
        members=[membership_of(teacher, school), membership_of(midday, school)],
    )
    services.deactivate_staff(membership=membership_of(midday, school), deactivated_by=dsl)

    response = client_as(dsl).get(reverse("school:group-list"))

    counts = {g.pk: g.active_member_count for g in response.context["groups"]}
    assert counts[group.pk] == 1


def test_creating_a_group_leads_to_choosing_its_members(school, dsl, client_as):
    response = client_as(dsl).post(
        reverse("school:group-create"), {"name": "SEND team", "description": "SENCO"}
    )

    group = StaffGroup.objects.for_school(school).get(name="SEND team")
    assert response.url == group_url(group, "group-members")


def test_a_duplicate_group_name_is_refused_next_to_the_field(school, dsl, client_as):
    StaffGroupFactory(school=school, name="SEND team")

    response = client_as(dsl).post(reverse("school:group-create"), {"name": "send Team"})

    assert response.context["form"].errors == {
        "name": ["Your school already has a group with this name."]
    }
    assert 'value="send Team"' in response.text


def test_renaming_the_slt_group_is_refused_with_a_reason(school, dsl, client_as):
    slt_group = services.slt_group_of(school)

    response = client_as(dsl).post(
        group_url(slt_group, "group-update"), {"name": "Leaders", "description": ""}
    )

    assert response.context["form"].errors == {"name": [services.SLT_RENAME]}
    assert services.slt_group_of(school).name == "SLT"


def test_renaming_a_custom_group(school, dsl, client_as):
    group = StaffGroupFactory(school=school, name="Year 6")

    client_as(dsl).post(group_url(group, "group-update"), {"name": "Year 6 team"})

    assert StaffGroup.objects.for_school(school).get(pk=group.pk).name == "Year 6 team"


def test_choosing_members_saves_them(school, dsl, teacher, midday, client_as):
    group = StaffGroupFactory(school=school, name="Lunch")
    chosen = [membership_of(teacher, school).pk, membership_of(midday, school).pk]

    response = client_as(dsl).post(group_url(group, "group-members"), {"members": chosen})

    assert response.status_code == 302
    assert sorted(group.members.values_list("pk", flat=True)) == sorted(chosen)


def test_slt_group_members_are_editable(school, dsl, teacher, client_as):
    slt_group = services.slt_group_of(school)

    client_as(dsl).post(
        group_url(slt_group, "group-members"), {"members": [membership_of(dsl, school).pk]}
    )

    assert list(slt_group.members.all()) == [membership_of(dsl, school)]


def test_a_member_from_another_school_is_not_a_valid_choice(
    school, other_school, dsl, dsl_other_school, client_as
):
    group = StaffGroupFactory(school=school, name="Lunch")
    elsewhere = membership_of(dsl_other_school, other_school)

    response = client_as(dsl).post(group_url(group, "group-members"), {"members": [elsewhere.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "members": ["Choose active staff of your own school only."]
    }
    assert not group.members.exists()


def test_deactivated_members_are_shown_as_deactivated(school, dsl, teacher, client_as):
    membership = membership_of(teacher, school)
    group = StaffGroupFactory(school=school, name="Year 6 team", members=[membership])
    services.deactivate_staff(membership=membership, deactivated_by=dsl)

    response = client_as(dsl).get(group_url(group, "group-members"))

    assert response.context["deactivated_members"] == [membership]
    assert "Deactivated members" in response.text


def test_deleting_a_group_asks_first_then_deletes(school, dsl, client_as):
    group = StaffGroupFactory(school=school, name="Pastoral team")
    client = client_as(dsl)

    confirm = client.get(group_url(group, "group-delete"))
    assert confirm.status_code == 200
    assert StaffGroup.objects.for_school(school).filter(pk=group.pk).exists()

    client.post(group_url(group, "group-delete"))
    assert not StaffGroup.objects.for_school(school).filter(pk=group.pk).exists()


def test_deleting_the_slt_group_is_refused_with_a_reason(school, dsl, client_as):
    slt_group = services.slt_group_of(school)

    response = client_as(dsl).post(group_url(slt_group, "group-delete"), follow=True)

    assert escape("The SLT group is built in and can't be deleted.") in response.text
    assert StaffGroup.objects.for_school(school).filter(pk=slt_group.pk).exists()
