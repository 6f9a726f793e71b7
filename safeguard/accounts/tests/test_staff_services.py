"""Staff services: the rules hold whichever screen calls them, and every change is audited."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts import services
from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def membership_of(user, school) -> Membership:
    return Membership.objects.for_school(school).select_related("user", "school").get(user=user)


def invite(school, by, email="new@larkspur.example", role=Role.TEACHER, **extra):
    return services.invite_staff(
        school=school,
        invited_by=by,
        email=email,
        first_name="Nia",
        last_name="Okafor",
        role=role,
        **extra,
    )


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# Inviting ------------------------------------------------------------------------------


def test_inviting_creates_a_person_without_a_password(school, dsl):
    membership = invite(school, dsl, email="New@Larkspur.example", job_title="Year 6 teacher")

    assert membership.user.email == "new@larkspur.example"
    assert not membership.user.has_usable_password()
    assert membership.role == Role.TEACHER
    assert membership.job_title == "Year 6 teacher"
    assert membership.invited_by == dsl


def test_inviting_is_audited_with_ids_only(school, dsl):
    membership = invite(school, dsl)

    event = last_event(AuditAction.STAFF_INVITED)
    assert event.actor == dsl
    assert event.target_id == str(membership.pk)
    # Whether the account existed before is not said: the school's trail would reveal it.
    assert event.detail == {"user_id": membership.user_id, "role": Role.TEACHER}


def test_the_invitation_email_waits_for_the_commit(school, dsl, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(school, dsl)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_no_invitation_is_sent_when_the_change_rolls_back(
    school, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                invite(school, dsl)
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not User.objects.filter(email="new@larkspur.example").exists()


def test_inviting_someone_already_on_the_staff_list_is_refused(school, dsl, teacher):
    with pytest.raises(ValidationError) as error:
        invite(school, dsl, email="TEACHER@larkspur.example")

    assert error.value.message_dict == {"email": [services.ALREADY_ON_STAFF]}


def test_inviting_outside_the_schools_email_domains_is_refused(school, dsl):
    school.email_domains = "larkspur.sch.uk"
    school.save()

    with pytest.raises(ValidationError) as error:
        invite(school, dsl, email="someone@gmail.com")

    assert error.value.message_dict == {"email": ["Use an address ending @larkspur.sch.uk."]}


def test_inviting_inside_the_schools_email_domains_is_allowed(school, dsl):
    school.email_domains = "larkspur.sch.uk, larkspur-trust.org"
    school.save()

    membership = invite(school, dsl, email="head@Larkspur-Trust.org")

    assert membership.user.email == "head@larkspur-trust.org"


def test_inviting_someone_from_another_school_adds_a_role_to_the_same_person(
    school, dsl, dsl_other_school
):
    membership = invite(school, dsl, email="dsl@fernhill.example", role=Role.DEPUTY_DSL)

    dsl_other_school.refresh_from_db()
    assert membership.user == dsl_other_school
    assert dsl_other_school.check_password(DEFAULT_PASSWORD)
    assert dsl_other_school.first_name != "Nia"
    assert membership.display_first_name == "Nia"


def test_inviting_someone_deactivated_everywhere_lets_them_back_in(
    school, other_school, dsl, dsl_other_school, persona
):
    from safeguard.accounts.tests.factories import member

    leaver = member(other_school, Role.TEACHER, email="leaver@fernhill.example")
    services.deactivate_staff(
        membership=membership_of(leaver, other_school), deactivated_by=dsl_other_school
    )

    invite(school, dsl, email="leaver@fernhill.example")

    leaver.refresh_from_db()
    assert leaver.is_active


def test_inviting_a_senior_leader_adds_them_to_the_slt_group(school, dsl):
    membership = invite(school, dsl, role=Role.SLT)

    assert services.slt_group_of(school).members.filter(pk=membership.pk).exists()


# Re-sending ----------------------------------------------------------------------------


def test_resending_is_audited(school, dsl):
    membership = invite(school, dsl)

    services.resend_invitation(membership=membership, resent_by=dsl)

    assert last_event(AuditAction.INVITATION_RESENT).target_id == str(membership.pk)


def test_resending_to_someone_who_has_signed_in_is_refused(school, dsl, teacher):
    with pytest.raises(ValidationError, match="already signed in"):
        services.resend_invitation(membership=membership_of(teacher, school), resent_by=dsl)


def test_resending_to_a_deactivated_person_is_refused(school, dsl):
    membership = invite(school, dsl)
    services.deactivate_staff(membership=membership, deactivated_by=dsl)

    with pytest.raises(ValidationError, match="Reactivate"):
        services.resend_invitation(membership=membership, resent_by=dsl)


# Details and roles ---------------------------------------------------------------------


def test_updating_details_audits_the_changed_field_names(school, dsl, teacher):
    membership = membership_of(teacher, school)

    services.update_staff_details(
        membership=membership,
        updated_by=dsl,
        first_name="Terence",
        last_name=teacher.last_name,
        job_title="Head of Year 6",
    )

    teacher.refresh_from_db()
    assert teacher.first_name == "Terence"
    assert membership_of(teacher, school).job_title == "Head of Year 6"
    assert last_event(AuditAction.STAFF_UPDATED).detail == {"fields": ["first_name", "job_title"]}


def test_changing_a_role_is_audited_with_old_and_new_role(school, dsl, teacher):
    membership = membership_of(teacher, school)

    services.change_role(membership=membership, changed_by=dsl, role=Role.TEACHING_ASSISTANT)

    assert membership_of(teacher, school).role == Role.TEACHING_ASSISTANT
    event = last_event(AuditAction.ROLE_CHANGED)
    assert event.detail == {"old_role": Role.TEACHER, "new_role": Role.TEACHING_ASSISTANT}
    assert event.target_id == str(membership.pk)


def test_becoming_slt_joins_the_slt_group(school, dsl, teacher):
    membership = membership_of(teacher, school)

    services.change_role(membership=membership, changed_by=dsl, role=Role.SLT)

    assert services.slt_group_of(school).members.filter(pk=membership.pk).exists()


def test_leaving_slt_leaves_the_slt_group(school, dsl, teacher):
    membership = membership_of(teacher, school)
    services.change_role(membership=membership, changed_by=dsl, role=Role.SLT)

    services.change_role(membership=membership, changed_by=dsl, role=Role.TEACHER)

    assert not services.slt_group_of(school).members.filter(pk=membership.pk).exists()


def test_the_last_active_dsl_cannot_be_demoted(school, dsl, deputy):
    with pytest.raises(ValidationError) as error:
        services.change_role(
            membership=membership_of(dsl, school), changed_by=deputy, role=Role.DEPUTY_DSL
        )

    assert "only active DSL" in error.value.message_dict["role"][0]
    assert membership_of(dsl, school).role == Role.DSL


def test_a_dsl_can_be_demoted_when_another_dsl_remains(school, dsl, persona):
    persona(Role.DSL)

    services.change_role(membership=membership_of(dsl, school), changed_by=dsl, role=Role.SLT)

    assert membership_of(dsl, school).role == Role.SLT


def test_a_deactivated_dsl_does_not_count_as_the_remaining_dsl(school, dsl, deputy, persona):
    second = persona(Role.DSL)
    services.deactivate_staff(membership=membership_of(second, school), deactivated_by=dsl)

    with pytest.raises(ValidationError):
        services.change_role(
            membership=membership_of(dsl, school), changed_by=deputy, role=Role.TEACHER
        )


# Deactivating --------------------------------------------------------------------------


def test_deactivating_ends_the_role_and_disables_the_account(school, dsl, teacher):
    services.deactivate_staff(membership=membership_of(teacher, school), deactivated_by=dsl)

    membership = membership_of(teacher, school)
    assert not membership.is_active
    assert membership.deactivated_at is not None
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert last_event(AuditAction.STAFF_DEACTIVATED).detail == {
        "user_id": teacher.pk,
        "account_disabled": True,
        "sessions_ended": 0,
    }


def test_deactivating_in_one_school_keeps_the_account_for_another(
    school, other_school, dsl, dsl_other_school
):
    from safeguard.accounts.tests.factories import MembershipFactory

    both = UserFactory(email="supply@example.org")
    MembershipFactory(school=school, user=both, role=Role.TEACHER)
    MembershipFactory(school=other_school, user=both, role=Role.TEACHER)

    services.deactivate_staff(membership=membership_of(both, school), deactivated_by=dsl)

    both.refresh_from_db()
    assert both.is_active
    assert Membership.objects.active_for_user(both).get().school == other_school


def test_nobody_can_deactivate_themselves(school, dsl, persona):
    persona(Role.DSL)

    with pytest.raises(ValidationError, match="can't deactivate your own account"):
        services.deactivate_staff(membership=membership_of(dsl, school), deactivated_by=dsl)


def test_the_last_active_dsl_cannot_be_deactivated(school, dsl, deputy):
    with pytest.raises(ValidationError, match="only active DSL"):
        services.deactivate_staff(membership=membership_of(dsl, school), deactivated_by=deputy)

    assert membership_of(dsl, school).is_active


def test_deactivating_keeps_group_membership(school, dsl, teacher):
    group = services.create_group(school=school, created_by=dsl, name="Year 6 team")
    membership = membership_of(teacher, school)
    group.members.add(membership)

    services.deactivate_staff(membership=membership, deactivated_by=dsl)

    assert group.members.filter(pk=membership.pk).exists()


def test_reactivating_restores_the_role_and_the_account(school, dsl, teacher):
    services.deactivate_staff(membership=membership_of(teacher, school), deactivated_by=dsl)

    services.reactivate_staff(membership=membership_of(teacher, school), reactivated_by=dsl)

    membership = membership_of(teacher, school)
    assert membership.is_active and membership.deactivated_at is None
    teacher.refresh_from_db()
    assert teacher.is_active
    assert last_event(AuditAction.STAFF_REACTIVATED).target_id == str(membership.pk)
