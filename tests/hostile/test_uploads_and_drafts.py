"""Uploads and drafts under attack or mishap: animations, hidden metadata, macros by another
name, viruses, a full file store, a school switched mid-form and file names that aren't text."""

import io
import struct

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from safeguard.incidents.attachments import store_uploads
from tests.hostile import files

pytestmark = pytest.mark.django_db


def refused(school, name: str, data: bytes) -> str:
    stored, problems = store_uploads([files.upload(name, data)], school=school)
    assert stored == []
    [problem] = problems
    return problem


def stored_bytes(school, name: str, data: bytes) -> bytes:
    stored, problems = store_uploads([files.upload(name, data)], school=school)
    assert problems == []
    with default_storage.open(stored[0].stored_name, "rb") as handle:
        return handle.read()


# Animations: a few KB that decode to gigabytes ------------------------------------------


def test_a_tiny_gif_with_a_huge_canvas_and_many_frames_is_refused_unread(school):
    data = files.animated_gif_flood(frames=150, width=2000, height=2000)
    assert len(data) < 4_000
    message = refused(school, "bruise.gif", data)
    assert message == (
        "'bruise.gif' is an animation. Attach a still picture: a photo, a scan or a screenshot."
    )


@pytest.mark.parametrize(("name", "fmt"), [("a.gif", "GIF"), ("a.png", "PNG"), ("a.webp", "WEBP")])
def test_every_animated_picture_format_is_refused(school, name, fmt):
    assert refused(school, name, files.animated(fmt)).startswith(f"'{name}' is an animation.")


def test_a_one_frame_gif_is_still_accepted(school):
    with Image.open(io.BytesIO(stored_bytes(school, "a.gif", files.animated("GIF", 1)))) as kept:
        assert kept.format == "GIF" and not getattr(kept, "is_animated", False)


# Metadata: nothing but the picture is kept ------------------------------------------------


def jpeg_blocks(data: bytes) -> set[str]:
    """The names of the segments before the picture data (COM, APP1...)."""
    found, at = set(), 2
    while at < len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the picture itself
            break
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        found.add("COM" if marker == 0xFE else f"APP{marker - 0xE0}" if marker >= 0xE0 else "")
        at += 2 + length
    return found - {""}


def png_blocks(data: bytes) -> set[str]:
    found, at = set(), 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        found.add(data[at + 4 : at + 8].decode())
        at += 12 + length
    return found


def webp_blocks(data: bytes) -> set[str]:
    found, at = set(), 12
    while at < len(data):
        size = struct.unpack("<I", data[at + 4 : at + 8])[0]
        found.add(data[at : at + 4].decode().strip())
        at += 8 + size + (size & 1)
    return found


def gif_blocks(data: bytes) -> set[str]:
    with Image.open(io.BytesIO(data)) as image:
        return {"comment"} & set(image.info) | ({"extension"} & set(image.info))


@pytest.mark.parametrize(
    ("name", "build", "blocks", "allowed"),
    [
        ("bruise.jpg", files.jpeg_with_every_metadata_block, jpeg_blocks, {"APP0"}),
        ("bruise.png", files.png_with_every_metadata_block, png_blocks, {"IHDR", "IDAT", "IEND"}),
        ("bruise.webp", files.webp_with_every_metadata_block, webp_blocks, {"VP8", "VP8L"}),
        ("bruise.gif", files.gif_with_a_comment, gif_blocks, set()),
    ],
)
def test_no_comment_or_metadata_block_survives_in_a_stored_picture(
    school, name, build, blocks, allowed
):
    original = build()
    assert blocks(original) - allowed, "the test file must carry metadata to remove"
    kept = stored_bytes(school, name, original)
    assert blocks(kept) <= allowed
    assert files.SECRET.encode() not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not {"comment", "exif", "xmp", "icc_profile", "photoshop"} & set(image.info)
        assert image.size == (16, 16)


# Office documents: macros are found by what a part is, not what it is called ------------

TYPES = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


@pytest.mark.parametrize(
    ("types", "parts"),
    [
        (  # a VBA project renamed to look like a picture
            '<Override PartName="/word/media/image1.png" '
            'ContentType="application/vnd.ms-office.vbaProject"/>',
            {"word/media/image1.png": b"\xd0\xcf\x11\xe0VBA"},
        ),
        (  # the same through a Default for a made-up extension
            '<Default Extension="dat" ContentType="application/vnd.ms-office.vbaProject"/>',
            {"word/settings2.dat": b"\xd0\xcf\x11\xe0VBA"},
        ),
        (  # an ActiveX control
            '<Override PartName="/word/activeX/x1.xml" '
            'ContentType="application/vnd.ms-office.activeX+xml"/>',
            {"word/activeX/x1.xml": b"<ax:ocx/>"},
        ),
        (  # Excel 4.0 macro sheet (no VBA at all)
            '<Override PartName="/xl/sheet9.xml" '
            'ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
            {"xl/sheet9.xml": b"<xm:macrosheet/>"},
        ),
        (  # the Word macro document type, in mixed case
            '<Override PartName="/word/other.xml" '
            'ContentType="application/vnd.ms-word.document.MacroEnabled.main+xml"/>',
            {"word/other.xml": b"<w:document/>"},
        ),
    ],
    ids=["renamed-vba-project", "vba-by-default", "activex", "xlm-macro-sheet", "macro-main"],
)
def test_a_docx_with_a_macro_part_under_any_name_is_refused(school, types, parts):
    message = refused(school, "minutes.docx", files.docx_with_parts(types, parts))
    assert message.startswith("'minutes.docx' contains macros or controls, which can run programs")


def test_a_docx_whose_content_types_cannot_be_read_is_refused(school):
    data = files.docx_with_parts("<Override", {})
    assert "could not be read" in refused(school, "minutes.docx", data)


def test_a_plain_docx_with_a_picture_is_accepted(school):
    data = files.docx_with_parts(
        '<Default Extension="png" ContentType="image/png"/>',
        {"word/media/image1.png": files.png_bytes()},
    )
    assert stored_bytes(school, "minutes.docx", data) == data
