"""Files attached to incidents and actions: checked, cleaned and stored (issue item 9).

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
import email.parser
import email.policy
import errno
import hashlib
import io
import logging
import re
import secrets
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from safeguard.accounts.models import School
from safeguard.incidents.recording import StoredFile
from safeguard.lib.clamd import Scanner, ScanUnavailable

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Folder (inside default storage) that holds every school's files.
ROOT = "attachments"
# Pictures bigger than this many pixels are refused before decoding (a 40 MP
# camera is far beyond any phone photo a school needs; a pixel flood is larger).
MAX_IMAGE_PIXELS = 40_000_000
# ZIP-based documents: limits on what the archive *claims* to hold.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 250 * MB
MAX_ZIP_RATIO = 200
# Longest display name kept (most file systems' limit).
MAX_NAME_LENGTH = 255


def max_file_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * MB))


def max_files() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_FILES", 10))


def max_total_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_TOTAL_BYTES", 25 * MB))


@dataclass(frozen=True)
class FileKind:
    label: str  # "a PDF", used in messages
    content_type: str


PDF = FileKind("a PDF", "application/pdf")
PNG = FileKind("a PNG image", "image/png")
JPEG = FileKind("a JPEG image", "image/jpeg")
GIF = FileKind("a GIF image", "image/gif")
WEBP = FileKind("a WebP image", "image/webp")
DOCX = FileKind(
    "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "an Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
PPTX = FileKind(
    "a PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODT = FileKind("an OpenDocument text file", "application/vnd.oasis.opendocument.text")
ODS = FileKind("an OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet")
DOC = FileKind("a Word 97-2003 document", "application/msword")
XLS = FileKind("an Excel 97-2003 workbook", "application/vnd.ms-excel")
MSG = FileKind("an Outlook message", "application/vnd.ms-outlook")
EML = FileKind("an email message", "message/rfc822")
TXT = FileKind("a text file", "text/plain")
CSV = FileKind("a CSV file", "text/csv")

KINDS: dict[str, FileKind] = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "gif": GIF,
    "webp": WEBP,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "ods": ODS,
    "doc": DOC,
    "xls": XLS,
    "msg": MSG,
    "eml": EML,
    "txt": TXT,
    "csv": CSV,
}
ACCEPT = ",".join(f".{extension}" for extension in KINDS)
ACCEPTED_SUMMARY = (
    "PDF, pictures (JPEG, PNG, GIF, WebP), Word, Excel, PowerPoint, OpenDocument, "
    "Outlook (.msg) and .eml emails, text and CSV files"
)

# The main part each Office Open XML document must declare in [Content_Types].xml.
OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
PILLOW_FORMAT = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Refused(Exception):
    """The file can't be attached; the message is for the person who chose it."""


class StoreFailed(Exception):
    """The file store could not take the files (full, or failing); none of them is kept.

    `full` says the disk is full (ENOSPC or a quota), which staff can be told plainly.
    """

    def __init__(self, *, full: bool) -> None:
        super().__init__("the file store is full" if full else "the file store failed")
        self.full = full


# Names -----------------------------------------------------------------------------------

_INVISIBLE = set(
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides (U+202E "RTLO")
    "\u2066\u2067\u2068\u2069"  # isolates
    "\ufeff"  # byte order mark
)


