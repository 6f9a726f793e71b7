"""What a meeting's seal adds beyond its columns: the SHA-256 of its report file as stored,
read back from storage as an attachment's is (`incidents.services.attachments`), so a file
changed on disk after the meeting was recorded is noticed by `verify_audit`."""

from collections.abc import Mapping
from typing import Any

from safeguard.incidents.services.attachments import stored_file_digest


def meeting_report_digest(row: Mapping[str, Any]) -> dict[str, Any]:
    if not row.get("report_stored_name"):
        return {}
    return stored_file_digest({"stored_name": row["report_stored_name"]})


def meeting_reports_in_use(
    sender: Any, school_id: int, paths: list[str], **kwargs: Any
) -> set[str]:
    """incidents.signals.stored_files_in_use: the report files the school's meetings name."""
    from safeguard.casework.referrals.models import Meeting

    found: set[str] = set()
    for start in range(0, len(paths), 500):
        found.update(
            Meeting.objects.for_school(school_id)
            .filter(report_stored_name__in=paths[start : start + 500])
            .values_list("report_stored_name", flat=True)
        )
    return found
