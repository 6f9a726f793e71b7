"""The synthetic generator's parts: id blocks per school, COPY text, imported history and
the deployment's chain in time order."""

import datetime
import itertools
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from safeguard.accounts.models import School
from safeguard.audit.models import AuditAction, AuditEvent, Seal
from safeguard.demo.synthetic import blocks
from safeguard.demo.synthetic.build import LOADED
from safeguard.demo.synthetic.copyfiles import format_rows
from safeguard.demo.synthetic.sink import Table
from safeguard.demo.synthetic.sizes import SIZES, plan
from safeguard.incidents.models import Alert, Incident

pytestmark = pytest.mark.django_db


def test_each_school_has_blocks_of_ids_no_other_school_shares():
    size = SIZES["trust"]
    plans = plan(size, seed=1)
    reserved, following = blocks.reserve(
        plans, size.actions_per_incident, list(LOADED), from_sequences=False
    )
    assert len(reserved) == size.schools
    for table in reserved[0]:
        spans = sorted(block[table] for block in reserved)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start
        assert spans[-1][1] <= following[table]
    incidents = [block["incidents_incident"] for block in reserved]
    assert [end - first for first, end in incidents] == [p.incidents for p in plans]


def test_copy_text_escapes_what_copy_reads_as_special():
    table = Table(Incident)
    at = datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC)
    key = uuid.UUID(int=7)
    text = format_rows(
        table,
        [
            {
                "id": 1,
                "school_id": 2,
                "pupil_id": 3,
                "author_id": 4,
                "kind": "observation",
                "text": "First line\n\nSecond\tpart with a \\ backslash\r",
                "occurred_at": at,
                "recorded_at": at,
                "location": "",
                "spoke_to_dsl": False,
                "dsl_spoken_to_id": None,
                "submit_key": key,
            }
        ],
    )
    assert text.endswith("\n") and text.count("\n") == 1
    values = dict(zip(table.attnames, text[:-1].split("\t"), strict=True))
    assert values["text"] == "First line\\n\\nSecond\\tpart with a \\\\ backslash\\r"
    assert values["spoke_to_dsl"] == "f"
    assert values["dsl_spoken_to_id"] == "\\N"
    assert values["recorded_at"] == "2024-03-01T09:30:00+00:00"
    assert values["submit_key"] == str(key)


def test_history_from_before_going_live_is_imported_sealed_and_never_alerted():
    call_command("generate_data", "--size", "tiny", "--no-progress", stdout=StringIO())
    live = SIZES["tiny"].live_years
    went_live = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=365 * live)
    schools = School.objects.all()
    old = Incident.objects.for_schools(schools).filter(
        recorded_at__lt=went_live - datetime.timedelta(days=2)
    )
    new = Incident.objects.for_schools(schools).filter(
        recorded_at__gt=went_live + datetime.timedelta(days=2)
    )
    assert old.exists() and new.exists()
    alerts = Alert.objects.for_schools(schools)
    assert not alerts.filter(created_at__lt=went_live - datetime.timedelta(days=2)).exists()
    assert not alerts.filter(incident__in=old, action__isnull=True).exists()
    assert alerts.filter(incident__in=new).exists()
    imports = AuditEvent.objects.filter(action=AuditAction.RECORDS_SEALED)
    assert imports.exists()
    assert all(event.school_id is not None for event in imports)
    sealed_by_import = Seal.objects.filter(event__in=imports, record_type="incidents.incident")
    assert set(sealed_by_import.values_list("record_id", flat=True)) >= set(
        old.values_list("id", flat=True)
    )
    assert not AuditEvent.objects.filter(
        action=AuditAction.INCIDENT_RECORDED,
        target_id__in=[str(i) for i in old.values_list("id", flat=True)],
    ).exists()


def test_events_of_no_school_are_chained_in_time_order():
    call_command("generate_data", "--size", "tiny", "--no-progress", stdout=StringIO())
    times = list(
        AuditEvent.objects.filter(chain__isnull=True, action=AuditAction.SIGNED_IN)
        .order_by("id")
        .values_list("created_at", flat=True)
    )
    assert len(times) > 100
    assert times == sorted(times)
