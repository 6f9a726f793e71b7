from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import Role
from safeguard.demo.people import DEMO_PASSWORD, FERNHILL, LARKSPUR
from safeguard.lib.upn import upn_problem
from safeguard.pupils.models import Pupil, PupilStatus

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    schools = list(School.objects.all())
    return {
        "schools": len(schools),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "memberships": Membership.objects.for_schools(schools).count(),
        "groups": StaffGroup.objects.for_schools(schools).count(),
        "pupils": Pupil.objects.for_schools(schools).count(),
        "statuses": PupilStatus.objects.for_schools(schools).count(),
    }


def test_running_load_demo_twice_creates_nothing_the_second_time():
    load_demo()
    first = row_counts()
    output = load_demo()
    assert row_counts() == first
    assert "nothing new" in output


def test_demo_gives_larkspur_one_account_for_every_role():
    load_demo()
    larkspur = School.objects.get(name=LARKSPUR)
    roles = set(Membership.objects.for_school(larkspur).values_list("role", flat=True))
    assert roles == set(Role.values)


def test_every_demo_account_can_sign_in_with_the_printed_password():
    output = load_demo()
    assert DEMO_PASSWORD in output
    for email in ("dsl@larkspur.example", "governor@larkspur.example", "dsl@fernhill.example"):
        assert email in output
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None, email
    assert not EmailAddress.objects.filter(verified=False).exists()


def test_larkspur_has_a_second_teacher_printed_with_the_other_accounts():
    output = load_demo()
    larkspur = School.objects.get(name=LARKSPUR)
    teachers = Membership.objects.for_school(larkspur).filter(role=Role.TEACHER)
    emails = set(teachers.values_list("user__email", flat=True))
    assert emails == {"teacher@larkspur.example", "teacher2@larkspur.example"}
    assert "teacher2@larkspur.example" in output
    assert authenticate(email="teacher2@larkspur.example", password=DEMO_PASSWORD) is not None


def test_demo_trust_lead_belongs_to_both_schools():
    load_demo()
    lead = User.objects.get(email="lead@northwind.example")
    schools = set(Membership.objects.active_for_user(lead).values_list("school__name", flat=True))
    assert schools == {LARKSPUR, FERNHILL}


def test_demo_pupils_have_valid_upns_and_some_are_archived():
    load_demo()
    larkspur = School.objects.get(name=LARKSPUR)
    fernhill = School.objects.get(name=FERNHILL)
    pupils = Pupil.objects.for_schools([larkspur, fernhill])
    assert 90 <= pupils.count() <= 110
    assert [p.upn for p in pupils if upn_problem(p.upn)] == []
    assert pupils.filter(school=larkspur, is_archived=True).count() == 2
    assert pupils.exclude(preferred_first_name="").exists()


def test_demo_slt_group_holds_the_senior_leader():
    load_demo()
    larkspur = School.objects.get(name=LARKSPUR)
    slt_group = StaffGroup.objects.for_school(larkspur).get(is_slt=True)
    emails = set(slt_group.members.values_list("user__email", flat=True))
    assert "slt@larkspur.example" in emails


def test_demo_password_meets_the_password_policy():
    validate_password(DEMO_PASSWORD)  # raises ValidationError if the policy refuses it
