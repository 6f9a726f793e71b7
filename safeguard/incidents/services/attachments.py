"""Files attached to incidents and actions: checked, cleaned and stored.

Every upload is treated as hostile until proved otherwise:

* its extension must be on a short allow-list, and its *content* must be what
  the extension says (an HTML page renamed ``letter.pdf`` is refused, with a
  message saying so);
* Office Open XML and OpenDocument files are ZIPs: we read only the ZIP's
  directory and one small part, refuse encrypted, odd or oversized archives
  (zip bombs) and documents with a macro or control part, whatever it is named;
* images are decoded and re-encoded from their pixels alone with Pillow,
  which drops EXIF (camera GPS position, device), XMP, IPTC, comments and
  colour profiles while keeping the picture's orientation; animations and
  images of absurd pixel counts are refused before they are decoded;
* when clamd is configured (settings ``CLAMD_*``), every file is scanned, and
  refused unless clamd says it is clean;
* the name a person gave the file is kept only for display, stripped of
  folders, control and direction-override characters; the file is stored
  under a random name in a folder per school, in ``MEDIA_ROOT`` (never
  served by the web server; only a permission-checked view streams it).

Files are written before the incident's transaction runs. If that
transaction fails, the files have no ``Attachment`` row;
``manage.py sweep_orphan_files`` removes them a day later.
"""

import contextlib
import datetime
import errno
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from safeguard.accounts.models import School, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import Action, Attachment, Incident
from safeguard.incidents.services.filechecks import check
from safeguard.incidents.services.filekinds import (
    MB,
    ROOT,
    FileKind,
    Refused,
    display_name,
    max_file_bytes,
    max_files,
    max_total_bytes,
)
from safeguard.incidents.signals import stored_files_in_use
from safeguard.lib.clamd import Scanner, ScanUnavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredFile:
    """A file already checked and written to storage by `store_uploads`."""

    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class FilesRefused(Exception):
    """One or more files can't be attached; `problems` names each file and the reason.

    Nothing has been stored: the form shows the messages and asks for the files again.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StoreFailed(Exception):
    """The file store could not take the files (full, or failing); none of them is kept.

    `full` says the disk is full (ENOSPC or a quota), which staff can be told plainly.
    """

    def __init__(self, *, full: bool) -> None:
        super().__init__("the file store is full" if full else "the file store failed")
        self.full = full


# Storing --------------------------------------------------------------------------------


def school_folder(school: School | int, root: str = ROOT) -> str:
    school_id = school if isinstance(school, int) else school.pk
    return f"{root}/{school_id}"


def _read_capped(upload: UploadedFile[Any], limit: int) -> bytes | None:
    """The upload's bytes, or None if it holds more than `limit` (read no further)."""
    upload.seek(0)
    chunks: list[bytes] = []
    size = 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def store_uploads(
    files: Sequence[UploadedFile[Any]], *, school: School, root: str = ROOT
) -> tuple[list[StoredFile], list[str]]:
    """Check every file and store them all, or store none and say what is wrong.

    Returns (stored files, problems). Problems name each file and the reason;
    when there is any, nothing has been written, so a form can show the
    messages and ask for the files again. Limits: settings
    ATTACHMENT_MAX_BYTES (each), ATTACHMENT_MAX_FILES, ATTACHMENT_MAX_TOTAL_BYTES.
    When clamd is configured, every file is scanned, and refused unless found clean.
    `root` is the store's top folder: another app's files (casework's pupil photos) keep
    out of the attachments' folder, whose files `sweep_orphan_files` checks against
    attachments only.
    Raises `StoreFailed` if the file store can't take them (a full disk); then too
    nothing is left behind.
    """
    files = [upload for upload in files if upload is not None]
    each, count, total = max_file_bytes(), max_files(), max_total_bytes()
    problems: list[str] = []
    if len(files) > count:
        return [], [f"You chose {len(files)} files; attach at most {count} at a time."]
    if sum(upload.size or 0 for upload in files) > total:
        return [], [
            f"These files come to {filesizeformat(sum(u.size or 0 for u in files))}; "
            f"the limit is {filesizeformat(total)} at a time. Attach the rest as an action."
        ]
    checked: list[tuple[str, FileKind, bytes]] = []
    for upload in files:
        name = display_name(upload.name)
        if "\ufffd" in name:
            # Its name was not text (safeguard.lib.uploads marks each byte that wasn't).
            problems.append(
                f"'{name}' was not attached: its name is not valid text (it may have been named "
                "on an older computer). Rename the file and attach it again."
            )
            continue
        data = _read_capped(upload, each) if (upload.size or 0) <= each else None
        if data is None:
            problems.append(
                f"'{name}' is {filesizeformat(upload.size or 0)}; each file can be at most "
                f"{filesizeformat(each)}."
            )
            continue
        try:
            kind, cleaned = check(name, data)
        except Refused as refused:
            problems.append(str(refused))
            continue
        checked.append((name, kind, cleaned))
    if problems:
        return [], problems
    problems = _scan([(name, data) for name, _, data in checked])
    if problems:
        return [], problems
    return _write_all(school, checked, root), []


def store_or_refuse(files: Sequence[UploadedFile[Any]], *, school: School) -> list[StoredFile]:
    """`store_uploads`, raising `FilesRefused` with its problems instead of returning them."""
    stored, problems = store_uploads(files, school=school)
    if problems:
        raise FilesRefused(problems)
    return stored


