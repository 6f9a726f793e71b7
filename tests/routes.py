"""Every URL in the project, found by walking the URL configuration.

The permission and header tests are generated from this list, so a new view is
checked the moment its URL is added, without anyone remembering to list it.
"""

import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from safeguard.accounts.models import School, StaffGroup
from safeguard.accounts.permissions import Capability, Role
from safeguard.accounts.tests.factories import MembershipFactory
from safeguard.casework.models import (
    ChronologyExport,
    DecisionOption,
    EncompassChild,
    EncompassNotification,
    KeyEventFile,
    Meeting,
    Referral,
    ReferralAgency,
    SchoolClosure,
)
from safeguard.casework.profile.contacts import ContactDetails, add_contact
from safeguard.casework.profile.household import link_pupils
from safeguard.casework.profile.photos import add_photo
from safeguard.casework.profile.professionals import ProfessionalDetails, add_professional
from safeguard.casework.tests.factories import png_upload
from safeguard.incidents.models import Action, Alert, Attachment, Draft, Incident
from safeguard.incidents.services.attachments import store_uploads
from safeguard.incidents.services.recording import Link
from safeguard.incidents.tests.factories import CategoryFactory, record_test_incident
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind
from safeguard.pupils.tests.factories import PupilFactory

# Third-party views that enforce their own authentication: allauth's sign-in,
# password and second-factor pages (public ones carry login_not_required, the
# rest need a signed-in user and are covered by LoginRequiredMiddleware), and
# Django's admin (operator only, staff-checked, switched off by default). They
# hold no school data, so they need no school capability.
THIRD_PARTY_PREFIXES = ("allauth.", "django.contrib.admin")

# Placeholders for keywords that name no school object: allauth's key ids and
# the tokens in invitation and reset links. They are used only signed out,
# where the sign-in redirect comes first or a bad token is the right answer.
PLACEHOLDER_KWARGS: dict[str, str | int] = {"pk": 1, "key": "abc", "uidb36": "1"}


@dataclass(frozen=True)
class Route:
    name: str  # "incidents:category-edit"; "" if the pattern has no name
    pattern: str  # "school/categories/<int:category_id>/edit/"
    kwargs: tuple[str, ...]
    callback: Callable[..., Any]

    def __str__(self) -> str:
        return self.name or self.pattern

    @property
    def view(self) -> Any:
        """The class for class-based views, else the function."""
        return (
            getattr(self.callback, "view_class", None)
            or getattr(self.callback, "cls", None)
            or self.callback
        )

    @property
    def module(self) -> str:
        return getattr(self.view, "__module__", "") or ""

    @property
    def is_ours(self) -> bool:
        return self.module.startswith("safeguard.")

    @property
    def is_third_party(self) -> bool:
        return self.module.startswith(THIRD_PARTY_PREFIXES)

    @property
    def is_public(self) -> bool:
        """Marked with login_not_required: reachable without signing in."""
        return getattr(self.callback, "login_required", True) is False

    @property
    def capability(self) -> Capability | None:
        for holder in (self.callback, self.view):
            capability = getattr(holder, "required_capability", None)
            if capability is not None:
                return capability
        return None

    def url(self, values: dict[str, Any]) -> str:
        missing = [kwarg for kwarg in self.kwargs if kwarg not in values]
        if missing:
            raise LookupError(
                f"{self} needs URL keyword(s) {missing} that the permission tests can't fill: "
                "use a shared keyword name (pupil_id, status_id, membership_id, group_id, "
                "category_id) or add it to kwarg_objects() in tests/routes.py."
            )
        return reverse(self.name, kwargs={kwarg: values[kwarg] for kwarg in self.kwargs})


