"""Body map marks posted with the Add Incident form (placeholder until the body map lands)."""

from django.http import QueryDict

from safeguard.incidents.recording import Mark


def parse_marks(data: QueryDict) -> tuple[list[Mark], list[str]]:
    """The marks placed on the body map, and a message for each one that can't be kept."""
    return [], []
