"""One school acting on a person who also works at another school.

Nell teaches at Fernhill. Both schools accept addresses at the trust's shared domain, so
Larkspur's DSL can invite her. Larkspur then manages its own membership of her (role, job
title, deactivation here), never her account: her name, keys and sessions are hers (or a
school's she works at alone), and an invitation tells Larkspur nothing it didn't type.
"""

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from safeguard.accounts.models import Membership, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TOTP_SECRET,
    give_totp,
    member,
)
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SHARED_DOMAIN = "northwind.example"
NELL = "nell@northwind.example"


@pytest.fixture(autouse=True)
def _shared_domain(school, other_school):
    school.email_domains = f"larkspur.example,{SHARED_DOMAIN}"
    school.save()
    other_school.email_domains = f"fernhill.example,{SHARED_DOMAIN}"
    other_school.save()


@pytest.fixture
def nell(other_school) -> User:
    """A Fernhill teacher with an authenticator app."""
    return member(
        other_school,
        Role.TEACHER,
        email=NELL,
        first_name="Eleanor",
        last_name="Whitlock",
        with_key=True,
    )


def invite(client: Client, email: str, first: str = "Nell", last: str = "Typed"):
    return client.post(
        reverse("school:staff-invite"),
        {"first_name": first, "last_name": last, "email": email, "role": Role.TEACHER},
    )


def membership_in(school, user: User) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def detail_url(membership: Membership) -> str:
    return reverse("school:staff-detail", kwargs={"membership_id": membership.pk})


def shared_nell(client_as, dsl, school, nell) -> Membership:
    invite(client_as(dsl), NELL)
    return membership_in(school, nell)


def signed_in_at_fernhill(nell) -> Client:
    """Nell signs in for real (password, then her authenticator app): a tracked session."""
    client = Client()
    client.post(reverse("account_login"), {"login": NELL, "password": DEFAULT_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert UserSession.objects.filter(user=nell).exists()
    return client


# Inviting an existing account reveals nothing ----------------------------------------


def test_inviting_an_existing_account_never_shows_their_registered_name(
    client_as, dsl, school, nell
):
    client = client_as(dsl)

    response = invite(client, NELL)
    followed = client.get(response["Location"]).content.decode()
    listed = client.get(reverse("school:staff-list")).content.decode()

    assert membership_in(school, nell).is_active
    for page in (followed, listed):
        assert "Nell Typed" in page
        assert "Eleanor" not in page and "Whitlock" not in page


def test_invitation_answer_is_the_same_for_a_new_and_an_existing_account(
    client_as, dsl, school, nell
):
    def answer(email: str) -> tuple[int, str, list[str]]:
        response = invite(client_as(dsl), email, first="Sam", last="Same")
        membership = Membership.objects.for_school(school).get(user__email=email)
        texts = [str(m).replace(email, "EMAIL") for m in get_messages(response.wsgi_request)]
        return (
            response.status_code,
            response["Location"].replace(str(membership.pk), "ID"),
            texts,
        )

    assert answer("someone.new@northwind.example") == answer(NELL)


def test_invited_existing_account_is_listed_as_invited_until_they_sign_in_here(
    client_as, dsl, school, nell
):
    membership = shared_nell(client_as, dsl, school, nell)

    page = client_as(dsl).get(detail_url(membership)).content.decode()

    assert "Invited, not yet signed in" in page
    assert reverse("school:staff-resend-invitation", kwargs={"membership_id": membership.pk}) in (
        page
    )


def test_invitation_audit_event_does_not_say_the_account_existed(client_as, dsl, school, nell):
    shared_nell(client_as, dsl, school, nell)

    event = AuditEvent.objects.get(action=AuditAction.STAFF_INVITED, school=school)

    assert "existing_person" not in event.detail


# Account-level changes need the person to work at this school alone --------------------


def test_school_cannot_rename_someone_who_also_works_at_another_school(
    client_as, dsl, school, nell
):
    membership = shared_nell(client_as, dsl, school, nell)

    response = client_as(dsl).post(
        detail_url(membership),
        {"first_name": "Renamed", "last_name": "ByLarkspur", "job_title": ""},
    )

    nell.refresh_from_db()
    assert response.status_code == 200
    assert "the person themself" in response.content.decode()
    assert (nell.first_name, nell.last_name) == ("Eleanor", "Whitlock")


def test_school_may_still_set_the_job_title_of_someone_shared(client_as, dsl, school, nell):
    membership = shared_nell(client_as, dsl, school, nell)

    client_as(dsl).post(
        detail_url(membership),
        {"first_name": "Nell", "last_name": "Typed", "job_title": "Year 3 cover"},
    )

    membership.refresh_from_db()
    nell.refresh_from_db()
    assert membership.job_title == "Year 3 cover"
    assert (nell.first_name, nell.last_name) == ("Eleanor", "Whitlock")


def test_school_cannot_revoke_the_keys_of_someone_shared(client_as, dsl, school, nell):
    membership = shared_nell(client_as, dsl, school, nell)
    sessions = signed_in_at_fernhill(nell)

    response = client_as(dsl).post(
        reverse("school:staff-keys-revoke", kwargs={"membership_id": membership.pk})
    )

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=nell).exists()
    assert UserSession.objects.filter(user=nell).exists()
    assert sessions.get(reverse("dashboard")).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.KEYS_REVOKED).exists()


