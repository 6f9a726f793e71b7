"""Every email about an account: in Safeguard's own words, signed with the school (or
Safeguard), sent by the background worker with retries, and never naming a pupil."""

import datetime
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.tasks import default_task_backend
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts import mail
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import MembershipFactory
from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.lib.tests.mailers import closed_port_mailer
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
LINK_RE = re.compile(r"https?://\S+")
STOCK_WORDS = ("Hello from", "Thank you for using", "localhost:8101", "testserver", "example.com")


@pytest.fixture
def queued_tasks(settings):
    """A task backend that keeps what is queued (and can defer), running nothing: the
    worker's queue, which the test then runs by hand."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def run_queued(backend) -> list[str]:
    """Run what is queued now, as the worker would; return each task's answer."""
    due = list(backend.results)
    backend.clear()
    return [result.task.call(*result.args, **result.kwargs) for result in due]


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def request_reset(client, email: str) -> None:
    response = client.post(RESET, {"email": email})
    assert response.status_code == 302


# What the reset email says --------------------------------------------------------------------


def test_the_reset_email_is_in_our_words_and_signed_with_the_school(
    client, teacher, school, smtp_server
):
    PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Pupilname")
    request_reset(client, teacher.email)
    [message] = smtp_server
    body = body_of(message)
    for stock in STOCK_WORDS:
        assert stock not in body and stock not in message["Subject"]
    assert "Larkspur Primary" in body and "Safeguard" in body
    assert "Sally" not in body and "Pupilname" not in body
    assert message["Subject"] == "[Safeguard] Reset your Safeguard password"


def test_the_reset_link_comes_from_site_url_and_works(client, teacher, smtp_server):
    request_reset(client, teacher.email)
    [link] = LINK_RE.findall(body_of(smtp_server[0]))
    assert link.startswith(f"{settings.SITE_URL}/accounts/password/reset/key/")
    page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert page.status_code == 200
    assert b"new password" in page.content.lower()


def test_someone_in_two_schools_gets_a_reset_email_signed_by_safeguard(
    client, teacher, other_school, smtp_server
):
    MembershipFactory(user=teacher, school=other_school, role=Role.TEACHER)
    request_reset(client, teacher.email)
    body = body_of(smtp_server[0])
    assert "Larkspur Primary" not in body and other_school.name not in body
    assert body.rstrip().endswith(settings.SITE_NAME)


def test_a_reset_for_an_unknown_address_is_in_our_words(client, school, smtp_server):
    request_reset(client, "nobody@larkspur.example")
    [message] = smtp_server
    body = body_of(message)
    for stock in STOCK_WORDS:
        assert stock not in body
    assert "no Safeguard account" in body
    assert f"{settings.SITE_URL}/accounts/login/" in body
    assert all(link.startswith(settings.SITE_URL) for link in LINK_RE.findall(body))


# Sent by the worker, with retries --------------------------------------------------------------


def test_a_reset_request_queues_the_email_and_opens_no_smtp_connection(
    client, teacher, smtp_server, queued_tasks
):
    request_reset(client, teacher.email)
    assert smtp_server == []
    [queued] = queued_tasks.results
    # The queue holds who to write to, never the reset key or link (made when it is sent).
    stored = repr((queued.args, queued.kwargs))
    assert "/reset/key/" not in stored and "http" not in stored
    assert run_queued(queued_tasks) == ["sent"]
    assert len(smtp_server) == 1


def test_a_refused_reset_email_is_tried_again_later_and_then_sent(
    client, teacher, settings, smtp_server, queued_tasks
):
    working = settings.MAILERS
    settings.MAILERS = closed_port_mailer()
    request_reset(client, teacher.email)
    before = timezone.now()
    assert run_queued(queued_tasks) == ["retrying"]
    [retry] = queued_tasks.results
    assert retry.kwargs["attempt"] == 2
    wait = retry.task.run_after - before
    assert datetime.timedelta(seconds=50) < wait < datetime.timedelta(minutes=1, seconds=5)
    settings.MAILERS = working
    assert run_queued(queued_tasks) == ["sent"]
    assert len(smtp_server) == 1
    assert "Larkspur Primary" in body_of(smtp_server[0])


