"""Files uploaded with an incident (placeholder until file uploads land)."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from safeguard.accounts.models import School
from safeguard.incidents.recording import StoredFile


def store_uploads(
    files: Sequence[UploadedFile], *, school: School
) -> tuple[list[StoredFile], list[str]]:
    """Check and store each file; return those stored and a message for each refused."""
    return [], []