def display_name(name: str | None) -> str:
    """The name to show and to offer on download: no folders, no tricks, never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char
        for char in name
        if char not in _INVISIBLE and unicodedata.category(char) not in {"Cc", "Cs", "Zl", "Zp"}
    )
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    # No hidden files (".htaccess"): leading dots go, but the extension stays.
    stem, extension = stem.lstrip(". "), extension.strip()[:20]
    if not stem:
        return f"file.{extension.lower()}" if extension else "file"
    name = f"{stem}.{extension}" if dot else stem
    if len(name) > MAX_NAME_LENGTH:
        keep = MAX_NAME_LENGTH - len(extension) - 1
        name = f"{stem[:keep].rstrip()}.{extension}" if extension else name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    _, dot, extension = name.rpartition(".")
    return extension.lower() if dot else ""


# What content looks like ----------------------------------------------------------------


def describe(data: bytes) -> str:
    """A short, plain description of what some bytes appear to be, for messages."""
    head = data[:2048]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data:
        return "nothing: the file is empty"
    if text.startswith(b"%pdf-"):
        return "a PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "a GIF image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return "a ZIP archive"
    if head.startswith(OLE_MAGIC):
        return "an older Office document or Outlook message"
    if head[:2] == b"MZ":
        return "a Windows program"
    if head[:4] == b"\x7fELF":
        return "a program"
    if b"<svg" in text:
        return "an SVG image (which can contain scripts)"
    if re.search(rb"<(!doctype html|html|head|body|script|iframe|meta)\b", text):
        return "HTML (a web page)"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "XML or HTML"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "plain text"
    return "something else"


def _not(name: str, kind: FileKind, data: bytes) -> Refused:
    return Refused(f"'{name}' is not {kind.label}: its content looks like {describe(data)}.")


# Checks per kind ------------------------------------------------------------------------


def _check_pdf(name: str, data: bytes) -> bytes:
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        raise _not(name, PDF, data)
    return data


def _clean_image(name: str, extension: str, data: bytes) -> bytes:
    """Decode one still picture and encode it afresh: only its pixels are kept.

    Everything else a picture file can carry is dropped: EXIF (GPS position, camera),
    XMP, IPTC, comments (JPEG COM, PNG text chunks, GIF comments), colour profiles
    (their text fields can hold anything; colours are converted to sRGB first) and
    anything hidden after the image. Animations are refused from the header, before
    any frame is decoded: each frame is a full canvas to decode, so a few kilobytes
    can hold gigabytes of pixels, and an injury is photographed, not animated.
    """
    kind = KINDS[extension]
    expected = PILLOW_FORMAT[extension]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Refused(
                        f"'{name}' is {width:,} x {height:,} pixels, larger than a picture can "
                        f"be here ({MAX_IMAGE_PIXELS // 1_000_000} megapixels). "
                        "Reduce its size and attach it again."
                    )
                # GIF reads only as far as a second frame's header; PNG and WebP say so
                # in their headers. No frame has been decoded yet.
                if getattr(image, "is_animated", False):
                    raise Refused(
                        f"'{name}' is an animation. Attach a still picture: a photo, a scan "
                        "or a screenshot."
                    )
                image.load()
                return _encode_pixels_only(ImageOps.exif_transpose(image), expected)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(
                f"'{name}' has too many pixels to be a photo or scan "
                f"(over {MAX_IMAGE_PIXELS // 1_000_000} megapixels)."
            ) from None
        except UnidentifiedImageError:
            raise _not(name, kind, data) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise Refused(
                f"'{name}' could not be read as {kind.label}: it may be damaged."
            ) from None


def _in_srgb(image: Image.Image) -> Image.Image:
    """The picture's colours in sRGB, so its own colour profile can be left out."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a damaged or unusual profile: keep the colours as they are


