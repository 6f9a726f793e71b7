"""Categories a lead allocates to a pupil linked to an incident: shown on that pupil's
chronology entries (never the main pupil's categories), matched by its category filter,
append-only and sealed, and destroyed with the incident at the end of retention."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.casework.chronology.entries import EntryType
from safeguard.casework.models import LinkedPupilCategories, LinkedPupilCategory
from safeguard.casework.services.linked_categories import allocate_linked_categories
from safeguard.incidents.models import Category, LinkRole
from safeguard.incidents.services.recording import Link
from safeguard.incidents.services.retention import destroy_pupil_records
from safeguard.incidents.tests.factories import add_test_action, category, record_test_incident
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def oscar(school):
    return PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Zebedee")


@pytest.fixture
def bullying_of_sally(teacher, membership_of, school, sally, oscar):
    """An incident recorded about Oscar (the bully), naming Sally as the child harmed."""
    return record_test_incident(
        membership_of(teacher),
        pupil=oscar,
        categories=[category(school, "Behaviour")],
        text="Oscar took Sally's bag again.",
        links=[Link(sally, LinkRole.AFFECTED)],
    )


def form_url(incident, pupil):
    return reverse(
        "casework:linked-categories", kwargs={"incident_id": incident.pk, "pupil_id": pupil.pk}
    )


def chronology(client, pupil, **filters):
    url = reverse("casework:chronology", kwargs={"pupil_id": pupil.pk})
    response = client.post(url, filters) if filters else client.get(url)
    assert response.status_code == 200
    return response


def test_a_lead_allocates_categories_to_a_linked_pupil_and_her_chronology_shows_them(
    client_as, dsl, school, sally, bullying_of_sally
):
    client = client_as(dsl)
    incident_page = client.get(reverse("incidents:incident-detail", args=[bullying_of_sally.pk]))
    content = incident_page.content.decode()
    assert "Categories for linked pupils" in content
    assert form_url(bullying_of_sally, sally) in content

    bullying = category(school, "Bullying")
    response = client.post(form_url(bullying_of_sally, sally), {"categories": [bullying.pk]})
    assert response.status_code == 302
    assert response["Location"].endswith("#review")

    rows = chronology(client, sally).context["page"].rows
    [entry] = [e for e in rows if e.type == EntryType.INCIDENT]
    assert entry.is_linked and [c.name for c in entry.categories] == ["Bullying"]
    # The main pupil's categories never pass to her, and his entry keeps his own.
    oscars = chronology(client, bullying_of_sally.review.pupil).context["page"].rows
    [own] = [e for e in oscars if e.type == EntryType.INCIDENT]
    assert [c.name for c in own.categories] == ["Behaviour"]
    event = AuditEvent.objects.get(action=AuditAction.LINKED_CATEGORIES_ALLOCATED)
    assert event.detail["categories"] == [bullying.pk] and event.pupil_id == sally.pk


def test_filtering_her_chronology_by_bullying_finds_the_incident_about_the_bully(
    client_as, dsl, lead, school, sally, bullying_of_sally
):
    action = add_test_action(lead, bullying_of_sally)
    bullying = category(school, "Bullying")
    allocate_linked_categories(
        membership=lead, incident=bullying_of_sally, pupil=sally, categories=[bullying]
    )
    client = client_as(dsl)
    found = chronology(client, sally, category=bullying.pk).context["page"].rows
    assert {(e.type, e.pk) for e in found} == {
        (EntryType.INCIDENT, bullying_of_sally.pk),
        (EntryType.ACTION, action.pk),
    }
    assert all(e.is_linked and [c.name for c in e.categories] == ["Bullying"] for e in found)
    # The incident's own category is Oscar's: it finds nothing in Sally's chronology.
    behaviour = category(school, "Behaviour")
    assert chronology(client, sally, category=behaviour.pk).context["page"].rows == []
    # A risk level is the main pupil's: linked entries never meet it.
    assert chronology(client, sally, risk_level="low").context["page"].rows == []


def test_the_newest_allocation_wins_and_the_earlier_ones_stay(
    lead, school, sally, bullying_of_sally
):
    from safeguard.casework.chronology.selectors import Filters, chronology_page

    bullying, online = category(school, "Bullying"), category(school, "Online safety")
    first = allocate_linked_categories(
        membership=lead, incident=bullying_of_sally, pupil=sally, categories=[bullying]
    )
    allocate_linked_categories(
        membership=lead, incident=bullying_of_sally, pupil=sally, categories=[online]
    )
    assert LinkedPupilCategories.objects.for_school(school).filter(pk=first.pk).exists()

    def shown(**filters):
        return chronology_page(membership=lead, pupil=sally, filters=Filters(**filters)).rows

    assert [c.name for c in shown()[0].categories] == ["Online safety"]
    assert shown(category=bullying) == []
    assert [e.pk for e in shown(category=online)] == [bullying_of_sally.pk]
    allocate_linked_categories(
        membership=lead, incident=bullying_of_sally, pupil=sally, categories=[]
    )
    assert shown()[0].categories == [] and shown(category=online) == []


def test_allocations_are_sealed_and_the_database_refuses_to_change_them(
    lead, school, sally, bullying_of_sally
):
    entry = allocate_linked_categories(
        membership=lead,
        incident=bullying_of_sally,
        pupil=sally,
        categories=[category(school, "Bullying")],
    )
    row = LinkedPupilCategory.objects.for_school(school).get(allocation=entry)
    assert Seal.objects.filter(
        record_type="casework.linkedpupilcategories", record_id=entry.pk
    ).exists()
    assert Seal.objects.filter(
        record_type="casework.linkedpupilcategory", record_id=row.pk
    ).exists()
    for statement in (
        "UPDATE casework_linkedpupilcategories SET made_at = made_at",
        "DELETE FROM casework_linkedpupilcategories",
        "UPDATE casework_linkedpupilcategory SET category_id = category_id",
        "DELETE FROM casework_linkedpupilcategory",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_bad_input_is_named_next_to_the_field(client_as, dsl, school, sally, bullying_of_sally):
    client = client_as(dsl)
    elsewhere = Category.objects.for_school(SchoolFactory()).first()
    response = client.post(form_url(bullying_of_sally, sally), {"categories": [elsewhere.pk]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["categories"][0]
    # Nothing allocated yet, nothing ticked: no change to save.
    response = client.post(form_url(bullying_of_sally, sally), {})
    assert response.status_code == 400
    assert "allocated already" in response.context["form"].errors["categories"][0]
    assert not LinkedPupilCategories.objects.for_school(school).exists()


def test_only_a_linked_pupil_has_the_form(client_as, dsl, school, oscar, bullying_of_sally):
    client = client_as(dsl)
    assert client.get(form_url(bullying_of_sally, oscar)).status_code == 404  # the main pupil
    stranger = PupilFactory(school=school)
    assert client.get(form_url(bullying_of_sally, stranger)).status_code == 404


def test_allocations_are_destroyed_with_the_incident_and_the_trail_verifies(
    lead, school, sally, oscar, bullying_of_sally
):
    entry = allocate_linked_categories(
        membership=lead,
        incident=bullying_of_sally,
        pupil=sally,
        categories=[category(school, "Bullying")],
    )
    long_ago = datetime.date.today().replace(year=datetime.date.today().year - 26)
    Pupil.objects.for_school(school).filter(pk=oscar.pk).update(date_of_birth=long_ago)
    oscar.refresh_from_db()
    destroy_pupil_records(actor=lead.user, pupil=oscar)
    assert not LinkedPupilCategories.objects.for_school(school).exists()
    assert not LinkedPupilCategory.objects.for_school(school).exists()
    destroyed = AuditEvent.objects.get(action=AuditAction.RECORDS_DESTROYED).detail["destroyed"]
    assert destroyed["casework.linkedpupilcategories"] == [entry.pk]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Sealed records intact" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no purge function")
def test_the_migration_adds_the_allocations_to_the_purge_function_and_reverses(db):
    from importlib import import_module

    from django.apps import apps

    from safeguard.casework.tests.test_retention import purge_function_source
    from safeguard.lib.tests.app_role import database_owner

    migration = import_module(
        "safeguard.casework.migrations.0021_retention_purge_destroys_linked_categories"
    )
    (operation,) = migration.Migration.operations
    assert "DELETE FROM casework_linkedpupilcategories" in purge_function_source()
    with database_owner(), connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
        assert "casework_linkedpupilcategor" not in purge_function_source()
        assert "DELETE FROM casework_keyevent" in purge_function_source()
        operation.code(apps, editor)
    assert "DELETE FROM casework_linkedpupilcategory " in purge_function_source()