def test_keys_page_of_someone_shared_lists_nothing_and_says_who_can(client_as, dsl, school, nell):
    membership = shared_nell(client_as, dsl, school, nell)

    page = (
        client_as(dsl)
        .get(reverse("school:staff-keys", kwargs={"membership_id": membership.pk}))
        .content.decode()
    )

    assert "Authenticator app" not in page
    assert "the person themself" in page
    assert reverse("school:staff-keys-revoke", kwargs={"membership_id": membership.pk}) not in (
        page
    )


def test_deactivating_here_leaves_their_other_schools_sessions_alone(client_as, dsl, school, nell):
    membership = shared_nell(client_as, dsl, school, nell)
    at_fernhill = signed_in_at_fernhill(nell)

    client_as(dsl).post(reverse("school:staff-deactivate", kwargs={"membership_id": membership.pk}))

    membership.refresh_from_db()
    nell.refresh_from_db()
    assert not membership.is_active
    assert nell.is_active
    assert UserSession.objects.filter(user=nell).exists()
    assert at_fernhill.get(reverse("dashboard")).status_code == 200


def test_deactivating_someone_who_works_here_alone_still_ends_their_sessions(
    client_as, dsl, school, teacher
):
    signed_in = Client()
    signed_in.post(reverse("account_login"), {"login": teacher.email, "password": DEFAULT_PASSWORD})
    membership = membership_in(school, teacher)

    client_as(dsl).post(reverse("school:staff-deactivate", kwargs={"membership_id": membership.pk}))

    assert not UserSession.objects.filter(user=teacher).exists()


def test_other_school_loses_account_changes_once_the_person_is_shared(
    client_as, dsl, dsl_other_school, school, other_school, nell
):
    shared_nell(client_as, dsl, school, nell)

    response = client_as(dsl_other_school).post(
        reverse(
            "school:staff-keys-revoke",
            kwargs={"membership_id": membership_in(other_school, nell).pk},
        )
    )

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=nell).exists()


def test_account_change_by_the_person_is_audited_in_each_of_their_schools(
    client_as, dsl, school, other_school, nell
):
    shared_nell(client_as, dsl, school, nell)
    client = client_as(nell)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    totp = Authenticator.objects.get(user=nell, type=Authenticator.Type.TOTP)

    client.post(reverse("mfa_deactivate_totp"), {"id": totp.pk})

    events = AuditEvent.objects.filter(action=AuditAction.KEY_REMOVED)
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    assert sorted(e.school_id for e in events) == sorted([school.pk, other_school.pk])


def test_account_change_by_a_school_is_audited_there_for_someone_in_one_school(
    client_as, dsl, school, teacher
):
    give_totp(teacher)
    membership = membership_in(school, teacher)

    client_as(dsl).post(
        reverse("school:staff-keys-revoke", kwargs={"membership_id": membership.pk})
    )

    events = AuditEvent.objects.filter(action=AuditAction.KEYS_REVOKED)
    assert [e.school_id for e in events] == [school.pk]


def test_name_change_of_someone_in_one_school_is_still_allowed(client_as, dsl, school, teacher):
    membership = membership_in(school, teacher)

    client_as(dsl).post(
        detail_url(membership), {"first_name": "Terence", "last_name": "New", "job_title": ""}
    )

    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.last_name) == ("Terence", "New")
    assert AuditEvent.objects.get(action=AuditAction.STAFF_UPDATED).school == school


