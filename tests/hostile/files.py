"""Uploads that lie about what they are, built in memory."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

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
    assert data is not None
    return upload(name, data)


def animated_gif_flood(frames: int = 150, width: int = 2000, height: int = 2000) -> bytes:
    """A GIF of a few KB: a huge canvas and many one-pixel frames (each frame fills the canvas)."""
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # a global table of two colours
    out += b"\x00\x00\x00\xff\xff\xff"
    out += b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop for ever
    for n in range(frames):
        out += b"!\xf9\x04\x00\x00\x00\x00\x00"  # a graphic control block for each frame
        out += b"," + struct.pack("<HHHHB", n % width, n % height, 1, 1, 0)
        out += b"\x02\x02\x44\x01\x00"  # one pixel, LZW-coded
    return bytes(out + b";")


SECRET = "GPS 51.5 -0.12 home"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _icc_with_text() -> bytes:
    """An sRGB colour profile whose description carries the secret."""
    data = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return data + SECRET.encode()  # profiles may carry text of any length after their tags


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = SECRET
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    return exif.tobytes()


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    f'22-rdf-syntax-ns#"><rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>'
).encode()


def jpeg_with_every_metadata_block() -> bytes:
    """A JPEG with a comment, EXIF, XMP, an ICC profile and IPTC, each holding the secret."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, format="JPEG", exif=_exif_with_gps())
    data = out.getvalue()

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    blocks = (
        segment(0xFE, SECRET.encode())  # COM
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)  # APP1 XMP
        + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + _icc_with_text())  # APP2 ICC
        + segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + SECRET.encode())  # APP13
    )
    return data[:2] + blocks + data[2:]


def png_with_every_metadata_block() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, format="PNG")
    data = out.getvalue()
    end = data.rindex(b"IEND") - 4
    blocks = (
        _png_chunk(b"tEXt", b"Comment\x00" + SECRET.encode())
        + _png_chunk(b"zTXt", b"Location\x00\x00" + zlib.compress(SECRET.encode()))
        + _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP)
        + _png_chunk(b"eXIf", _exif_with_gps().removeprefix(b"Exif\x00\x00"))
    )
    header_end = 8 + 25  # signature and IHDR
    icc = _png_chunk(b"iCCP", b"secret profile\x00\x00" + zlib.compress(_icc_with_text()))
    return data[:header_end] + icc + data[header_end:end] + blocks + data[end:]


def webp_with_every_metadata_block() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(
        out, format="WEBP", exif=_exif_with_gps(), xmp=XMP, icc_profile=_icc_with_text()
    )
    return out.getvalue()


def gif_with_a_comment() -> bytes:
    out = io.BytesIO()
    Image.new("P", (16, 16), 1).save(out, format="GIF", comment=SECRET.encode())
    return out.getvalue()


def animated(fmt: str, frames: int = 3) -> bytes:
    """A small real animation in a format that allows one (GIF, APNG, WebP)."""
    images = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green", "blue")[:frames]]
    out = io.BytesIO()
    images[0].save(out, format=fmt, save_all=True, append_images=images[1:], duration=100)
    return out.getvalue()


def docx_with_parts(types: str, parts: dict[str, bytes]) -> bytes:
    """A ".docx" whose [Content_Types].xml holds `types` (Default/Override elements)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            f'"/>{types}</Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
