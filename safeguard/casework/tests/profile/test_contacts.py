"""Contacts: added and changed by a lead as versions, never overwritten; reachable by at
least one of phone, email and address; the profile shows the current version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.contacts import (
    NO_WAY_TO_REACH,
    ContactDetails,
    add_contact,
    change_contact,
    remove_contact,
)
from safeguard.casework.profile.models import Contact
from safeguard.casework.profile.selectors import contacts_of
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

MUM = ContactDetails(
    name="Jane Jones",
    relationship="Mother",
    has_parental_responsibility=True,
    phone="07700 900123",
    address="12 Elm Road\nLeeds",
)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school)


def test_a_lead_adds_a_contact_audited_and_sealed(lead, pupil):
    contact = add_contact(membership=lead, pupil=pupil, details=MUM)
    assert contact.made_by == lead.user
    assert contact.phone_key == "7700900123"  # the last ten digits: +44 7700... matches
    assert contact.address_key == "12elmroadleeds"
    event = AuditEvent.objects.get(action=AuditAction.CONTACT_ADDED)
    assert event.pupil_id == pupil.pk
    assert "sealed" in event.detail
    assert "Jane" not in str(event.detail)
    assert list(contacts_of(pupil)) == [contact]


def test_a_contact_with_no_way_to_reach_them_is_refused_by_the_phone_field(lead, pupil):
    details = ContactDetails(
        name="Jane Jones", relationship="Mother", has_parental_responsibility=True
    )
    with pytest.raises(ValidationError) as refused:
        add_contact(membership=lead, pupil=pupil, details=details)
    assert refused.value.message_dict == {"phone": [NO_WAY_TO_REACH]}
    assert not Contact.objects.for_school(pupil.school).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call me", "digits, spaces"),
        ("phone", "123", "too short"),
        ("email", "jane@", "like name@example.org"),
        ("name", "Jane\u202eJones", "direction"),
    ],
)
def test_bad_details_are_named_by_their_field(lead, pupil, field, value, message):
    with pytest.raises(ValidationError) as refused:
        add_contact(
            membership=lead, pupil=pupil, details=ContactDetails(**{**vars(MUM), field: value})
        )
    assert message in " ".join(refused.value.message_dict[field])


def test_a_change_is_a_new_version_and_the_old_one_is_kept(lead, pupil):
    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    moved = ContactDetails(**{**vars(MUM), "address": "4 Oak Lane\nLeeds"})
    second = change_contact(membership=lead, contact=first, details=moved, reason="Moved house")
    assert second.lineage == first.lineage
    assert second.supersedes_id == first.pk
    assert list(contacts_of(pupil)) == [second]
    first.refresh_from_db()
    assert first.address == "12 Elm Road\nLeeds"
    event = AuditEvent.objects.get(action=AuditAction.CONTACT_CHANGED)
    assert event.detail["fields"] == ["address"]


def test_changing_a_version_someone_else_already_changed_is_refused(lead, pupil):
    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    change_contact(membership=lead, contact=first, details=MUM, reason="")
    with pytest.raises(ValidationError, match="Someone else changed this"):
        change_contact(membership=lead, contact=first, details=MUM, reason="")


def test_a_removed_contact_leaves_the_profile_and_keeps_its_history(lead, pupil):
    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    with pytest.raises(ValidationError):
        remove_contact(membership=lead, version=first, reason=" ")
    removal = remove_contact(membership=lead, version=first, reason="Added by mistake")
    assert removal.is_removed and removal.phone == MUM.phone
    assert list(contacts_of(pupil)) == []
    assert Contact.objects.for_school(pupil.school).count() == 2


def test_only_a_lead_of_the_pupils_school_keeps_contacts(
    teacher, dsl_other_school, membership_of, pupil
):
    for member in (membership_of(teacher), membership_of(dsl_other_school)):
        with pytest.raises(PermissionDenied):
            add_contact(membership=member, pupil=pupil, details=MUM)


def test_the_database_refuses_to_change_or_delete_a_contact(lead, pupil):
    contact = add_contact(membership=lead, pupil=pupil, details=MUM)
    for sql in (
        "UPDATE casework_contact SET phone = '0' WHERE id = %s",
        "DELETE FROM casework_contact WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [contact.pk])


# The pages


def test_the_profile_shows_contacts_to_leads_only(client_as, dsl, teacher, lead, pupil):
    add_contact(membership=lead, pupil=pupil, details=MUM)
    page = client_as(dsl).get(reverse("pupils:pupil-detail", args=[pupil.pk]))
    assert b"Jane Jones" in page.content and b"07700 900123" in page.content
    assert AuditEvent.objects.filter(action=AuditAction.PROFILE_VIEWED, pupil_id=pupil.pk).exists()


def test_adding_a_contact_with_no_way_to_reach_them_keeps_what_was_typed(client_as, dsl, pupil):
    url = reverse("casework:contact-add", args=[pupil.pk])
    posted = {
        "name": "Jane Jones",
        "relationship": "Mother",
        "has_parental_responsibility": "yes",
        "court_order_notes": "Child arrangements order, 2024.",
    }
    response = client_as(dsl).post(url, posted)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"phone": [NO_WAY_TO_REACH]}
    html = response.content.decode()
    assert 'value="Jane Jones"' in html and "Child arrangements order, 2024." in html
    response = client_as(dsl).post(url, {**posted, "email": "jane@example.org"})
    assert response.status_code == 302
    assert contacts_of(pupil).get().email == "jane@example.org"


def test_editing_and_history_pages(client_as, dsl, lead, pupil):
    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    client = client_as(dsl)
    edit = reverse("casework:contact-edit", args=[pupil.pk, first.pk])
    assert 'value="Jane Jones"' in client.get(edit).content.decode()
    posted = {
        "name": "Jane Jones",
        "relationship": "Mother",
        "has_parental_responsibility": "no",
        "phone": "07700 900123",
        "reason": "Court order made",
        "do_not_contact": "on",
    }
    assert client.post(edit, posted).status_code == 302
    current = contacts_of(pupil).get()
    assert current.do_not_contact and not current.has_parental_responsibility
    # The old version's edit page now leads to the current one.
    moved = client.get(edit)
    assert moved.status_code == 302
    assert moved["Location"] == reverse("casework:contact-edit", args=[pupil.pk, current.pk])
    history = client.get(reverse("casework:contact-history", args=[pupil.pk, first.pk]))
    assert history.status_code == 200
    assert b"12 Elm Road" in history.content and b"Court order made" in history.content


def test_opening_a_contacts_edit_form_is_audited_as_a_view_of_the_profile(
    client_as, dsl, lead, pupil
):
    from safeguard.audit.models import AuditEvent

    first = add_contact(membership=lead, pupil=pupil, details=MUM)
    client_as(dsl).get(reverse("casework:contact-edit", args=[pupil.pk, first.pk]))
    [viewed] = AuditEvent.objects.filter(action="profile_viewed", pupil_id=pupil.pk)
    assert viewed.detail == {"contact": first.pk} and viewed.actor == dsl