def _walk(
    resolver: URLResolver,
    prefix: str = "",
    namespaces: tuple[str, ...] = (),
    kwargs: tuple[str, ...] = (),
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        found = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, prefix + str(entry.pattern), inner, kwargs + found)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield Route(
                name=name,
                pattern=prefix + str(entry.pattern),
                kwargs=kwargs + found,
                callback=entry.callback,
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


ROUTES = all_routes()
# Our own views that need a signed-in member: the permission matrix runs on these.
OURS = [route for route in ROUTES if route.is_ours and not route.is_public]

# URL keywords are shared across apps (docs/architecture.md), so this is the
# only list the URL tests keep; a view taking any other keyword fails loudly.
KWARG_NAMES = frozenset(
    {
        "pupil_id",
        "status_id",
        "membership_id",
        "group_id",
        "category_id",
        "incident_id",
        "action_id",
        "alert_id",
        "attachment_id",
        "draft_id",
        "option_id",
        "key_event_file_id",
        "export_id",
        "notification_id",
        "closure_id",
        "referral_id",
        "agency_id",
        "meeting_id",
        "contact_id",
        "professional_id",
        "link_id",
        "key",
    }
)


def kwarg_objects(school: School) -> dict[str, Model]:
    """One object of each kind a URL can name, all in `school`.

    The incident is recorded by a teacher there; `personal_objects` then lets the
    person asking see it the way staff do, by alerting them to it.
    """
    pupil = PupilFactory(school=school)
    author = MembershipFactory(school=school, role=Role.TEACHER)
    incident = record_test_incident(author, pupil=PupilFactory(school=school))
    agency = ReferralAgency.objects.for_school(school).order_by("pk")[0]
    # The shared pupil is linked to the incident, so a view of one linked pupil on an
    # incident (casework:linked-categories) finds them.
    incident = record_test_incident(author, pupil=PupilFactory(school=school), links=[Link(pupil)])
    objects: dict[str, Model] = {
        "pupil_id": pupil,
        "status_id": PupilStatus.objects.create(
            school=school,
            pupil=pupil,
            kind=StatusKind.SEN_SUPPORT,
            started_on=datetime.date(2024, 9, 2),
        ),
        "membership_id": MembershipFactory(school=school, role=Role.TEACHER),
        "group_id": StaffGroup.objects.create(school=school, name="Year 3 team"),
        "category_id": CategoryFactory(school=school, name="Gangs"),
        "incident_id": incident,
        "action_id": Action.objects.create(
            school=school,
            incident=incident,
            author=author.user,
            text="Phoned home.",
            occurred_at=timezone.now(),
            submit_key=uuid.uuid4(),
        ),
        "alert_id": _alert(incident, recipient=author.user),
        "attachment_id": _attachment(incident),
        "draft_id": Draft.objects.create(school=school, author=author.user, data={"text": "x"}),
        "option_id": DecisionOption.objects.for_school(school).order_by("pk")[0],
        "key_event_file_id": _key_event_file(pupil),
        "export_id": ChronologyExport.objects.create(
            school=school, pupil=pupil, requested_by=author.user
        ),
        "notification_id": _notification(school, pupil, author.user),
        "closure_id": SchoolClosure.objects.create(
            school=school,
            starts_on=datetime.date(2026, 10, 26),
            ends_on=datetime.date(2026, 10, 30),
            reason="Half term",
            added_by=author.user,
        ),
        "agency_id": agency,
        **profile_objects(pupil),
    }
    objects["referral_id"] = Referral.objects.create(
        school=school,
        pupil=pupil,
        agency=agency,
        agency_name="Police",
        sent_at=timezone.now() - datetime.timedelta(days=3),
        sent_by=author.user,
        method="phone",
        is_consent_sought=True,
        recorded_by=author.user,
    )
    objects["meeting_id"] = _meeting(pupil, author.user)
    objects["key"] = objects["alert_id"]  # the emailed alert link names the alert by its key
    assert set(objects) == KWARG_NAMES
    return objects


def _notification(school: School, pupil: Any, user: Any) -> EncompassNotification:
    """An Operation Encompass notification naming the pupil (written as the service would)."""
    now = timezone.now()
    notification = EncompassNotification.objects.create(
        school=school,
        received_at=now,
        incident_at=now - datetime.timedelta(hours=9),
        force="Kent",
        police_reference="OE/1",
        summary="Police attended a domestic incident at home.",
        key_adult=user,
        recorded_by=user,
    )
    EncompassChild.objects.create(
        school=school, notification=notification, pupil=pupil, presence="present"
    )
    return notification


def _meeting(pupil, user) -> Meeting:
    """A held meeting with a stored report file, so its download can run."""
    upload = SimpleUploadedFile("report.txt", b"The school's report.", "text/plain")
    [stored], problems = store_uploads([upload], school=pupil.school)
    assert problems == []
    held = datetime.date.today() - datetime.timedelta(days=7)
    return Meeting.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind="core_group",
        held_on=held,
        sorts_at=timezone.now() - datetime.timedelta(days=7),
        attendees="Social worker, class teacher",
        report_stored_name=stored.stored_name,
        report_original_name=stored.original_name,
        report_content_type=stored.content_type,
        report_size=stored.size,
        report_sha256=stored.sha256,
        recorded_by=user,
    )