# Email addresses stay within the person's schools' domains --------------------------------


@pytest.fixture
def terry(teacher) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": teacher.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    return client


def test_staff_cannot_add_a_personal_address(terry, teacher):
    response = terry.post(
        reverse("account_email"), {"action_add": "", "email": "terry@personal.example"}
    )

    assert response.status_code == 200
    assert "@larkspur.example" in response.content.decode()
    assert not EmailAddress.objects.filter(email="terry@personal.example").exists()


def test_staff_may_add_an_address_at_any_of_their_schools_domains(terry, teacher, other_school):
    Membership.objects.create(school=other_school, user=teacher, role=Role.TEACHER)

    terry.post(reverse("account_email"), {"action_add": "", "email": "terry@fernhill.example"})

    assert EmailAddress.objects.filter(user=teacher, email="terry@fernhill.example").exists()


def test_address_of_a_school_they_have_left_is_refused(terry, teacher, other_school):
    Membership.objects.create(school=other_school, user=teacher, role=Role.TEACHER, is_active=False)

    terry.post(reverse("account_email"), {"action_add": "", "email": "terry@fernhill.example"})

    assert not EmailAddress.objects.filter(email="terry@fernhill.example").exists()


def test_an_old_personal_address_cannot_be_made_primary(terry, teacher):
    old = EmailAddress.objects.create(
        user=teacher, email="terry@personal.example", verified=True, primary=False
    )

    terry.post(reverse("account_email"), {"action_primary": "", "email": old.email})

    teacher.refresh_from_db()
    old.refresh_from_db()
    assert teacher.email == "teacher@larkspur.example"
    assert not old.primary


# The person's own name: theirs to change, in every school ----------------------------------


def test_someone_shared_changes_their_own_name_and_both_schools_are_told(
    client_as, dsl, school, other_school, nell
):
    """The school that may not rename her (above) sees her own change, audited in both."""
    membership = shared_nell(client_as, dsl, school, nell)

    response = client_as(nell).post(
        reverse("accounts:own-details"), {"first_name": "Nell", "last_name": "Whitlock-Hart"}
    )

    assert response.status_code == 302
    nell.refresh_from_db()
    assert (nell.first_name, nell.last_name) == ("Nell", "Whitlock-Hart")
    events = AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED)
    assert sorted(e.school_id for e in events) == sorted([school.pk, other_school.pk])
    assert all(
        e.actor == nell and e.detail == {"fields": ["first_name", "last_name"]} for e in events
    )
    # Larkspur's screens now show the name she gave, no longer the one Larkspur typed.
    page = client_as(dsl).get(detail_url(membership)).content.decode()
    assert "Nell Whitlock-Hart" in page and "Nell Typed" not in page


def test_your_details_changes_only_your_own_account_whatever_is_posted(
    client_as, dsl, school, nell
):
    """No id in the address or the form: a crafted field naming someone else does nothing."""
    membership = shared_nell(client_as, dsl, school, nell)

    client_as(dsl).post(
        reverse("accounts:own-details"),
        {
            "first_name": "Dana",
            "last_name": "Whitfield",
            "user": nell.pk,
            "membership_id": membership.pk,
            "email": NELL,
        },
    )

    nell.refresh_from_db()
    assert (nell.first_name, nell.last_name) == ("Eleanor", "Whitlock")


@pytest.mark.parametrize(
    ("first_name", "message"),
    [
        ("\u3164", "This shows as blank"),
        ("Ann\u2028Smith", "Keep this to one line"),
        ("Ann\u200bSmith", "invisible characters"),
        ("Ann\u00adSmith", "invisible characters"),
    ],
    ids=["hangul-filler-only", "line-separator", "zero-width-space", "soft-hyphen"],
)
def test_your_details_refuses_a_name_that_shows_blank_or_hides_characters(
    client_as, teacher, first_name, message
):
    """A name other schools' lists and emails would show as empty, or as two lines, or with
    characters nobody can see, is refused with what was typed kept."""
    before = (teacher.first_name, teacher.last_name)
    response = client_as(teacher).post(
        reverse("accounts:own-details"), {"first_name": first_name, "last_name": "Okoro"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["last_name"].value() == "Okoro"
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.last_name) == before
