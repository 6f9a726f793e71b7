"""Account emails waiting in the worker's queue: what someone who can read the queue (the
task table) learns, and what happens when the account changes before the email goes."""

import pytest
from allauth.account.models import EmailAddress
from django.tasks import default_task_backend
from django.urls import reverse

from safeguard.accounts import mail
from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import member

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def run_queued(backend) -> list[str]:
    due = list(backend.results)
    backend.clear()
    return [result.task.call(*result.args, **result.kwargs) for result in due]


def test_the_queue_never_holds_a_working_reset_link(client, teacher, queued_tasks):
    """Whoever reads the task table can't take over the account from what it stores."""
    client.post(RESET, {"email": teacher.email})
    [queued] = queued_tasks.results
    assert set(queued.kwargs) == {"kind", "to", "user_id"}
    assert queued.kwargs["to"] == teacher.email


def test_a_reset_email_for_someone_deactivated_before_it_went_is_not_sent(
    client, teacher, smtp_server, queued_tasks
):
    client.post(RESET, {"email": teacher.email})
    type(teacher).objects.filter(pk=teacher.pk).update(is_active=False)
    assert run_queued(queued_tasks) == ["skipped"]
    assert smtp_server == []


def test_a_reset_link_made_by_the_worker_dies_once_the_password_changes(
    client, teacher, smtp_server
):
    client.post(RESET, {"email": teacher.email})
    [link] = [
        word for word in smtp_server[0].get_payload(decode=True).decode().split() if "/key/" in word
    ]
    teacher.set_password("a-new-password-chosen-meanwhile")
    teacher.save()
    page = client.get(link.split("localhost:8000", 1)[1], follow=True)
    assert "This link no longer works" in page.content.decode()


def test_a_confirmation_for_an_address_confirmed_meanwhile_is_not_sent_again(
    teacher, smtp_server, queued_tasks
):
    address = EmailAddress.objects.create(user=teacher, email="t2@larkspur.example")
    mail.queue_allauth_email(
        template_prefix="account/email/email_confirmation",
        to=address.email,
        context={"user": teacher, "activate_url": "http://x/"},
    )
    EmailAddress.objects.filter(pk=address.pk).update(verified=True)
    assert run_queued(queued_tasks) == ["skipped"]
    assert smtp_server == []


def test_a_crafted_allauth_email_with_a_secret_it_cannot_rebuild_queues_no_secret(
    teacher, queued_tasks
):
    """A code or key allauth hands over for an email we render in the request is dropped
    from what is queued (login and reset codes are off here; the guard stays)."""
    mail.queue_allauth_email(
        template_prefix="account/email/login_code",
        to=teacher.email,
        context={"user": teacher, "code": "SECRET-CODE", "key": "SECRET-KEY"},
    )
    [queued] = queued_tasks.results
    assert "SECRET" not in repr(queued.kwargs)


def test_a_dsl_in_two_schools_never_has_either_school_named_to_them_by_a_reset(
    client, school, other_school, smtp_server
):
    dsl = member(school, Role.DSL, email="two.schools@larkspur.example")
    from safeguard.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=dsl, school=other_school, role=Role.TEACHER)
    client.post(RESET, {"email": dsl.email})
    body = smtp_server[0].get_payload(decode=True).decode()
    assert school.name not in body and other_school.name not in body