def profile_objects(pupil: Pupil) -> dict[str, Model]:
    """One of each record of a pupil's profile, written by a lead of the pupil's school."""
    lead = MembershipFactory(school=pupil.school, role=Role.DSL)
    contact = add_contact(
        membership=lead,
        pupil=pupil,
        details=ContactDetails(
            name="Jane Jones",
            relationship="Mother",
            has_parental_responsibility=True,
            phone="07700 900123",
        ),
    )
    professional = add_professional(
        membership=lead,
        pupil=pupil,
        details=ProfessionalDetails(
            role="social_worker",
            name="Sam Patel",
            started_on=pupil.date_of_birth + datetime.timedelta(days=400),
        ),
    )
    add_photo(membership=lead, pupil=pupil, upload=png_upload())
    sibling = PupilFactory(school=pupil.school)
    link = link_pupils(membership=lead, pupil=pupil, other=sibling, relationship="sibling")
    return {"contact_id": contact, "professional_id": professional, "link_id": link}


def _attachment(incident: Incident) -> Attachment:
    """A real stored file on the incident, so its download can run."""
    upload = SimpleUploadedFile("notes.txt", b"Notes typed after the meeting.", "text/plain")
    [stored], problems = store_uploads([upload], school=incident.school)
    assert problems == []
    return Attachment.objects.create(
        school_id=incident.school_id, incident=incident, uploaded_by=incident.author, **vars(stored)
    )


def _key_event_file(pupil) -> KeyEventFile:
    """A real stored file on a key event in the pupil's chronology, added by a lead."""
    from safeguard.casework.services.key_events import add_key_event

    lead = MembershipFactory(school=pupil.school, role=Role.DSL)
    upload = SimpleUploadedFile("minutes.txt", b"Strategy meeting minutes.", "text/plain")
    event = add_key_event(
        membership=lead,
        pupil=pupil,
        kind="strategy_meeting",
        happened_on=datetime.date(2024, 9, 3),
        summary="Strategy meeting held.",
        files=[upload],
    )
    return KeyEventFile.objects.for_school(pupil.school).get(key_event=event)


def _alert(incident: Incident, *, recipient) -> Alert:
    return Alert.objects.create(
        school_id=incident.school_id,
        incident=incident,
        recipient=recipient,
        created_by=incident.author,
        reason="named",
        category_label="Safeguarding concern",
    )


def personal_objects(user, shared: dict[str, Model]) -> dict[str, Model]:
    """What belongs to the person asking: an alert to the shared incident (which is how
    staff come to see an incident they didn't record), a draft of their own and a PDF of the
    pupil's chronology they asked for."""
    incident = shared["incident_id"]
    assert isinstance(incident, Incident)
    pupil = shared["pupil_id"]
    assert isinstance(pupil, Pupil)
    alert = _alert(incident, recipient=user)
    return {
        "alert_id": alert,
        "key": alert,
        "draft_id": Draft.objects.create(school_id=incident.school_id, author=user, data={}),
        "export_id": ChronologyExport.objects.create(
            school_id=incident.school_id, pupil=pupil, requested_by=user
        ),
    }


def url_values(objects: dict[str, Model]) -> dict[str, Any]:
    """The URL keyword values naming the objects: ids, except an alert's opaque `key`."""
    return {
        kwarg: obj.key if kwarg == "key" and isinstance(obj, Alert) else obj.pk
        for kwarg, obj in objects.items()
    }


def fetch(client: Client, url: str) -> HttpResponseBase:
    """GET the page; a POST-only view answers 405, so POST it empty instead."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def signed_out_url(route: Route, ids: dict[str, int]) -> str:
    return route.url({**PLACEHOLDER_KWARGS, **ids})
