import re
from pathlib import Path

import pytest
from django.apps import apps

from safeguard.lib.scoping import SchoolOwned, SchoolScopedQuerySet, UnscopedQueryError
from safeguard.pupils.models import Pupil
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

SCHOOL_OWNED = [m for m in apps.get_models() if issubclass(m, SchoolOwned)]


def test_every_school_owned_model_refuses_unscoped_queries():
    assert len(SCHOOL_OWNED) >= 5
    for model in SCHOOL_OWNED:
        assert isinstance(model.objects.all(), SchoolScopedQuerySet), model
        with pytest.raises(UnscopedQueryError):
            list(model.objects.all())


@pytest.mark.parametrize(
    "query",
    [
        lambda: list(Pupil.objects.all()),
        lambda: Pupil.objects.filter(legal_first_name="Sally").first(),
        lambda: Pupil.objects.get(pk=1),
        lambda: Pupil.objects.count(),
        lambda: Pupil.objects.exists(),
        lambda: Pupil.objects.values_list("pk", flat=True)[0],
        lambda: Pupil.objects.update(is_archived=True),
        lambda: Pupil.objects.delete(),
        lambda: list(Pupil.objects.iterator()),
        lambda: Pupil.objects.in_bulk([1]),
    ],
)
def test_unscoped_pupil_query_raises(query):
    PupilFactory()
    with pytest.raises(UnscopedQueryError):
        query()


def test_scoped_query_returns_only_that_schools_rows(school, other_school):
    mine = PupilFactory(school=school)
    PupilFactory(school=other_school)
    assert list(Pupil.objects.for_school(school)) == [mine]
    assert Pupil.objects.for_school(school).filter(pk=mine.pk).count() == 1


def test_scope_survives_chaining(school):
    PupilFactory(school=school, legal_first_name="Sally")
    qs = Pupil.objects.for_school(school).filter(legal_first_name="Sally").order_by("pk")
    assert qs.exists()


# Only these files may name the unscoped manager: Django admin for the operator,
# the scoping module itself, the demo loader and migrations, verify_audit's check of
# every sealed record in every school, and the synthetic-data generator's bulk writer,
# which fills many synthetic schools at once.
ALLOWED_UNSCOPED = {
    "lib/scoping.py",
    "accounts/models.py",
    "accounts/admin.py",
    "audit/sealing.py",
    "audit/seal_checks.py",
    "demo/synthetic/sink.py",
}


def test_project_code_never_uses_the_unscoped_manager():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in rel or "/tests/" in rel or rel in ALLOWED_UNSCOPED:
            continue
        if re.search(r"\.unscoped\b|_default_manager|_base_manager", path.read_text()):
            offenders.append(rel)
    assert offenders == []
