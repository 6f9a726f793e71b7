"""Checking that an attached file's content is what its name says, and cleaning pictures.

Every upload is treated as hostile until proved otherwise (see `attachments.py` for the
whole list): a file is refused, with a message saying why, unless its content is the kind
its extension names; Office and OpenDocument archives are read only as far as needed to
refuse zip bombs, encryption and macros; pictures are decoded and encoded afresh from their
pixels alone, which drops EXIF (GPS position, camera), XMP, IPTC, comments and profiles.
"""

import email.parser
import email.policy
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from safeguard.incidents.services.filekinds import (
    ACCEPTED_SUMMARY,
    EML,
    KINDS,
    MAX_IMAGE_PIXELS,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MAX_ZIP_UNCOMPRESSED,
    MB,
    OLE_MAGIC,
    OOXML_MAIN,
    PDF,
    PILLOW_FORMAT,
    FileKind,
    Refused,
    describe,
    extension_of,
    not_of_kind,
)

# Checks per kind ------------------------------------------------------------------------


def _check_pdf(name: str, data: bytes) -> bytes:
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        raise not_of_kind(name, PDF, data)
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
    # A damaged (truncated) picture is refused, whatever else the process has loaded:
    # importing WeasyPrint (the chronology's PDF) sets this for the whole process.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
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
                # A damaged file must fail to load, whatever a library imported since has
                # set (WeasyPrint turns truncated images on for the whole process).
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                image.load()
                return _encode_pixels_only(ImageOps.exif_transpose(image), expected)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(
                f"'{name}' has too many pixels to be a photo or scan "
                f"(over {MAX_IMAGE_PIXELS // 1_000_000} megapixels)."
            ) from None
        except UnidentifiedImageError:
            raise not_of_kind(name, kind, data) from None
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
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a damaged or unusual profile: keep the colours as they are
    # None only when converting in place, which this doesn't ask for.
    return converted if converted is not None else image


def _encode_pixels_only(image: Image.Image, fmt: str) -> bytes:
    image = _in_srgb(image)
    if fmt == "JPEG" and image.mode not in {"RGB", "L", "CMYK"}:
        image = image.convert("RGB")
    # Only what the pixels need survives: the palette's transparent entry. Encoders
    # otherwise copy comments and profiles from `info` into the new file.
    kept: dict[str | tuple[int, int], Any] = {
        key: image.info[key] for key in ("transparency",) if key in image.info
    }
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
        raise not_of_kind(name, kind, data)
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
        raise not_of_kind(name, KINDS[extension], data)
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
        raise not_of_kind(name, KINDS[extension], data)
    return data


def _check_eml(name: str, data: bytes) -> bytes:
    text = _decode_text(data)
    if text is None:
        raise not_of_kind(name, EML, data)
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
