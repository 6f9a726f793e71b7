"""An audited read holds its audit chain's lock only while it appends its event.

Pages that are audited when read (the incident page and its print, the pupil page and
chronology, the audit trail and a pupil's access log) append to their school's chain in a
transaction of their own, committed before the page renders: no ATOMIC_REQUESTS, no
middleware transaction, so another request of the school never waits for a page to render.
"""

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.urls import reverse

from safeguard.incidents.tests.factories import record_test_incident
from safeguard.pupils.tests.factories import PupilFactory


def _chain_locks_held() -> int:
    if connection.vendor != "postgresql":
        return 0  # SQLite: a write transaction would show as an atomic block
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_audited_pages_render_after_their_audit_event_is_committed(
    client_as, settings, school, dsl, membership_of
):
    assert not any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values())
    pupil = PupilFactory(school=school)
    incident = record_test_incident(membership_of(dsl), pupil=pupil)
    seen: list[tuple[str, bool, int]] = []

    def rendering(sender, template, **kwargs) -> None:
        seen.append((template.name, connection.in_atomic_block, _chain_locks_held()))

    template_rendered.connect(rendering)
    try:
        client = client_as(dsl)
        for url in (
            reverse("incidents:incident-detail", args=[incident.pk]),
            reverse("incidents:incident-print", args=[incident.pk]),
            reverse("pupils:pupil-detail", kwargs={"pupil_id": pupil.pk}),
            reverse("casework:chronology", kwargs={"pupil_id": pupil.pk}),
            reverse("audit:trail"),
            reverse("audit:pupil-access", kwargs={"pupil_id": pupil.pk}),
        ):
            seen.clear()
            assert client.get(url).status_code == 200
            assert seen, url
            assert all(not atomic and locks == 0 for _, atomic, locks in seen), (url, seen)
    finally:
        template_rendered.disconnect(rendering)
