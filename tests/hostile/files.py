"""Uploads that lie about what they are, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A ".docx" whose one part unpacks to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                part.write(block)
    return out.getvalue()


def zip_slip_docx() -> bytes:
    """A ".docx" with an entry that climbs out of any folder it is unpacked into."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("../../../../etc/cron.d/evil", "* * * * * root sh -c id")
    return out.getvalue()


# (name, bytes, what it really is) -> each must be refused with a message naming the file.
DISGUISED = {
    "html-as-pdf": ("letter.pdf", HTML),
    "svg-as-pdf": ("letter.pdf", SVG),
    "svg-as-png": ("photo.png", SVG),
    "html-as-jpg": ("photo.jpg", HTML),
    "svg-named-svg": ("drawing.svg", SVG),
    "html-named-html": ("page.html", HTML),
    "htm-uppercase": ("PAGE.HTM", HTML),
    "windows-program-as-docx": ("report.docx", b"MZ\x90\x00" + b"\x00" * 200),
    "zip-bomb-docx": ("report.docx", None),  # built on demand: it is large to build
    "zip-slip-docx": ("report.docx", None),
    "double-extension": ("notes.pdf.exe", b"MZ\x90\x00"),
    "trailing-dot-html": ("page.html.", HTML),
    "homoglyph-extension": ("letter.\u0440df", HTML),  # Cyrillic er, not a Latin p
    "rtl-override-exe": ("invoice\u202efdp.exe", b"MZ\x90\x00"),
    "null-in-name": ("page.html\x00.pdf", HTML),
}


def disguised(kind: str):
    name, data = DISGUISED[kind]
    if kind == "zip-bomb-docx":
        data = zip_bomb_docx()
    elif kind == "zip-slip-docx":
        data = zip_slip_docx()
    return upload(name, data)
