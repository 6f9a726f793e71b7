"""A pupil's profile is destroyed with their records once the retention period is over, the
photo's file too, and the audit trail still verifies: what was destroyed is named."""

import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.contacts import ContactDetails, add_contact, change_contact
from safeguard.casework.profile.household import dismiss_suggestion, link_pupils
from safeguard.casework.profile.models import Contact, HouseholdLink, Professional, PupilPhoto
from safeguard.casework.profile.photos import add_photo
from safeguard.casework.profile.professionals import ProfessionalDetails, add_professional
from safeguard.casework.tests.factories import png_upload
from safeguard.casework.tests.test_retention import past_retention, purge_function_source
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.tests.app_role import database_owner
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

MUM = ContactDetails(
    name="Jane Jones", relationship="Mother", has_parental_responsibility=True, phone="07700 900123"
)


def test_the_profile_goes_with_the_records_and_the_trail_verifies(
    lead, teacher, membership_of, school, django_capture_on_commit_callbacks
):
    pupil = past_retention(PupilFactory(school=school))
    sibling, cousin = PupilFactory(school=school), PupilFactory(school=school)
    record_test_incident(membership_of(teacher), pupil=pupil)
    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    second = change_contact(membership=lead, contact=first, details=MUM, reason="Checked")
    professional = add_professional(
        membership=lead,
        pupil=pupil,
        details=ProfessionalDetails(role="police", name="PC Hart", started_on=pupil.date_of_birth),
    )
    photo = add_photo(membership=lead, pupil=pupil, upload=png_upload())
    link = link_pupils(membership=lead, pupil=sibling, other=pupil, relationship="sibling")
    dismiss_suggestion(membership=lead, pupil=pupil, other=cousin)
    kept_contact = add_contact(membership=lead, pupil=sibling, details=MUM)
    kept_link = link_pupils(membership=lead, pupil=sibling, other=cousin, relationship="cousin")

    with django_capture_on_commit_callbacks(execute=True):
        destroy_pupil_records(actor=lead.user, pupil=pupil)

    assert list(Contact.objects.for_school(school).values_list("pk", flat=True)) == [
        kept_contact.pk
    ]
    assert not Professional.objects.for_school(school).exists()
    assert not PupilPhoto.objects.for_school(school).exists()
    assert list(HouseholdLink.objects.for_school(school).values_list("pk", flat=True)) == [
        kept_link.pk
    ]
    assert not default_storage.exists(photo.stored_name)
    destroyed = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED).detail["destroyed"]
    assert destroyed["casework.contact"] == [first.pk, second.pk]
    assert destroyed["casework.professional"] == [professional.pk]
    assert destroyed["casework.pupilphoto"] == [photo.pk]
    assert destroyed["casework.householdlink"] == [link.pk]
    assert len(destroyed["casework.siblingsuggestiondismissal"]) == 1
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_the_profile_to_the_purge_function_and_reverses(db):
    migration = import_module("safeguard.casework.migrations.0019_retention_purge_destroys_profile")
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_contact" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_contact" not in purge_function_source()
        assert "DELETE FROM casework_keyevent" in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_householdlink" in purge_function_source()
