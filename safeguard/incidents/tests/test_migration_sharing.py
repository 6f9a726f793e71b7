"""Migration 0006: actions already added stay shared, their table stays guarded, alerts
already sent to someone as a lead are marked so, and others name no restricted category."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safeguard.incidents.models import Action, Alert, Category
from safeguard.incidents.services.actions import submit_action
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.tests.app_role import database_owner

BEFORE = [("incidents", "0005_refuse_replace_and_retention_purge")]
# Forward to the latest migration, so the tests after this one find the schema they expect.
AFTER = [("incidents", "0008_seal_existing_records")]


def migrate(target) -> None:
    with database_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_existing_actions_stay_shared_and_lead_alerts_are_marked(
    school, dsl, deputy, teacher, slt, membership_of
):
    behaviour = Category.objects.for_school(school).get(name="Behaviour")
    protection = Category.objects.for_school(school).get(name="Child protection")
    ordinary = record_test_incident(
        membership_of(teacher), categories=[behaviour], people=[membership_of(slt)]
    )
    restricted = record_test_incident(membership_of(dsl), categories=[protection])
    action = submit_action(
        membership=membership_of(dsl),
        incident=ordinary,
        submit_key=uuid.uuid4(),
        text="Spoke to mum.",
        occurred_at=timezone.now(),
    ).record
    assert action.is_shared_with_alerted is False

    migrate(BEFORE)
    # As an alert about an action could be labelled once a DSL had added Child protection.
    Alert.objects.for_school(school).filter(recipient=slt).update(
        category_label="Behaviour, Child protection"
    )
    migrate(AFTER)

    action = Action.objects.for_school(school).get(pk=action.pk)
    assert action.is_shared_with_alerted is True
    alerts = Alert.objects.for_school(school)
    assert not alerts.get(incident=ordinary, recipient=slt).is_lead_only
    assert alerts.get(incident=ordinary, recipient=slt).category_label == "Behaviour"
    assert alerts.get(incident=restricted, recipient=deputy).is_lead_only
    with pytest.raises(DatabaseError), transaction.atomic():
        Action.objects.for_school(school).filter(pk=action.pk).update(text="Changed.")
