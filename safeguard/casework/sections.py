"""What casework shows on the incident page (sent for by `incidents.signals`).

A lead sees the incident's reviews and the review form, and the categories allocated to each
linked pupil with a link to change them; the incident's author sees the
replies they were sent, and nothing else of any review. Anyone else sees nothing here.
"""

from typing import Any

from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.accounts.permissions import Capability, is_lead
from safeguard.casework.chronology.rows import name_and_initial
from safeguard.casework.forms import ReviewForm
from safeguard.casework.selectors import replies_to, triage_entries_of, triage_state
from safeguard.casework.services.linked_categories import current_allocations
from safeguard.incidents.links import incident_key
from safeguard.incidents.models import Incident
from safeguard.incidents.selectors import categories_shown_to, linked_pupils_of
from safeguard.incidents.signals import PageSection


def review_context(
    membership: Membership, incident: Incident, *, form: ReviewForm | None = None, **extra: Any
) -> dict[str, Any]:
    """The incident's reviews, its current state from them, and the form (a new one unless
    given): for the review page and the incident page alike."""
    entries = triage_entries_of(incident)
    state = triage_state(entries)
    if form is None:
        form = ReviewForm(
            membership=membership,
            incident=incident,
            current_categories=categories_shown_to(membership, incident),
            state=state,
            **extra,
        )
    return {
        "incident": incident,
        "entries": entries,
        "state": state,
        "form": form,
        "referral_url": referral_url(membership, incident, state.decision_name),
    }


def referral_url(membership: Membership, incident: Incident, decision_name: str) -> str:
    """Where to log the referral a decision to refer calls for ("Referral to children's social
    care", "Referral to police"...), with the incident already chosen; "" for any other."""
    if "referral" not in decision_name.lower() or not is_lead(membership):
        return ""
    url = reverse("casework:referral-add", args=[incident.review.pupil_id])
    return f"{url}?incident={incident_key(incident.pk)}"


def linked_categories_of(incident: Incident) -> list[dict[str, Any]]:
    """Each pupil linked to the incident (its main pupil aside), with the categories a lead
    allocated to them: three queries, however many pupils and allocations."""
    links = [
        link for link in linked_pupils_of(incident) if link.pupil_id != incident.review.pupil_id
    ]
    allocations = current_allocations(incident, [link.pupil_id for link in links])
    found = []
    for link in links:
        allocation = allocations.get(link.pupil_id)
        found.append(
            {
                "pupil_id": link.pupil_id,
                "name": name_and_initial(link.pupil),
                "role": link.get_role_display(),
                "categories": sorted(
                    allocation.categories.all() if allocation is not None else [],
                    key=lambda category: (category.position, category.name),
                ),
            }
        )
    return found


def incident_page_section(
    sender: Any, membership: Membership, incident: Incident, **kwargs: Any
) -> PageSection | None:
    if is_lead(membership) and Capability.REVIEW_INCIDENTS in membership.capabilities:
        context = review_context(membership, incident, return_to="incident")
        context["linked"] = linked_categories_of(incident)
        # A lead who recorded the incident reads a colleague's reply in the reviews.
        context["replies_anchor"] = incident.author_id == membership.user_id
        return PageSection(
            "casework/includes/review_section.html",
            context,
            print_template="casework/includes/review_print.html",
        )
    replies = replies_to(membership, incident)
    if replies:
        return PageSection("casework/includes/replies.html", {"replies": replies})
    return None
