"""Two leads with the same incident open: a form opened earlier never undoes what another
lead changed since, and a change asked of it is refused saying what it is now. A reason
given for a change that isn't one is refused too, never dropped."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.models import TriageEntry
from safeguard.casework.tests.factories import review
from safeguard.casework.tests.test_views import form_data
from safeguard.incidents.models import (
    CorrectionKind,
    IncidentCorrection,
    IncidentReview,
    ReviewStatus,
)
from safeguard.incidents.services import corrections
from safeguard.incidents.tests.factories import category

pytestmark = pytest.mark.django_db


def refused(**fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        review(**fields)
    return caught.value.message_dict


def categories_now(incident) -> set[str]:
    current = IncidentReview.objects.for_school(incident.school_id).get(incident=incident)
    return set(current.categories.values_list("name", flat=True))


def status_now(incident) -> str:
    return IncidentReview.objects.for_school(incident.school_id).get(incident=incident).status


@pytest.fixture
def deputy_lead(deputy, membership_of):
    return membership_of(deputy)


@pytest.fixture
def reviewed(lead, incident):
    """Reviewed once (so open), categories as recorded: Safeguarding concern."""
    review(lead, incident)
    return incident


def protect(deputy_lead, incident) -> None:
    """Another lead makes it Child protection (restricted) while the first has it open."""
    corrections.recategorise(
        membership=deputy_lead,
        incident=incident,
        categories=[category(incident.school, "Child protection")],
        reason="A disclosure.",
    )


def test_a_form_opened_before_another_leads_change_leaves_the_categories_alone(
    lead, deputy_lead, reviewed, school
):
    shown = [category(school, "Safeguarding concern")]
    protect(deputy_lead, reviewed)
    review(lead, reviewed, categories=shown, categories_shown=shown, status_shown=ReviewStatus.OPEN)
    assert categories_now(reviewed) == {"Child protection"}
    recategorised = IncidentCorrection.objects.for_school(school).filter(
        incident=reviewed, kind=CorrectionKind.RECATEGORISE
    )
    assert recategorised.count() == 1  # the other lead's only


def test_changing_categories_another_lead_changed_since_is_refused(
    lead, deputy_lead, reviewed, school
):
    shown = [category(school, "Safeguarding concern")]
    protect(deputy_lead, reviewed)
    problems = refused(
        membership=lead,
        incident=reviewed,
        categories=[*shown, category(school, "Bullying")],
        categories_shown=shown,
        categories_reason="Name-calling too.",
    )
    assert problems["categories"][0].startswith(
        "Another lead changed the categories since you opened this form: they are now "
        "Child protection."
    )
    assert categories_now(reviewed) == {"Child protection"}


def test_a_change_from_what_was_shown_is_made_when_nobody_changed_it(lead, reviewed, school):
    shown = [category(school, "Safeguarding concern")]
    review(
        lead,
        reviewed,
        categories=[*shown, category(school, "Bullying")],
        categories_shown=shown,
        categories_reason="Name-calling too.",
    )
    assert categories_now(reviewed) == {"Safeguarding concern", "Bullying"}


def test_a_status_as_shown_is_left_and_a_status_changed_since_is_refused(
    lead, deputy_lead, reviewed
):
    corrections.set_status(
        membership=deputy_lead, incident=reviewed, status=ReviewStatus.CLOSED, reason="Done."
    )
    # Chosen as the form showed it (open): no change, so it stays closed.
    review(lead, reviewed, status=ReviewStatus.OPEN, status_shown=ReviewStatus.OPEN)
    assert status_now(reviewed) == ReviewStatus.CLOSED
    problems = refused(
        membership=lead,
        incident=reviewed,
        status=ReviewStatus.MONITORING,
        status_shown=ReviewStatus.OPEN,
        status_reason="Keep an eye.",
    )
    assert problems["status"][0].startswith(
        "Another lead changed the status since you opened this form: it is now “Closed”."
    )
    assert status_now(reviewed) == ReviewStatus.CLOSED


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"categories_reason": "Because."}, "categories_reason", "The categories don't change"),
        ({"status_reason": "Because."}, "status_reason", "The status doesn't change"),
        (
            {"status_reason": "Because.", "mark_reviewed": False},
            "status_reason",
            "The status doesn't change",
        ),
    ],
)
def test_a_reason_for_no_change_is_refused_next_to_it(lead, reviewed, fields, field, message):
    entries = TriageEntry.objects.for_school(reviewed.school_id).count()
    problems = refused(membership=lead, incident=reviewed, **fields)
    assert problems[field][0].startswith(message)
    assert TriageEntry.objects.for_school(reviewed.school_id).count() == entries


def test_the_page_refuses_a_stale_change_keeps_what_was_typed_and_takes_it_the_second_time(
    client_as, dsl, deputy_lead, reviewed, school
):
    url = reverse("casework:review-incident", args=[reviewed.pk])
    bullying = str(category(school, "Bullying").pk)
    opened = form_data(reviewed, categories_reason="Pattern of name-calling.")
    opened["categories"] = [*opened["categories"], bullying]
    opened["discussed_with"] = "Head teacher"
    protect(deputy_lead, reviewed)
    client = client_as(dsl)
    viewed = AuditEvent.objects.filter(action=AuditAction.INCIDENT_VIEWED).count()

    response = client.post(url, opened)

    assert response.status_code == 400
    form = response.context["form"]
    assert "changed the categories since you opened this form" in form.errors["categories"][0]
    assert set(form["categories"].value()) == set(opened["categories"])  # the ticks kept
    assert form["discussed_with"].value() == "Head teacher"
    protection = str(category(school, "Child protection").pk)
    assert form["categories_shown"].value() == [protection]  # shows what is there now
    # A refused review shows the incident again: that view is audited too.
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_VIEWED).count() == viewed + 1

    again = {**opened, "categories_shown": [protection]}
    assert client.post(url, again).status_code == 302
    assert categories_now(reviewed) == {"Safeguarding concern", "Bullying"}


def test_after_any_refusal_categories_left_as_they_were_follow_another_leads_change(
    client_as, dsl, deputy_lead, reviewed
):
    url = reverse("casework:review-incident", args=[reviewed.pk])
    opened = form_data(reviewed, decision="", rationale="A rationale with no decision.")
    protect(deputy_lead, reviewed)
    response = client_as(dsl).post(url, opened)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form["categories"].value()) == set(form["categories_shown"].value())
    assert categories_now(reviewed) == {"Child protection"}


def test_a_risk_level_another_lead_changed_since_is_not_put_back_unasked(
    lead, deputy_lead, incident
):
    review(deputy_lead, incident, risk_level="high")  # while the first lead's form showed none
    problems = refused(membership=lead, incident=incident, risk_level="low", risk_shown="")
    assert problems["risk_level"] == [
        "Another lead set the risk level to high since you opened this form: choose it again."
    ]
    assert "risk_reason" not in problems
    # Agreeing with it, or giving the reason a change needs once shown it, is fine.
    review(lead, incident, risk_level="high", risk_shown="")
    review(lead, incident, risk_level="low", risk_shown="high", risk_reason="Resolved.")


def test_what_the_form_says_it_showed_must_be_the_schools_own(
    client_as, dsl, reviewed, other_school
):
    url = reverse("casework:review-incident", args=[reviewed.pk])
    elsewhere = str(category(other_school, "Child protection").pk)
    data = form_data(reviewed, categories_shown=[elsewhere], status_shown="lost", risk_shown="x")
    response = client_as(dsl).post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    for field in ("categories_shown", "status_shown", "risk_shown"):
        assert errors[field][0].startswith("Select a valid choice"), field
