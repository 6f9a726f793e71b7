"""What an attached file may be: the accepted kinds, the limits, and names made safe to show.

The checks that a file's content is what its name says are in `filechecks.py`; storing
the checked files is `attachments.py`.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

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


def not_of_kind(name: str, kind: FileKind, data: bytes) -> Refused:
    return Refused(f"'{name}' is not {kind.label}: its content looks like {describe(data)}.")
