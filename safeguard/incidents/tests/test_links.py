"""Opaque record keys: the incident's unchanged, each other kind under its own key."""

import pytest

from safeguard.incidents import links

PINNED_SECRET = "pinned-secret-for-the-address-test"
# Incident keys as they were made before files and actions had keys of their own: every
# address already emailed or bookmarked must keep naming the same incident.
INCIDENT_KEYS = {1: "bxoyecphno7rc", 2: "l5voib55tya4c", 41: "o3ysxnp6zmpes"}


@pytest.fixture
def pinned(settings):
    settings.SECRET_KEY = PINNED_SECRET
    settings.SECRET_KEY_FALLBACKS = []


@pytest.mark.parametrize(("incident_id", "key"), INCIDENT_KEYS.items())
def test_incident_keys_are_exactly_what_they_were(pinned, incident_id, key):
    assert links.incident_key(incident_id) == key
    assert links.key_for("incident", incident_id) == key
    assert links.incident_id_from_key(key) == incident_id


@pytest.mark.parametrize("kind", ["file", "action"])
def test_files_and_actions_get_keys_unlike_the_incidents(pinned, kind):
    keys = {number: links.key_for(kind, number) for number in INCIDENT_KEYS}
    assert not set(keys.values()) & set(INCIDENT_KEYS.values())
    assert all(links.id_from_key(kind, key) == number for number, key in keys.items())
    assert all(links.incident_id_from_key(key) is None for key in keys.values())


@pytest.mark.parametrize("kind", ["incident", "file", "action"])
def test_a_key_made_before_the_secret_was_rotated_still_opens(settings, kind):
    settings.SECRET_KEY = "old-secret"
    old = links.key_for(kind, 57)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret", ["old-secret"]
    assert links.key_for(kind, 57) != old
    assert links.id_from_key(kind, old) == 57
