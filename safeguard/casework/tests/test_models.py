"""Reviews can't be changed or deleted by anyone, and are sealed; every school has decisions."""

import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safeguard.accounts.services import create_school
from safeguard.casework.models import DEFAULT_DECISION_OPTIONS, DecisionOption, TriageEntry
from safeguard.casework.selectors import decision_options_of
from safeguard.casework.tests.factories import review
from safeguard.lib.tests.app_role import database_owner

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_update_of_a_review_is_refused(lead, incident, school):
    entry = review(lead, incident, risk_level="low")
    with pytest.raises(DatabaseError):
        raw("UPDATE casework_triageentry SET risk_level = 'high' WHERE id = %s", [entry.pk])
    assert TriageEntry.objects.for_school(school).get(pk=entry.pk).risk_level == "low"


def test_a_raw_delete_of_a_review_is_refused(lead, incident, school):
    entry = review(lead, incident)
    with pytest.raises(DatabaseError):
        raw("DELETE FROM casework_triageentry WHERE id = %s", [entry.pk])
    assert TriageEntry.objects.for_school(school).filter(pk=entry.pk).exists()


def test_saving_a_review_again_is_refused(lead, incident):
    entry = review(lead, incident)
    entry.rationale = "Rewritten later."
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()


def test_verify_audit_vouches_for_reviews_and_names_one_changed_behind_its_back(
    lead, incident, school
):
    entry = review(lead, incident, risk_level="medium")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
    # As the database's owner would: triggers out of the way (rolled back with the test).
    rewrite = "UPDATE casework_triageentry SET risk_level = 'low' WHERE id = %s"
    with database_owner(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER casework_triageentry_no_update")
            cursor.execute(rewrite, [entry.pk])
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending on the table
            cursor.execute("ALTER TABLE casework_triageentry DISABLE TRIGGER USER")
            cursor.execute(rewrite, [entry.pk])
            cursor.execute("ALTER TABLE casework_triageentry ENABLE TRIGGER USER")
    with pytest.raises(Exception, match=f"casework.triageentry {entry.pk}: contents differ"):
        call_command("verify_audit", stdout=io.StringIO())


def test_a_new_school_starts_with_the_default_decisions(db):
    school = create_school(name="Oakfield Primary")
    names = list(decision_options_of(school).values_list("name", flat=True))
    assert names == DEFAULT_DECISION_OPTIONS


def test_the_migration_gives_schools_without_decisions_the_defaults(school, other_school):
    DecisionOption.unscoped.filter(school=other_school).delete()
    migration = import_module(
        "safeguard.casework.migrations.0002_default_decision_options_for_existing_schools"
    )
    migration.give_existing_schools_the_defaults(apps, None)
    assert decision_options_of(other_school).count() == len(DEFAULT_DECISION_OPTIONS)
    assert decision_options_of(school).count() == len(DEFAULT_DECISION_OPTIONS)  # untouched
