"""PDFs of a pupil's chronology, made by the background worker.

WeasyPrint lays out a page in about a tenth of a second, so the PDF of a 1,000-entry
chronology (some 200 pages) takes longer than a web request may last. A lead posts the
filters; `request_pdf` keeps them (choices, ids and dates, as posted) with a new export and
queues `prepare_chronology_pdf` once that commits. The worker makes the PDF from the same
selector and template as the printed copy, as that lead (a lead no longer gets nothing),
and stores it under a generated name. The lead's page asks every few seconds until it is
ready. Downloading it is audited (`chronology_downloaded`, as the printed copy's showing is)
and deletes the file; a PDF nobody downloads is deleted after EXPIRES, the next time someone
of the school asks for one, and an export still preparing after STALE is shown as failed.
"""

import datetime
import logging
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.casework.chronology.entries import incidents_shown
from safeguard.casework.chronology.forms import ChronologyFilterForm
from safeguard.casework.chronology.pdf import chronology_pdf_bytes
from safeguard.casework.chronology.printing import printed_context
from safeguard.casework.models import ChronologyExport, ExportState
from safeguard.pupils.models import Pupil

logger = logging.getLogger(__name__)

EXPIRES = datetime.timedelta(hours=1)
STALE = datetime.timedelta(minutes=15)
# The filters' fields a PDF keeps: choices, ids and dates only.
FILTER_FIELDS = ("view", "order", "entry_type", "category", "author", "risk_level", "start", "end")


def filter_data(posted: Any) -> dict[str, str]:
    """The filters as posted (a QueryDict or a dict), without the page's cursors."""
    return {name: str(posted.get(name, "") or "") for name in FILTER_FIELDS}


def request_pdf(*, membership: Membership, pupil: Pupil, data: dict[str, str]) -> ChronologyExport:
    """Keep the lead's request and queue the PDF's making once it commits. The filters were
    checked by the view; the worker checks them again, as they are then."""
    clear_expired(membership.school_id)
    export = ChronologyExport.objects.create(
        school_id=membership.school_id,
        pupil=pupil,
        requested_by=membership.user,
        form_data=data,
    )
    transaction.on_commit(
        lambda: prepare_chronology_pdf.enqueue(export_id=export.pk, school_id=export.school_id),
        robust=True,
    )
    return export


@task
def prepare_chronology_pdf(*, export_id: int, school_id: int) -> str:
    return prepare(export_id=export_id, school_id=school_id)


def prepare(*, export_id: int, school_id: int) -> str:
    """Make the export's PDF and store it; any failure marks it failed (the lead asks again)."""
    export = (
        ChronologyExport.objects.for_school(school_id)
        .select_related("pupil", "school", "requested_by")
        .filter(pk=export_id, state=ExportState.PREPARING)
        .first()
    )
    if export is None:
        return "gone"
    try:
        stored_name, entries, shown = _make(export)
    except Exception:
        logger.exception("The PDF of chronology export %s could not be made", export_id)
        ChronologyExport.objects.for_school(school_id).filter(pk=export_id).update(
            state=ExportState.FAILED, finished_at=timezone.now()
        )
        return "failed"
    updated = (
        ChronologyExport.objects.for_school(school_id)
        .filter(pk=export_id, state=ExportState.PREPARING)
        .update(
            state=ExportState.READY,
            stored_name=stored_name,
            entries=entries,
            incidents_shown=shown,
            finished_at=timezone.now(),
        )
    )
    if not updated:  # destroyed or expired meanwhile: keep no file for it
        default_storage.delete(stored_name)
        return "gone"
    return "ready"


def _make(export: ChronologyExport) -> tuple[str, int, list[int]]:
    """The PDF stored, how many entries it holds and the incidents it shows (for the
    download's audit event, so each child they concern finds it in their access log)."""
    membership = (
        Membership.objects.for_school(export.school_id)
        .select_related("user", "school")
        .get(user=export.requested_by)
    )
    form = ChronologyFilterForm(export.form_data, school=export.school)
    if not form.is_valid():
        raise ValueError("the filters are no longer valid")
    context = printed_context(membership, export.pupil, form, form.filters())
    document = chronology_pdf_bytes(None, context)
    stored_name = f"exports/{secrets.token_hex(20)}.pdf"
    saved = default_storage.save(stored_name, ContentFile(document))
    return saved, len(context["entries"]), incidents_shown(context["entries"])


def state_of(export: ChronologyExport) -> str:
    """The state to show: an export preparing for longer than STALE has failed."""
    if export.state == ExportState.PREPARING and export.requested_at < timezone.now() - STALE:
        return ExportState.FAILED
    return export.state


def take_pdf(export: ChronologyExport) -> bytes | None:
    """The ready PDF's bytes, once: the file is deleted and the export marked downloaded.
    None if it is not ready (or another request took it first)."""
    taken = (
        ChronologyExport.objects.for_school(export.school_id)
        .filter(pk=export.pk, state=ExportState.READY)
        .update(state=ExportState.TAKEN)
    )
    if not taken:
        return None
    with default_storage.open(export.stored_name, "rb") as stored:
        document: bytes = stored.read()
    default_storage.delete(export.stored_name)
    return document


def clear_expired(school_id: int) -> int:
    """Delete the school's exports older than EXPIRES and their files; return how many."""
    old = ChronologyExport.objects.for_school(school_id).filter(
        requested_at__lt=timezone.now() - EXPIRES
    )
    return delete_exports(old)


def delete_exports(exports: Any) -> int:
    """Delete these exports and any file they still hold."""
    names = [name for name in exports.values_list("stored_name", flat=True) if name]
    count, _ = exports.delete()
    for name in names:
        default_storage.delete(name)
    return count
