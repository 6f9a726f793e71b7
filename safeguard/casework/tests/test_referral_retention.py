"""A pupil's referrals, with their outcomes and chases, and their meetings go with the rest of
their records at the end of retention; the trail still verifies."""

import datetime
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.referrals.models import (
    Meeting,
    Referral,
    ReferralAgency,
    ReferralChase,
    ReferralOutcome,
)
from safeguard.casework.referrals.services import add_chase, add_outcome, log_referral
from safeguard.casework.tests.test_retention import past_retention, purge_function_source
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.lib.tests.app_role import database_owner
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def referral_of(lead, pupil):
    referral = log_referral(
        membership=lead,
        pupil=pupil,
        agency=ReferralAgency.objects.for_school(lead.school).first(),
        sent_at=timezone.now() - datetime.timedelta(days=3),
        sent_by=lead.user,
        method="portal",
        is_consent_sought=True,
    )
    add_outcome(
        membership=lead, referral=referral, kind="acknowledged", happened_on=timezone.localdate()
    )
    add_chase(
        membership=lead,
        referral=referral,
        chased_on=timezone.localdate(),
        method="phone",
        contact="Duty worker",
    )
    return referral


def test_a_pupils_referrals_go_with_their_records_and_the_trail_verifies(lead, school):
    pupil = past_retention(PupilFactory(school=school))
    doomed = referral_of(lead, pupil)
    kept = referral_of(lead, PupilFactory(school=school))
    destroy_pupil_records(actor=lead.user, pupil=pupil)
    assert list(Referral.objects.for_school(school).values_list("pk", flat=True)) == [kept.pk]
    assert ReferralOutcome.objects.for_school(school).count() == 1
    assert ReferralChase.objects.for_school(school).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED)
    assert event.detail["destroyed"]["casework.referral"] == [doomed.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()
    assert not Meeting.objects.for_school(school).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_referrals_and_meetings_to_the_purge_function_and_reverses(db):
    migration = import_module(
        "safeguard.casework.migrations.0016_retention_purge_destroys_referrals_and_meetings"
    )
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_referralchase" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_referral" not in purge_function_source()
        assert "DELETE FROM casework_keyevent" in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_meeting" in purge_function_source()
