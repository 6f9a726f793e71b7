"""manage.py generate_data: a synthetic dataset that verifies, shows on the real pages, and
is never written beside a real school."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from safeguard.accounts.models import Membership, School
from safeguard.accounts.permissions import Role
from safeguard.demo.models import SyntheticDataset, SyntheticSchool
from safeguard.demo.synthetic import identities
from safeguard.demo.synthetic.sizes import SIZES
from safeguard.incidents.models import Action, Alert, Incident, IncidentReview
from safeguard.pupils.models import Pupil

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_data", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_a_generated_dataset_passes_verify_audit():
    generate("--size", "tiny")
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    assert "Sealed records intact" in out.getvalue()


def test_the_tiny_size_has_its_schools_incidents_actions_and_alerts():
    generate("--size", "tiny")
    size = SIZES["tiny"]
    schools = list(School.objects.all())
    assert len(schools) == size.schools == SyntheticSchool.objects.count()
    assert Incident.objects.for_schools(schools).count() == size.incidents
    assert Pupil.objects.for_schools(schools).count() == size.on_roll + size.archived
    assert Action.objects.for_schools(schools).count() > size.incidents * 2
    alerts = Alert.objects.for_schools(schools)
    assert alerts.filter(read_at__isnull=True).exists()
    assert alerts.filter(acknowledged_at__isnull=False).exists()
    dataset = SyntheticDataset.objects.get()
    assert dataset.is_complete
    assert dataset.rows["incidents_incident"] == size.incidents


def test_every_generated_row_of_a_school_carries_that_school():
    generate("--size", "tiny")
    for school in School.objects.all():
        for incident in Incident.objects.for_school(school).select_related("pupil", "author"):
            assert incident.pupil.school_id == school.pk
            assert Membership.objects.for_school(school).filter(user=incident.author).exists()
        reviews = IncidentReview.objects.for_school(school).select_related("incident")
        assert all(review.incident.school_id == school.pk for review in reviews)


def test_a_generated_dsl_signs_in_with_the_known_key_and_sees_the_records():
    generate("--size", "tiny")
    email = identities.role_email(1, Role.DSL)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": email, "password": identities.PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    code = pyotp.TOTP(identities.totp_secret(1, Role.DSL)).now()
    client.post(reverse("mfa_authenticate"), {"code": code})
    school = SyntheticSchool.objects.get(number=1).school
    newest = Incident.objects.for_school(school).order_by("-recorded_at").first()
    assert newest is not None
    listed = client.get(reverse("incidents:incident-list"))
    assert listed.status_code == 200
    assert newest.reference.reference in listed.content.decode()
    page = client.get(reverse("incidents:incident-detail", args=[newest.pk]))
    assert page.status_code == 200
    pupil = client.get(reverse("pupils:pupil-detail", args=[newest.pupil_id]))
    assert pupil.status_code == 200
    assert newest.pupil.legal_last_name in pupil.content.decode()


def test_running_again_at_a_built_size_says_so_and_adds_nothing():
    generate("--size", "tiny")
    before = Incident.objects.for_schools(School.objects.all()).count()
    output = generate("--size", "tiny")
    assert "already built" in output
    assert Incident.objects.for_schools(School.objects.all()).count() == before


def test_another_size_in_the_same_database_is_refused():
    SyntheticDataset.objects.create(size="trust")
    with pytest.raises(CommandError, match="already holds the trust dataset"):
        generate("--size", "tiny")


def test_the_generator_refuses_a_database_holding_a_real_school(school, other_school):
    with pytest.raises(CommandError, match="holds 2 real schools"):
        generate("--size", "tiny")
    assert not SyntheticDataset.objects.exists()


def test_an_unreachable_postgresql_gets_a_paragraph_not_a_traceback():
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:1/nowhere",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_data", "--size", "tiny"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert 'Cannot reach PostgreSQL at 127.0.0.1, port 1, database "nowhere"' in result.stderr
    assert "Traceback" not in result.stderr
