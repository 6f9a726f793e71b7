import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguard.accounts.models import Membership, School, User
from safeguard.accounts.permissions import Role
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.incidents.models import Category

pytestmark = pytest.mark.django_db

ARGS = [
    "--name",
    "Oakfield Primary",
    "--urn",
    "123456",
    "--email-domains",
    "oakfield.example",
    "--operator",
    "it@example.org",
    "--dsl-email",
    "dsl@oakfield.example",
    "--dsl-first-name",
    "Priya",
    "--dsl-last-name",
    "Shah",
]


@pytest.fixture
def operator():
    return User.objects.create_superuser(
        "it@example.org", "An-Operator-Pass-9!", first_name="IT", last_name="Lead"
    )


def test_adds_the_school_with_its_defaults_and_invites_the_dsl(
    operator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_school", *ARGS)
    school = School.objects.get(name="Oakfield Primary")
    dsl = Membership.objects.for_school(school).get(user__email="dsl@oakfield.example")
    assert dsl.role == Role.DSL
    assert Category.objects.for_school(school).count() == 20
    assert [m.to for m in mailoutbox] == [["dsl@oakfield.example"]]


def test_refuses_an_operator_who_is_not_a_superuser(db):
    with pytest.raises(CommandError, match="superuser"):
        call_command("add_school", *ARGS)
    assert not School.objects.exists()


def test_a_bad_dsl_address_adds_nothing(operator):
    bad = [*ARGS[:-6], "--dsl-email", "dsl@elsewhere.example", *ARGS[-4:]]
    with pytest.raises(CommandError):
        call_command("add_school", *bad)
    assert not School.objects.exists()


def test_a_new_trust_is_made_and_its_creation_audited_naming_the_operator(operator):
    call_command("add_school", *ARGS, "--trust", "Northwind Trust")
    school = School.objects.get(name="Oakfield Primary")
    event = AuditEvent.objects.get(action=AuditAction.TRUST_CREATED)
    assert school.trust is not None
    assert school.trust.name == "Northwind Trust"
    assert (event.actor, event.target_id) == (operator, str(school.trust.pk))
