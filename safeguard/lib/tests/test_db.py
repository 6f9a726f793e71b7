"""Reads that may be a moment old ask for the replica by name (`lib/db.py`)."""

from django.conf import settings

from safeguard.lib.db import replica


def test_without_a_replica_reads_stay_on_the_primary():
    assert "replica" not in settings.DATABASES
    assert replica() == "default"


def test_with_a_replica_configured_reads_that_ask_for_it_go_there(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", {**settings.DATABASES["default"]})
    assert replica() == "replica"
