"""Schools: services."""

import pytest

from safeguard.accounts import services
from safeguard.accounts.models import School, StaffGroup
from safeguard.accounts.signals import school_created
from safeguard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def receivers():
    """Connect receivers of school_created for one test."""
    connected: list[str] = []

    def connect(receiver) -> None:
        uid = f"test-school-created-{len(connected)}"
        school_created.connect(receiver, dispatch_uid=uid)
        connected.append(uid)

    yield connect
    for uid in connected:
        school_created.disconnect(dispatch_uid=uid)


def test_a_new_school_is_announced_to_the_apps_above_once_it_exists(receivers, dsl):
    announced: list[tuple[School, bool, bool]] = []

    def note(sender, school, **kwargs):
        has_slt_group = StaffGroup.objects.for_school(school).filter(is_slt=True).exists()
        audited = AuditEvent.objects.filter(
            action=AuditAction.SCHOOL_CREATED, school=school
        ).exists()
        announced.append((school, has_slt_group, audited))

    receivers(note)
    school = services.create_school(name="Oakfield Primary", created_by=dsl)
    # Saved with its SLT group, and announced before its creation is audited.
    assert announced == [(school, True, False)]


def test_a_receiver_that_fails_leaves_no_school(receivers):
    def fail(sender, school, **kwargs):
        raise RuntimeError("categories could not be made")

    receivers(fail)
    with pytest.raises(RuntimeError):
        services.create_school(name="Oakfield Primary")
    assert not School.objects.filter(name="Oakfield Primary").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SCHOOL_CREATED).exists()


def test_a_new_trust_is_audited_belonging_to_no_school(dsl):
    trust = services.find_or_create_trust(name=" Northwind Trust ", created_by=dsl)

    assert trust.name == "Northwind Trust"
    event = AuditEvent.objects.get(action=AuditAction.TRUST_CREATED)
    assert (event.actor, event.school, event.target_type, event.target_id) == (
        dsl,
        None,
        "trust",
        str(trust.pk),
    )


def test_an_existing_trust_is_found_and_nothing_is_audited(dsl):
    trust = services.find_or_create_trust(name="Northwind Trust", created_by=dsl)
    again = services.find_or_create_trust(name="Northwind Trust", created_by=dsl)

    assert again == trust
    assert AuditEvent.objects.filter(action=AuditAction.TRUST_CREATED).count() == 1
