"""Factories for the incidents app's tests: categories, and incidents and actions made
through the real submit services (there is no other way to make one)."""

import datetime
import uuid
from typing import Any

import factory
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.incidents.models import Action, Alert, Category, Incident
from safeguard.lib.tests.factories import ModelFactory


class CategoryFactory(ModelFactory[Category]):
    class Meta:
        model = Category

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


def category(school: Any, name: str) -> Category:
    """The school's category of that name (every school starts with the default list)."""
    return Category.objects.for_school(school).get(name=name)


def record_test_incident(
    membership: Membership,
    pupil: Any = None,
    categories: Any = None,
    submit_key: uuid.UUID | None = None,
    text: str = "Sally said she was sad.",
    **extra: Any,
) -> Incident:
    """An incident recorded through the real service, "Safeguarding concern" unless told."""
    from safeguard.incidents.services import recording
    from safeguard.pupils.tests.factories import PupilFactory

    school = membership.school
    if pupil is None:
        pupil = PupilFactory(school=school)
    if categories is None:
        categories = [category(school, "Safeguarding concern")]
    return recording.submit_incident(
        membership=membership,
        submit_key=submit_key or uuid.uuid4(),
        pupil=pupil,
        kind="conversation",
        text=text,
        occurred_at=timezone.now(),
        categories=categories,
        **extra,
    ).record


def unsealed_action(incident: Incident, text: str) -> Action:
    """An action written straight to its table, behind the service's back: nothing audits
    or seals it (for the tests of what the database and verify_audit make of that)."""
    return Action.objects.create(
        school=incident.school,
        incident=incident,
        author=incident.author,
        text=text,
        occurred_at=timezone.now(),
        submit_key=uuid.uuid4(),
    )


def make_restricted(incident: Incident, *, by: Membership) -> Incident:
    """A DSL re-categorises the incident as Child protection, a restricted category."""
    from safeguard.incidents.services import corrections

    corrections.recategorise(
        membership=by,
        incident=incident,
        categories=[category(incident.school, "Child protection")],
        reason="Disclosure.",
    )
    return incident


def make_kept_with_leads(incident: Incident, *, by: Membership, reason: str = "") -> Incident:
    """A DSL or deputy keeps the incident with the leads."""
    from safeguard.incidents.services import corrections

    corrections.keep_with_leads(
        membership=by, incident=incident, reason=reason or "Police asked us to limit it."
    )
    return incident


def overdue_assignment(incident: Incident, *, to: Any, text: str, days: int) -> Action:
    """An assignment for `to`, due `days` ago: written straight to its table, as the service
    refuses a due date in the past."""
    return Action.objects.create(
        school_id=incident.school_id,
        incident=incident,
        author=incident.author,
        text=text,
        occurred_at=incident.occurred_at,
        assigned_to=to,
        due_on=timezone.localdate() - datetime.timedelta(days=days),
        is_shared_with_alerted=True,  # as submit_action stores a non-lead's action
        submit_key=uuid.uuid4(),
    )


def add_test_action(membership: Membership, incident: Incident, **fields: Any) -> Action:
    """An action added through the real service, now, under a fresh submit key."""
    from safeguard.incidents.services.actions import submit_action

    fields.setdefault("text", "Spoke to mum at the gate.")
    fields.setdefault("submit_key", uuid.uuid4())
    fields.setdefault("occurred_at", timezone.now())
    return submit_action(membership=membership, incident=incident, **fields).record


def alert_of(user: Any, incident: Incident) -> Alert:
    """The one alert `user` has about the incident."""
    return Alert.objects.for_school(incident.school_id).get(incident=incident, recipient=user)


def alerts_of(user, incident: Incident) -> list[Alert]:
    return list(
        Alert.objects.for_school(incident.school_id)
        .filter(incident=incident, recipient=user)
        .order_by("id")
    )


def newest_alert_of(user, incident: Incident) -> Alert:
    return alerts_of(user, incident)[-1]


def work_in(client: Any, school: Any) -> None:
    """Switch the signed-in client's session to `school`, as the school menu does."""
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