def test_an_email_refused_every_time_is_given_up_and_audited(client, teacher, settings):
    settings.MAILERS = closed_port_mailer()
    request_reset(client, teacher.email)  # the immediate backend runs every retry at once
    event = AuditEvent.objects.get(action=AuditAction.EMAIL_FAILED)
    assert event.target_id == str(teacher.pk)
    assert event.detail == {
        "email": "password_reset",
        "attempts": mail.MAX_ATTEMPTS,
        "error": "ConnectionRefusedError",
    }


def test_a_refused_invitation_is_tried_again_later(
    school, dsl, settings, queued_tasks, django_capture_on_commit_callbacks
):
    from safeguard.accounts.services import invite_staff

    settings.MAILERS = closed_port_mailer()
    with django_capture_on_commit_callbacks(execute=True):
        invite_staff(
            school=school,
            invited_by=dsl,
            email="new.teacher@larkspur.example",
            first_name="Nia",
            last_name="Okafor",
            role=Role.TEACHER,
        )
    assert run_queued(queued_tasks) == ["retrying"]
    [retry] = queued_tasks.results
    assert retry.kwargs["attempt"] == 2 and retry.task.run_after is not None


def test_a_refused_security_notice_is_tried_again_later(teacher, settings, queued_tasks):
    from safeguard.accounts.notices import Change, notify

    settings.MAILERS = closed_port_mailer()
    notify(user=teacher, change=Change.PASSWORD_CHANGED, at=timezone.now())
    assert run_queued(queued_tasks) == ["retrying"]
    [retry] = queued_tasks.results
    assert retry.kwargs["attempt"] == 2


def test_an_email_confirmation_link_is_made_by_the_worker(teacher, smtp_server, queued_tasks):
    address = EmailAddress.objects.create(user=teacher, email="t2@larkspur.example")
    mail.queue_allauth_email(
        template_prefix="account/email/email_confirmation",
        to=address.email,
        context={"user": teacher, "key": "SECRET-KEY", "activate_url": "http://x/SECRET-KEY"},
    )
    assert "SECRET-KEY" not in repr(queued_tasks.results[0].kwargs)
    assert run_queued(queued_tasks) == ["sent"]
    body = body_of(smtp_server[0])
    [link] = LINK_RE.findall(body)
    assert link.startswith(f"{settings.SITE_URL}/accounts/confirm-email/")
    assert "Larkspur Primary" in body


# The templates -----------------------------------------------------------------------------


SENT_BY_ALLAUTH = [
    "password_reset_key",
    "unknown_account",
    "email_confirmation",
    "email_confirmation_signup",
    "account_already_exists",
]


@pytest.mark.parametrize("name", SENT_BY_ALLAUTH)
@pytest.mark.parametrize("part", ["subject", "message"])
def test_each_email_allauth_can_send_here_is_in_our_words(name, part):
    origin = get_template(f"account/email/{name}_{part}.txt").origin.name
    assert "site-packages" not in origin, f"{name} is still allauth's own wording"


def allauth_email_templates() -> list[str]:
    import allauth

    folder = Path(allauth.__file__).parent / "templates"
    return sorted(str(path.relative_to(folder)) for path in folder.glob("*/email/*_message.txt"))


@pytest.mark.parametrize("name", allauth_email_templates())
def test_no_allauth_email_could_greet_from_the_host(name):
    """Emails allauth sends only with settings we leave off (login codes, its own change
    notices) still have our greeting and signature, never the host's name."""
    text = render_to_string(name, {"email": "t@larkspur.example", "signature": "Safeguard"})
    for stock in STOCK_WORDS:
        assert stock not in text


def email_templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "safeguard"
    return sorted(root.glob("**/templates/**/email/*.txt"))


def test_no_email_template_can_name_a_pupil_or_the_requests_host():
    assert email_templates()
    for path in email_templates():
        source = path.read_text().lower()
        assert "pupil" not in source, path
        assert "request" not in source and "current_site" not in source, path
