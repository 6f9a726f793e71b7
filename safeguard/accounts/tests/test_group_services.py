"""Staff groups and school details: services."""

import pytest
from django.core.exceptions import ValidationError

from safeguard.accounts import services
from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.tests.factories import StaffGroupFactory
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def membership_of(user, school) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_creating_a_group_is_audited(school, dsl):
    group = services.create_group(
        school=school, created_by=dsl, name=" SEND team ", description="SENCO and TAs"
    )

    assert group.name == "SEND team"
    assert last_event(AuditAction.GROUP_CREATED).target_id == str(group.pk)


def test_group_names_are_unique_ignoring_case(school, dsl):
    StaffGroupFactory(school=school, name="SEND team")

    with pytest.raises(ValidationError) as error:
        services.create_group(school=school, created_by=dsl, name="send TEAM")

    assert error.value.message_dict == {"name": ["Your school already has a group with this name."]}


def test_another_school_may_use_the_same_group_name(school, other_school, dsl):
    StaffGroupFactory(school=other_school, name="SEND team")

    assert services.create_group(school=school, created_by=dsl, name="SEND team").pk


def test_renaming_a_group_audits_the_changed_fields(school, dsl):
    group = StaffGroupFactory(school=school, name="Year 6")

    services.update_group(group=group, updated_by=dsl, name="Year 6 team", description="")

    assert StaffGroup.objects.for_school(school).get(pk=group.pk).name == "Year 6 team"
    assert last_event(AuditAction.GROUP_UPDATED).detail == {"fields": ["name"]}


def test_the_slt_group_cannot_be_renamed(school, dsl):
    slt_group = services.slt_group_of(school)

    with pytest.raises(ValidationError) as error:
        services.update_group(group=slt_group, updated_by=dsl, name="Leaders", description="")

    assert error.value.message_dict == {"name": [services.SLT_RENAME]}


def test_the_slt_group_can_be_described(school, dsl):
    slt_group = services.slt_group_of(school)

    services.update_group(
        group=slt_group, updated_by=dsl, name="SLT", description="Head, deputy, DSL"
    )

    assert services.slt_group_of(school).description == "Head, deputy, DSL"


def _lose_the_slt_group(school) -> None:
    StaffGroup.objects.for_school(school).filter(is_slt=True).delete()


def test_a_missing_slt_group_recreated_for_a_role_change_is_audited(school, dsl, teacher):
    _lose_the_slt_group(school)
    services.change_role(membership=membership_of(teacher, school), changed_by=dsl, role="slt")

    slt_group = services.slt_group_of(school)
    event = last_event(AuditAction.GROUP_CREATED)
    assert (event.actor, event.school, event.target_id) == (dsl, school, str(slt_group.pk))
    assert event.detail == {"is_slt": True}


def test_a_missing_slt_group_recreated_for_an_invitation_is_audited(school, dsl):
    _lose_the_slt_group(school)
    services.invite_staff(
        school=school,
        invited_by=dsl,
        email="head@larkspur.example",
        first_name="Hana",
        last_name="Head",
        role="slt",
    )

    event = last_event(AuditAction.GROUP_CREATED)
    assert (event.actor, event.target_id) == (dsl, str(services.slt_group_of(school).pk))


def test_finding_the_slt_group_writes_nothing(school):
    before = AuditEvent.objects.count()
    services.slt_group_of(school)
    assert AuditEvent.objects.count() == before


def test_the_slt_group_cannot_be_deleted(school, dsl):
    with pytest.raises(ValidationError, match="can't be deleted"):
        services.delete_group(group=services.slt_group_of(school), deleted_by=dsl)


def test_deleting_a_group_is_audited(school, dsl, teacher):
    group = StaffGroupFactory(school=school, members=[membership_of(teacher, school)])

    services.delete_group(group=group, deleted_by=dsl)

    assert not StaffGroup.objects.for_school(school).filter(pk=group.pk).exists()
    assert last_event(AuditAction.GROUP_DELETED).detail == {"member_count": 1}


def test_setting_members_records_who_was_added_and_removed(school, dsl, teacher, midday):
    t, m = membership_of(teacher, school), membership_of(midday, school)
    group = StaffGroupFactory(school=school, members=[t])

    services.set_group_members(group=group, updated_by=dsl, members=[m])

    assert list(group.members.all()) == [m]
    assert last_event(AuditAction.GROUP_UPDATED).detail == {
        "added_membership_ids": [m.pk],
        "removed_membership_ids": [t.pk],
    }


def test_setting_members_keeps_deactivated_members(school, dsl, teacher, midday):
    t, m = membership_of(teacher, school), membership_of(midday, school)
    group = StaffGroupFactory(school=school, members=[t])
    services.deactivate_staff(membership=t, deactivated_by=dsl)

    services.set_group_members(group=group, updated_by=dsl, members=[m])

    assert set(group.members.all()) == {t, m}


def test_members_from_another_school_are_refused(school, other_school, dsl, dsl_other_school):
    group = StaffGroupFactory(school=school)

    with pytest.raises(ValidationError):
        services.set_group_members(
            group=group, updated_by=dsl, members=[membership_of(dsl_other_school, other_school)]
        )

    assert not group.members.exists()


def test_updating_the_school_audits_the_changed_field_names(school, dsl):
    services.update_school(
        school=school,
        updated_by=dsl,
        changes={"urn": "123456", "name": school.name, "mfa_required_for_all": True},
    )

    school.refresh_from_db()
    assert school.urn == "123456" and school.mfa_required_for_all
    event = last_event(AuditAction.SCHOOL_UPDATED)
    assert event.detail == {"fields": ["mfa_required_for_all", "urn"]}
    assert event.school == school
