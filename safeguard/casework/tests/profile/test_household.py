"""Siblings and household: one link shows on both pupils; suggestions come from shared
contacts, for a lead to confirm or dismiss; another school's pupil is not a valid choice."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.contacts import ContactDetails, add_contact
from safeguard.casework.profile.household import dismiss_suggestion, link_pupils, unlink_pupils
from safeguard.casework.profile.selectors import contacts_of, household_of, suggested_siblings
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


@pytest.fixture
def tom(school):
    return PupilFactory(school=school, legal_first_name="Tom", legal_last_name="Jones")


def mum(**changes):
    fields = {
        "name": "Jane Jones",
        "relationship": "Mother",
        "has_parental_responsibility": True,
        "phone": "07700 900123",
    }
    return ContactDetails(**{**fields, **changes})


def suggestions_for(pupil):
    contacts = list(contacts_of(pupil))
    return suggested_siblings(pupil, contacts, household_of(pupil))


def test_a_link_shows_on_both_pupils_and_can_be_removed(lead, sally, tom):
    link = link_pupils(membership=lead, pupil=tom, other=sally, relationship="half_sibling")
    assert (link.pupil_id, link.other_pupil_id) == tuple(sorted([sally.pk, tom.pk]))
    assert [m.pupil for m in household_of(sally)] == [tom]
    assert [m.pupil for m in household_of(tom)] == [sally]
    with pytest.raises(ValidationError, match="already linked"):
        link_pupils(membership=lead, pupil=sally, other=tom, relationship="sibling")
    unlink_pupils(membership=lead, version=link, reason="Not related after all")
    assert household_of(sally) == [] and household_of(tom) == []
    assert AuditEvent.objects.filter(action=AuditAction.HOUSEHOLD_UNLINKED).exists()


def test_a_pupil_cannot_be_linked_to_themselves(lead, sally):
    with pytest.raises(ValidationError):
        link_pupils(membership=lead, pupil=sally, other=sally, relationship="sibling")


@pytest.mark.parametrize(
    ("theirs", "shared"),
    [
        ({"phone": "+44 7700 900123"}, ("name and phone number",)),
        ({"name": "J Jones", "phone": "", "email": "JANE@example.org"}, ("email address",)),
        ({"name": "Mr Jones", "phone": "", "address": "12 Elm Road, LEEDS"}, ("address",)),
    ],
)
def test_a_shared_contact_suggests_a_sibling(lead, sally, tom, theirs, shared):
    add_contact(
        membership=lead,
        pupil=sally,
        details=mum(email="jane@example.org", address="12 Elm Road\nLeeds"),
    )
    add_contact(membership=lead, pupil=tom, details=mum(**theirs))
    [suggestion] = suggestions_for(sally)
    assert suggestion.pupil == tom and suggestion.shared == shared


def test_the_same_phone_under_another_name_is_no_suggestion(lead, sally, tom):
    add_contact(membership=lead, pupil=sally, details=mum())
    add_contact(membership=lead, pupil=tom, details=mum(name="Bob Smith"))
    assert suggestions_for(sally) == []


def test_linked_and_dismissed_pupils_are_not_suggested(lead, sally, tom, school):
    ann = PupilFactory(school=school)
    for pupil in (sally, tom, ann):
        add_contact(membership=lead, pupil=pupil, details=mum())
    assert {s.pupil for s in suggestions_for(sally)} == {tom, ann}
    link_pupils(membership=lead, pupil=sally, other=tom, relationship="sibling")
    dismiss_suggestion(membership=lead, pupil=ann, other=sally)
    assert suggestions_for(sally) == []


def test_another_schools_contacts_suggest_nobody(
    lead, sally, dsl_other_school, membership_of, other_school
):
    elsewhere = PupilFactory(school=other_school)
    add_contact(membership=lead, pupil=sally, details=mum())
    add_contact(membership=membership_of(dsl_other_school), pupil=elsewhere, details=mum())
    assert suggestions_for(sally) == []


# The pages


def test_a_lead_finds_a_pupil_by_name_and_links_them(client_as, dsl, sally, tom):
    client = client_as(dsl)
    url = reverse("casework:household-add", args=[sally.pk])
    found = client.post(url, {"q": "tom", "intent": "search"})
    assert found.status_code == 200
    assert f'value="{tom.pk}"' in found.content.decode()
    missing = client.post(url, {"q": "tom", "other_pupil": tom.pk, "intent": "link"})
    assert missing.status_code == 400
    assert list(missing.context["form"].errors) == ["relationship"]
    assert f'value="{tom.pk}"' in missing.content.decode()  # still offered, still chosen
    done = client.post(
        url, {"q": "tom", "other_pupil": tom.pk, "relationship": "sibling", "intent": "link"}
    )
    assert done.status_code == 302
    page = client.get(reverse("pupils:pupil-detail", args=[tom.pk]))
    assert b"Sally" in page.content and b"Sibling" in page.content


def test_another_schools_pupil_is_not_a_valid_choice(client_as, dsl, sally, other_school):
    elsewhere = PupilFactory(school=other_school)
    client = client_as(dsl)
    response = client.post(
        reverse("casework:household-add", args=[sally.pk]),
        {"other_pupil": elsewhere.pk, "relationship": "sibling", "intent": "link"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["other_pupil"][0]
    dismissed = client.post(
        reverse("casework:household-dismiss", args=[sally.pk]), {"other_pupil": elsewhere.pk}
    )
    assert dismissed.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.SIBLING_DISMISSED).exists()


def test_the_profile_offers_a_suggestion_to_confirm_or_dismiss(client_as, dsl, lead, sally, tom):
    add_contact(membership=lead, pupil=sally, details=mum())
    add_contact(membership=lead, pupil=tom, details=mum())
    client = client_as(dsl)
    page = client.get(reverse("pupils:pupil-detail", args=[sally.pk])).content.decode()
    assert "Possibly related" in page and "same name and phone number" in page
    client.post(reverse("casework:household-dismiss", args=[sally.pk]), {"other_pupil": tom.pk})
    page = client.get(reverse("pupils:pupil-detail", args=[sally.pk])).content.decode()
    assert "Possibly related" not in page
