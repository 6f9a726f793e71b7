"""Personas shared by every test: two schools and one person per role in each."""

import os
import socket
from email import message_from_bytes
from email.message import Message

import pytest
from django.test import Client

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import SchoolFactory, member, passed_second_factor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL with TEST_DATABASE_APP_ROLE set, every test runs as the app's own
    role (safeguard/lib/tests/app_role.py)."""
    from safeguard.lib.tests import app_role

    with django_db_blocker.unblock():
        as_app_role = app_role.runs_as_app_role()
        if as_app_role:
            app_role.start()
    yield
    if as_app_role:
        with django_db_blocker.unblock():
            app_role.stop()


@pytest.fixture(scope="session", autouse=True)
def _flush_may_purge_protected_tables():
    """Between transactional (browser) tests Django empties every table; records and the
    audit trail refuse DELETE, so the clean-up uses the deliberate purge switch, as the
    tables' owner (only the owner may TRUNCATE, and the switch counts only for it)."""
    from django.core.cache import cache
    from django.test.testcases import TransactionTestCase

    from safeguard.lib.immutable import allow_purge
    from safeguard.lib.tests.app_role import database_owner

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        with database_owner(), allow_purge():
            original(self)
        # The cache lives in a database table that the flush leaves alone; sign-in
        # throttles counted there must not follow a transactional test into the next.
        cache.clear()

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded files go to a temporary folder, never into the project's var/files."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def school(db):
    return SchoolFactory(name="Larkspur Primary")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Fernhill Academy")


@pytest.fixture
def dsl(school):
    return member(school, Role.DSL, email="dsl@larkspur.example", first_name="Dana")


@pytest.fixture
def deputy(school):
    return member(school, Role.DEPUTY_DSL, email="deputy@larkspur.example")


@pytest.fixture
def slt(school):
    return member(school, Role.SLT, email="slt@larkspur.example")


@pytest.fixture
def teacher(school):
    return member(school, Role.TEACHER, email="teacher@larkspur.example", first_name="Terry")


@pytest.fixture
def midday(school):
    return member(school, Role.MIDDAY, email="midday@larkspur.example")


@pytest.fixture
def governor(school):
    return member(school, Role.GOVERNOR, email="governor@larkspur.example")


@pytest.fixture
def dsl_other_school(other_school):
    return member(other_school, Role.DSL, email="dsl@fernhill.example")


@pytest.fixture
def persona(school):
    """persona(role) -> a new person holding that role in `school`."""

    def make(role: str, **fields):
        return member(school, role, **fields)

    return make


@pytest.fixture
def client_as():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        # As if they had just signed in with their second factor, when they have one.
        passed_second_factor(client, user)
        return client

    return make


class _CollectingHandler:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's default mailer sends to it.

    Yields the list of received `email.message.Message` objects.
    """
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    try:
        yield handler.messages
    finally:
        controller.stop()


@pytest.fixture
def membership_of():
    """membership_of(user, school=None) -> that person's Membership (the first, by default)."""
    from safeguard.accounts.models import Membership

    def find(user, school=None):
        if school is None:
            return Membership.objects.active_for_user(user).select_related("school", "user").first()
        return Membership.objects.for_school(school).select_related("school", "user").get(user=user)

    return find


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS, safeguard/lib/tests/seaweedfs.py) for this
    run; the tests that use it skip, saying why, when its binary is missing."""
    from safeguard.lib.tests.seaweedfs import MISSING, SeaweedS3, weed_binary

    if weed_binary() is None:
        pytest.skip(MISSING)
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings):
    """Attached files go to a new, empty bucket of `s3_server`; yields the bucket's name."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_options(bucket)}
    return bucket
