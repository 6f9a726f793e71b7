"""The staff screens as a DSL uses them."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from safeguard.accounts import services
from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import DEFAULT_PASSWORD, give_totp
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

INVITE = {
    "first_name": "Nia",
    "last_name": "Okafor",
    "email": "nia.okafor@larkspur.example",
    "role": Role.TEACHER,
    "job_title": "Year 3 teacher",
}


def membership_of(user, school) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def detail_url(membership: Membership, name: str = "staff-detail") -> str:
    return reverse(f"school:{name}", kwargs={"membership_id": membership.pk})


# List ----------------------------------------------------------------------------------


def test_staff_list_shows_each_person_with_role_and_status(school, dsl, teacher, client_as):
    services.invite_staff(
        school=school,
        invited_by=dsl,
        email="pending@larkspur.example",
        first_name="Pat",
        last_name="Pending",
        role=Role.OFFICE,
    )

    response = client_as(dsl).get(reverse("school:staff-list"))

    page = response.text
    assert "teacher@larkspur.example" in page
    assert "Pat Pending" in page and "Office / admin staff" in page
    assert "Invited, not yet signed in" in page


def test_staff_list_leaves_out_other_schools_staff(dsl, dsl_other_school, client_as):
    response = client_as(dsl).get(reverse("school:staff-list"))

    assert "dsl@fernhill.example" not in response.text


def test_staff_list_filters_by_role(dsl, teacher, midday, client_as):
    response = client_as(dsl).get(reverse("school:staff-list"), {"role": Role.MIDDAY})

    assert [m.user for m in response.context["staff"]] == [midday]


def test_staff_list_filters_by_status(school, dsl, teacher, midday, client_as):
    services.deactivate_staff(membership=membership_of(midday, school), deactivated_by=dsl)
    client = client_as(dsl)

    deactivated = client.get(reverse("school:staff-list"), {"status": "deactivated"})
    active = client.get(reverse("school:staff-list"), {"status": "active"})

    assert [m.user for m in deactivated.context["staff"]] == [midday]
    assert midday not in [m.user for m in active.context["staff"]]
    assert teacher in [m.user for m in active.context["staff"]]


def test_staff_list_filters_invited_people(school, dsl, teacher, client_as):
    invited = services.invite_staff(
        school=school,
        invited_by=dsl,
        email="pending@larkspur.example",
        first_name="Pat",
        last_name="Pending",
        role=Role.OFFICE,
    )

    response = client_as(dsl).get(reverse("school:staff-list"), {"status": "invited"})

    assert list(response.context["staff"]) == [invited]


# Invite --------------------------------------------------------------------------------


def test_inviting_sends_the_email_and_shows_the_new_person(
    school, dsl, client_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(dsl).post(reverse("school:staff-invite"), INVITE, follow=True)

    membership = Membership.objects.for_school(school).get(user__email=INVITE["email"])
    assert response.redirect_chain[-1][0] == detail_url(membership)
    assert "emailed at nia.okafor@larkspur.example" in response.text
    assert [m.to for m in mail.outbox] == [[INVITE["email"]]]


def test_inviting_an_address_already_on_the_staff_list_shows_an_error_by_the_field(
    dsl, teacher, client_as
):
    response = client_as(dsl).post(
        reverse("school:staff-invite"), {**INVITE, "email": "Teacher@Larkspur.example"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [services.ALREADY_ON_STAFF]}
    assert 'value="Okafor"' in response.text


def test_inviting_outside_the_school_domains_names_the_allowed_ending(school, dsl, client_as):
    school.email_domains = "larkspur.sch.uk"
    school.save()

    response = client_as(dsl).post(reverse("school:staff-invite"), INVITE)

    assert response.context["form"].errors == {"email": ["Use an address ending @larkspur.sch.uk."]}
    assert "Use an address ending @larkspur.sch.uk." in response.text


def test_inviting_without_a_role_asks_for_one(dsl, client_as):
    response = client_as(dsl).post(reverse("school:staff-invite"), {**INVITE, "role": ""})

    assert response.context["form"].errors == {"role": ["Choose their role."]}
    assert (
        not Membership.objects.for_school(dsl.memberships.get().school)
        .filter(user__email=INVITE["email"])
        .exists()
    )


def test_a_deputy_can_invite_a_dsl(school, deputy, client_as):
    client_as(deputy).post(reverse("school:staff-invite"), {**INVITE, "role": Role.DSL})

    assert Membership.objects.for_school(school).get(user__email=INVITE["email"]).role == Role.DSL


# Detail, details, role ----------------------------------------------------------------


def test_editing_a_name_and_job_title_saves_them(school, dsl, teacher, client_as):
    membership = membership_of(teacher, school)

    response = client_as(dsl).post(
        detail_url(membership),
        {"first_name": "Terence", "last_name": "Teach", "job_title": "SENCO"},
    )

    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.last_name) == ("Terence", "Teach")
    assert membership_of(teacher, school).job_title == "SENCO"


def test_a_blank_name_is_refused_next_to_the_field(school, dsl, teacher, client_as):
    response = client_as(dsl).post(
        detail_url(membership_of(teacher, school)),
        {"first_name": "", "last_name": "Teach", "job_title": ""},
    )

    assert "first_name" in response.context["details_form"].errors


def test_changing_a_role_takes_effect_at_the_next_click(school, dsl, teacher, client_as):
    give_totp(teacher)  # a deputy must have a second factor
    teacher_client = client_as(teacher)
    assert teacher_client.get(reverse("school:staff-list")).status_code == 403

    client_as(dsl).post(
        detail_url(membership_of(teacher, school), "staff-change-role"),
        {"role": Role.DEPUTY_DSL},
    )

    assert teacher_client.get(reverse("school:staff-list")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).count() == 1


def test_demoting_the_last_dsl_shows_why_next_to_the_role(school, dsl, deputy, client_as):
    response = client_as(deputy).post(
        detail_url(membership_of(dsl, school), "staff-change-role"), {"role": Role.TEACHER}
    )

    assert response.status_code == 200
    assert "only active DSL" in response.context["role_form"].errors["role"][0]
    assert membership_of(dsl, school).role == Role.DSL


def test_a_dsl_who_demotes_themselves_goes_to_the_dashboard(school, dsl, persona, client_as):
    persona(Role.DSL)

    response = client_as(dsl).post(
        detail_url(membership_of(dsl, school), "staff-change-role"), {"role": Role.TEACHER}
    )

    assert response.url == reverse("dashboard")


def test_an_unknown_role_is_refused(school, dsl, teacher, client_as):
    response = client_as(dsl).post(
        detail_url(membership_of(teacher, school), "staff-change-role"), {"role": "superuser"}
    )

    assert "role" in response.context["role_form"].errors
    assert membership_of(teacher, school).role == Role.TEACHER


# Re-send, deactivate, reactivate -------------------------------------------------------


def test_resending_an_invitation_emails_a_new_link(
    school, dsl, client_as, django_capture_on_commit_callbacks
):
    membership = services.invite_staff(
        school=school,
        invited_by=dsl,
        email="pending@larkspur.example",
        first_name="Pat",
        last_name="Pending",
        role=Role.OFFICE,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(dsl).post(
            detail_url(membership, "staff-resend-invitation"), follow=True
        )

    assert "A new invitation has been sent" in response.text
    assert len(mail.outbox) == 1


def test_resending_to_someone_signed_up_explains_why_not(school, dsl, teacher, client_as):
    response = client_as(dsl).post(
        detail_url(membership_of(teacher, school), "staff-resend-invitation"), follow=True
    )

    assert "already signed in" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.INVITATION_RESENT).exists()


def test_deactivating_signs_the_person_out_at_their_next_click(school, dsl, teacher, client_as):
    teacher_client = client_as(teacher)
    assert teacher_client.get(reverse("dashboard")).status_code == 200

    client_as(dsl).post(detail_url(membership_of(teacher, school), "staff-deactivate"))

    response = teacher_client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_deactivated_person_cannot_sign_in(school, dsl, teacher, client_as, client):
    client_as(dsl).post(detail_url(membership_of(teacher, school), "staff-deactivate"))

    client.post(
        reverse("account_login"),
        {"login": "teacher@larkspur.example", "password": DEFAULT_PASSWORD},
    )

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_deactivating_yourself_is_refused_with_a_message(school, dsl, persona, client_as):
    persona(Role.DSL)

    response = client_as(dsl).post(
        detail_url(membership_of(dsl, school), "staff-deactivate"), follow=True
    )

    assert escape("You can't deactivate your own account.") in response.text
    assert membership_of(dsl, school).is_active


def test_deactivating_the_last_dsl_is_refused_with_a_message(school, dsl, deputy, client_as):
    response = client_as(deputy).post(
        detail_url(membership_of(dsl, school), "staff-deactivate"), follow=True
    )

    assert "only active DSL" in response.text
    assert membership_of(dsl, school).is_active


def test_reactivating_lets_the_person_back_in(school, dsl, teacher, client_as):
    client = client_as(dsl)
    client.post(detail_url(membership_of(teacher, school), "staff-deactivate"))

    client.post(detail_url(membership_of(teacher, school), "staff-reactivate"))

    assert client_as(teacher).get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["staff-change-role", "staff-resend-invitation", "staff-deactivate", "staff-reactivate"],
)
def test_state_changes_refuse_get(school, dsl, teacher, client_as, name):
    response = client_as(dsl).get(detail_url(membership_of(teacher, school), name))

    assert response.status_code == 405
