"""What the hostile-input modules share: the forms' URLs and data, lookups in a school, a
recorded incident to act on, and what a response says."""

import datetime
import uuid

import pyotp
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Membership, StaffGroup
from safeguard.accounts.tests.factories import TOTP_SECRET
from safeguard.incidents.models import Category, Incident
from safeguard.pupils.tests.factories import PupilFactory
from tests.routes import OURS

ADD = reverse("incidents:incident-add")
LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
LET_IN = {200, 204, 302, 303, 400}
WRONG = "Wrong-Password-1!"
# Every URL with an object in it, and every URL by name.
OBJECT_ROUTES = [route for route in OURS if route.kwargs]
KWARGS_OF = {route.name: route for route in OURS}


def category(school, name: str) -> Category:
    return Category.objects.for_school(school).get(name=name)


def slt_group(school) -> StaffGroup:
    return StaffGroup.objects.for_school(school).get(is_slt=True)


def membership(user, school) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


def incident_data(school, pupil, /, **changes) -> dict:
    """What the Add Incident form posts, with changes."""
    now = timezone.localtime() - datetime.timedelta(minutes=5)
    data = {
        "submit_key": str(uuid.uuid4()),
        "pupil": str(pupil.pk),
        "kind": "conversation",
        "text": "She said she was hungry at home.",
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "location": "Playground",
        "spoke_to_dsl": "no",
        "categories": [str(category(school, "Family / home circumstances").pk)],
        "intent": "submit",
    }
    data.update(changes)
    return data


def action_data(**changes) -> dict:
    when = timezone.localtime() - datetime.timedelta(minutes=5)
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": f"{when:%Y-%m-%dT%H:%M}",
    }
    data.update(changes)
    return data


def recorded(author_membership, pupil=None, **extra) -> Incident:
    """An incident recorded through the service, an hour ago (so actions can follow it)."""
    from safeguard.incidents.services import recording

    school = author_membership.school
    incident = recording.submit_incident(
        membership=author_membership,
        submit_key=uuid.uuid4(),
        pupil=pupil or PupilFactory(school=school),
        kind="conversation",
        text=extra.pop("text", "Sally said she was sad."),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        categories=[category(school, "Safeguarding concern")],
        **extra,
    ).record
    return incident


def errors_of(response) -> list[str]:
    """Every message in the Add Incident form's error summary."""
    return [message for _, message in response.context["error_summary"]]


def html(response) -> str:
    return response.content.decode()


def missing_value(kwarg: str):
    """A value no row has: an id far beyond any made here, or a fresh alert key."""
    return uuid.uuid4() if kwarg == "key" else 2_000_000_000


# The other school's people and records (the `elsewhere` fixture) carry these names.
ELSEWHERE_WORDS = ("Zebedee", "Quartermaine", "Xanthe", "Faraway", "Zephyr", "Fernhill")


def assert_nothing_from_elsewhere(text: str) -> None:
    leaked = [word for word in ELSEWHERE_WORDS if word in text]
    assert leaked == [], f"another school's data in the response: {leaked}"


# A moment whose second-factor code is known in advance.
NOON = datetime.datetime(2026, 11, 16, 12, 0, 5, tzinfo=datetime.UTC)


def code_at(moment: datetime.datetime) -> str:
    return pyotp.TOTP(TOTP_SECRET).at(moment)