def attach(
    files: Sequence[StoredFile],
    *,
    incident: Incident,
    uploaded_by: User,
    at: datetime.datetime,
    action: Action | None = None,
) -> list[Attachment]:
    """The stored files' rows, on the incident (and the action they came with), each audited
    (ATTACHMENT_ADDED, ids only) in the caller's transaction, which also seals them with the
    incident or action."""
    attached = Attachment.objects.bulk_create(
        Attachment(
            school_id=incident.school_id,
            incident=incident,
            action=action,
            uploaded_by=uploaded_by,
            uploaded_at=at,
            **vars(stored),
        )
        for stored in files
    )
    for attachment in attached:
        record(
            actor=uploaded_by,
            action=AuditAction.ATTACHMENT_ADDED,
            school=incident.school,
            target=attachment,
            detail={"incident": incident.pk, "action": action.pk if action else None},
        )
    return attached


def scanner() -> Scanner | None:
    """The configured clamd (settings CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT), or None."""
    path, host = settings.CLAMD_SOCKET, settings.CLAMD_HOST
    if not path and not host:
        return None
    return Scanner(
        socket_path=path, host=host, port=settings.CLAMD_PORT, timeout=settings.CLAMD_TIMEOUT
    )


def _scan(files: list[tuple[str, bytes]]) -> list[str]:
    """A message for each file clamd finds something in, or can't scan (fail closed)."""
    clamd = scanner()
    if clamd is None:
        return []
    problems = []
    for name, data in files:
        try:
            found = clamd.scan(data)
        except ScanUnavailable as error:
            logger.warning("Virus scan unavailable: %s", error)  # no file name: it may be personal
            problems.append(
                f"'{name}' was not attached: virus scanning is unavailable, try again later."
            )
            continue
        if found is not None:
            logger.warning("Virus scanner refused an upload: %s", found)
            problems.append(
                f"'{name}' was not attached: the virus scanner found {found} in it. "
                "Don't open it; tell your IT support."
            )
    return problems


def _write_all(
    school: School, checked: list[tuple[str, FileKind, bytes]], root: str = ROOT
) -> list[StoredFile]:
    """Store every file, or none: on a storage error, remove what this call wrote."""
    written: list[StoredFile] = []
    path = ""
    try:
        for name, kind, data in checked:
            path = f"{school_folder(school, root)}/{secrets.token_hex(16)}"
            written.append(_write(path, name, kind, data))
    except OSError as error:
        for leftover in [stored.stored_name for stored in written] + [path]:
            # The last path: whatever part of that file reached the disk.
            with contextlib.suppress(OSError):
                default_storage.delete(leftover)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        logger.error("Attached files could not be stored: %s", error.strerror or error)
        raise StoreFailed(full=full) from error
    return written


def _write(path: str, name: str, kind: FileKind, data: bytes) -> StoredFile:
    stored = default_storage.save(path, ContentFile(data))
    return StoredFile(
        stored_name=stored,
        original_name=name,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def stored_file_digest(row: Mapping[str, Any]) -> dict[str, str | None]:
    """The SHA-256 of an attachment's stored bytes, sealed with its row (None: no file).

    Read from storage, not taken from the row's own `sha256`, so a file changed
    on disk after it was sealed is noticed by `verify_audit`.
    """
    digest = hashlib.sha256()
    try:
        with default_storage.open(row["stored_name"], "rb") as stored:
            for chunk in iter(lambda: stored.read(MB), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return {"file_sha256": None}
    return {"file_sha256": digest.hexdigest()}


# Orphans --------------------------------------------------------------------------------

# Tables of the apps above that name files stored here (casework's key event files), each
# registered from its app's `AppConfig.ready()`: a file any of them names is a record.
_file_tables: list[type[Any]] = []


def register_file_table(model: type[Any]) -> None:
    """Keep the files `model` names (its `stored_name`, per school) from the orphan sweep."""
    if model not in _file_tables:
        _file_tables.append(model)


@dataclass(frozen=True)
class SweepResult:
    checked: int
    deleted: int
    kept_recent: int


def sweep_orphan_files(*, older_than: datetime.timedelta) -> SweepResult:
    """Delete stored files that no attachment (nor a registered table) names, once older than
    `older_than`.

    Files are written before the incident's transaction; a failed transaction
    leaves them without an `Attachment`. Nothing else is deleted: a file that
    an attachment names is a record and is kept for ever. Not audited: these
    files never belonged to any record.
    """
    cutoff = timezone.now() - older_than
    checked = deleted = recent = 0
    try:
        folders, _ = default_storage.listdir(ROOT)
    except FileNotFoundError:
        return SweepResult(0, 0, 0)
    for folder in folders:
        if not folder.isdigit():
            continue
        _, names = default_storage.listdir(f"{ROOT}/{folder}")
        paths = [f"{ROOT}/{folder}/{name}" for name in names]
        known: set[str] = set()
        tables: list[type[Any]] = [Attachment, *_file_tables]
        for model in tables:
            known |= _names_in_use(model, int(folder), paths)
        for _receiver, named in stored_files_in_use.send(
            sender=Attachment, school_id=int(folder), paths=paths
        ):
            known |= set(named or ())
        for path in paths:
            checked += 1
            if path in known:
                continue
            if default_storage.get_modified_time(path) > cutoff:
                recent += 1
                continue
            default_storage.delete(path)
            deleted += 1
    return SweepResult(checked, deleted, recent)


def _names_in_use(model: type[Any], school_id: int, paths: Iterable[str]) -> set[str]:
    found: set[str] = set()
    paths = list(paths)
    for start in range(0, len(paths), 500):
        found.update(
            model.objects.for_school(school_id)
            .filter(stored_name__in=paths[start : start + 500])
            .values_list("stored_name", flat=True)
        )
    return found