def _encode_pixels_only(image: Image.Image, fmt: str) -> bytes:
    image = _in_srgb(image)
    if fmt == "JPEG" and image.mode not in {"RGB", "L", "CMYK"}:
        image = image.convert("RGB")
    # Only what the pixels need survives: the palette's transparent entry. Encoders
    # otherwise copy comments and profiles from `info` into the new file.
    kept = {key: image.info[key] for key in ("transparency",) if key in image.info}
    image.info = kept
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 92} if fmt == "JPEG" else {}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _open_zip(name: str, kind: FileKind, data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(OLE_MAGIC):
            raise Refused(
                f"'{name}' is not {kind.label}: it looks like a password-protected document "
                "or an older Office format. Remove the password, or save it in the format "
                "its name says, and attach it again."
            )
        raise _not(name, kind, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Refused(f"'{name}' could not be read as {kind.label}: it may be damaged.") from None
    damaged = Refused(f"'{name}' is not {kind.label}: it is an unusual archive we don't accept.")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise damaged
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise Refused(
                f"'{name}' is password-protected. Remove the password and attach it again."
            )
        filename = entry.filename
        if filename.startswith(("/", "\\")) or ".." in filename.replace("\\", "/").split("/"):
            raise damaged
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged
        total += entry.file_size
        if entry.file_size > MB and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise damaged
    if total > MAX_ZIP_UNCOMPRESSED:
        raise damaged
    return archive


def _read_part(archive: zipfile.ZipFile, part: str, limit: int = MB) -> bytes | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with archive.open(info) as stream:
        return stream.read(limit + 1)[:limit]


# Content types of parts that run code: VBA projects (and their signatures and data),
# ActiveX controls, Excel 4.0 macro sheets and the macro-enabled main documents. A part
# is what its content type says, whatever it is named, so names are not trusted.
MACRO_CONTENT_TYPES = ("vbaproject", "vbadata", "activex", "macrosheet", "macroenabled")
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _declared_types(types: bytes, part_names: Iterable[str]) -> set[str] | None:
    """Every content type [Content_Types].xml gives a part in the archive; None if unreadable.

    The XML is at most 1 MB. A real one has no DTD, so any DOCTYPE is refused: without
    one there are no entities to expand, and ElementTree never fetches external ones.
    """
    if b"<!doctype" in types.lower():
        return None
    try:
        root = ElementTree.fromstring(types)  # noqa: S314  # nosec B314 - no DTD, see above
    except ElementTree.ParseError:
        return None
    extensions = {name.rpartition(".")[2].lower() for name in part_names if "." in name}
    found: set[str] = set()
    for element in root:
        tag = element.tag.removeprefix(CONTENT_TYPES_NS)
        content_type = element.get("ContentType", "").strip().lower()
        default_used = tag == "Default" and element.get("Extension", "").lower() in extensions
        if tag == "Override" or default_used:
            found.add(content_type)
    return found


def _check_ooxml(name: str, extension: str, data: bytes) -> bytes:
    kind = KINDS[extension]
    archive = _open_zip(name, kind, data)
    try:
        types = _read_part(archive, "[Content_Types].xml")
        if types is None:
            raise Refused(f"'{name}' is not {kind.label}: it is a ZIP archive.")
        declared = _declared_types(types, archive.namelist())
        if declared is None:
            raise Refused(f"'{name}' could not be read as {kind.label}: it may be damaged.")
        if any(marker in t for t in declared for marker in MACRO_CONTENT_TYPES) or any(
            entry.filename.lower().endswith("vbaproject.bin") for entry in archive.infolist()
        ):
            raise Refused(
                f"'{name}' contains macros or controls, which can run programs. Save it "
                f"without macros (as {extension.upper()}) and attach it again."
            )
        if OOXML_MAIN[extension] not in declared:
            raise Refused(
                f"'{name}' is not {kind.label}: it looks like a different kind of "
                "Office document. Check the file's extension."
            )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise Refused(f"'{name}' could not be read as {kind.label}: it may be damaged.") from None
    return data


def _check_opendocument(name: str, extension: str, data: bytes) -> bytes:
    kind = KINDS[extension]
    archive = _open_zip(name, kind, data)
    try:
        mimetype = _read_part(archive, "mimetype", limit=200)
        if archive.namelist()[:1] != ["mimetype"] or mimetype is None:
            raise Refused(f"'{name}' is not {kind.label}: it is a ZIP archive.")
        if mimetype.strip() != kind.content_type.encode():
            raise Refused(
                f"'{name}' is not {kind.label}: it looks like a different kind of "
                "OpenDocument file. Check the file's extension."
            )
        if any(entry.filename.lower().startswith("basic/") for entry in archive.infolist()):
            raise Refused(f"'{name}' contains macros, which can run programs.")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise Refused(f"'{name}' could not be read as {kind.label}: it may be damaged.") from None
    return data


def _check_ole(name: str, extension: str, data: bytes) -> bytes:
    if not data.startswith(OLE_MAGIC):
        raise _not(name, KINDS[extension], data)
    return data


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _check_text(name: str, extension: str, data: bytes) -> bytes:
    text = _decode_text(data)
    if text is None or any(
        unicodedata.category(char) == "Cc" and char not in "\r\n\t\f" for char in text
    ):
        raise _not(name, KINDS[extension], data)
    return data


def _check_eml(name: str, data: bytes) -> bytes:
    text = _decode_text(data)
    if text is None:
        raise _not(name, EML, data)
    message = email.parser.Parser(policy=email.policy.compat32).parsestr(text, headersonly=True)
    headers = {key.lower() for key in message}
    if "from" not in headers or not headers & {"date", "subject", "to"}:
        raise Refused(
            f"'{name}' is not {EML.label}: it has no email headers (From, To, Subject). "
            f"Its content looks like {describe(data)}."
        )
    return data


def check(name: str, data: bytes) -> tuple[FileKind, bytes]:
    """The file's kind and the bytes to store, or `Refused` with the reason."""
    extension = extension_of(name)
    kind = KINDS.get(extension)
    if kind is None:
        what = f".{extension} files aren't" if extension else "Files without an extension aren't"
        raise Refused(
            f"'{name}' can't be attached: {what} accepted. You can attach {ACCEPTED_SUMMARY}."
        )
    if not data:
        raise Refused(f"'{name}' is empty.")
    if extension == "pdf":
        return kind, _check_pdf(name, data)
    if extension in PILLOW_FORMAT:
        return kind, _clean_image(name, extension, data)
    if extension in OOXML_MAIN:
        return kind, _check_ooxml(name, extension, data)
    if extension in {"odt", "ods"}:
        return kind, _check_opendocument(name, extension, data)
    if extension in {"doc", "xls", "msg"}:
        return kind, _check_ole(name, extension, data)
    if extension == "eml":
        return kind, _check_eml(name, data)
    return kind, _check_text(name, extension, data)


# Storing --------------------------------------------------------------------------------


def school_folder(school: School | int) -> str:
    school_id = school if isinstance(school, int) else school.pk
    return f"{ROOT}/{school_id}"


def _read_capped(upload: UploadedFile, limit: int) -> bytes | None:
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
    files: Sequence[UploadedFile], *, school: School
) -> tuple[list[StoredFile], list[str]]:
    """Check every file and store them all, or store none and say what is wrong.

    Returns (stored files, problems). Problems name each file and the reason;
    when there is any, nothing has been written, so a form can show the
    messages and ask for the files again. Limits: settings
    ATTACHMENT_MAX_BYTES (each), ATTACHMENT_MAX_FILES, ATTACHMENT_MAX_TOTAL_BYTES.
    When clamd is configured, every file is scanned, and refused unless found clean.
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
                f"'{name}' is {filesizeformat(upload.size)}; each file can be at most "
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
    return _write_all(school, checked), []


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


def _write_all(school: School, checked: list[tuple[str, FileKind, bytes]]) -> list[StoredFile]:
    """Store every file, or none: on a storage error, remove what this call wrote."""
    written: list[StoredFile] = []
    path = ""
    try:
        for name, kind, data in checked:
            path = f"{school_folder(school)}/{secrets.token_hex(16)}"
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


@dataclass(frozen=True)
class SweepResult:
    checked: int
    deleted: int
    kept_recent: int


def sweep_orphan_files(*, older_than: datetime.timedelta) -> SweepResult:
    """Delete stored files that no attachment names, once older than `older_than`.

    Files are written before the incident's transaction; a failed transaction
    leaves them without an `Attachment`. Nothing else is deleted: a file that
    an attachment names is a record and is kept for ever. Not audited: these
    files never belonged to any record.
    """
    from safeguard.incidents.models import Attachment

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
        known = _names_in_use(Attachment, int(folder), paths)
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


def _names_in_use(model: type, school_id: int, paths: Iterable[str]) -> set[str]:
    found: set[str] = set()
    paths = list(paths)
    for start in range(0, len(paths), 500):
        found.update(
            model.objects.for_school(school_id)
            .filter(stored_name__in=paths[start : start + 500])
            .values_list("stored_name", flat=True)
        )
    return found
