"""Checking and storing uploaded files (`services/attachments.py`, with the checks of
`filechecks.py` and `filekinds.py`): every hostile kind of file is refused by name."""

import datetime
import hashlib
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import ExifTags, Image

from safeguard.incidents.models import Attachment
from safeguard.incidents.services.attachments import (
    school_folder,
    store_uploads,
    sweep_orphan_files,
)
from safeguard.incidents.services.filekinds import display_name
from safeguard.incidents.tests.factories import record_test_incident

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert('hi')</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EML = (
    b"From: Parent <parent@example.org>\r\nTo: office@school.example\r\n"
    b"Subject: About Sally\r\nDate: Mon, 2 Mar 2026 08:15:00 +0000\r\n\r\nShe was upset.\r\n"
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def store(school, *files):
    return store_uploads(list(files), school=school)


def refused(school, name: str, data: bytes) -> str:
    stored, problems = store(school, upload(name, data))
    assert stored == []
    [problem] = problems
    return problem.replace("\xa0", " ")  # sizes keep number and unit together


def zip_bytes(entries: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    raw = bytearray(buffer.getvalue())
    if encrypted:  # zipfile can't encrypt: set the "encrypted" flag in both headers
        raw[6] |= 0x1
        central = raw.rindex(b"PK\x01\x02")
        raw[central + 8] |= 0x1
    return bytes(raw)


def docx(*, main: bytes = DOCX_MAIN, extra: dict[str, bytes] | None = None) -> bytes:
    types = (
        b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
        b'ContentType="' + main + b'"/></Types>'
    )
    return zip_bytes(
        {"[Content_Types].xml": types, "word/document.xml": b"<w:document/>", **(extra or {})}
    )


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° to display
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 40.0),
    }
    return image_bytes("JPEG", exif=exif.tobytes())


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a pixel flood), built without drawing it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def stored_bytes(stored) -> bytes:
    with default_storage.open(stored.stored_name, "rb") as handle:
        return handle.read()


# Files that are what they say ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("letter.pdf", PDF, "application/pdf"),
        ("photo.png", image_bytes("PNG"), "image/png"),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("drawing.gif", image_bytes("GIF"), "image/gif"),
        ("photo.webp", image_bytes("WEBP"), "image/webp"),
        (
            "statement.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("old report.doc", OLE, "application/msword"),
        ("email from mum.msg", OLE, "application/vnd.ms-outlook"),
        ("email from mum.eml", EML, "message/rfc822"),
        ("notes.txt", "Zoë said “no”.".encode(), "text/plain"),
        ("register.csv", "name,mark\r\nZoë,/\r\n".encode("cp1252"), "text/csv"),
    ],
)
def test_each_accepted_kind_of_file_is_stored(school, name, data, content_type):
    [stored], problems = store(school, upload(name, data))
    assert problems == []
    assert stored.original_name == name
    assert stored.content_type == content_type
    assert default_storage.exists(stored.stored_name)


def test_a_stored_file_has_a_random_name_in_its_schools_folder(school):
    [stored], _ = store(school, upload("letter.pdf", PDF))
    folder, _, generated = stored.stored_name.rpartition("/")
    assert folder == school_folder(school)
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    assert "letter" not in stored.stored_name


def test_a_stored_file_records_its_size_and_sha256(school):
    [stored], _ = store(school, upload("letter.pdf", PDF))
    assert stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored_bytes(stored) == PDF


def test_files_are_stored_outside_the_static_files(school, settings):
    [stored], _ = store(school, upload("letter.pdf", PDF))
    path = Path(default_storage.path(stored.stored_name)).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())


# Content that isn't what its name says --------------------------------------------------


def test_html_renamed_to_pdf_is_refused_saying_it_looks_like_html(school):
    message = refused(school, "letter.pdf", HTML)
    assert message == "'letter.pdf' is not a PDF: its content looks like HTML (a web page)."


def test_svg_renamed_to_pdf_is_refused_saying_it_is_an_svg(school):
    message = refused(school, "scan.pdf", SVG)
    assert message.startswith("'scan.pdf' is not a PDF: its content looks like an SVG image")


def test_zip_renamed_to_docx_is_refused(school):
    message = refused(school, "report.docx", zip_bytes({"readme.txt": b"hello"}))
    assert message == "'report.docx' is not a Word document: it is a ZIP archive."


def test_a_spreadsheet_renamed_to_docx_is_refused(school):
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert "different kind of Office document" in refused(school, "report.docx", docx(main=main))


def test_a_macro_enabled_document_renamed_to_docx_is_refused(school):
    main = b"application/vnd.ms-word.document.macroEnabled.main+xml"
    data = docx(main=main, extra={"word/vbaProject.bin": b"\x00" * 10})
    assert "contains macros" in refused(school, "report.docx", data)


def test_a_password_protected_zip_document_is_refused(school):
    types = b'<Types ContentType="' + DOCX_MAIN + b'"/>'
    data = zip_bytes({"[Content_Types].xml": types}, encrypted=True)
    assert "password-protected" in refused(school, "report.docx", data)


def test_an_encrypted_office_document_is_refused_with_a_hint(school):
    assert "password-protected" in refused(school, "report.docx", OLE)


def test_a_zip_bomb_is_refused_without_unpacking_it(school):
    data = docx(extra={"word/media/huge.xml": b"\x00" * (8 * 1024 * 1024)})
    assert len(data) < 100_000
    assert "unusual archive" in refused(school, "report.docx", data)


def test_a_zip_with_too_many_entries_is_refused(school):
    entries = {f"word/part{n}.xml": b"" for n in range(5_001)}
    data = docx(extra=entries)
    assert "unusual archive" in refused(school, "report.docx", data)


def test_a_zip_with_a_path_outside_itself_is_refused(school):
    data = docx(extra={"../../evil.sh": b"rm -rf /"})
    assert "unusual archive" in refused(school, "report.docx", data)


def test_a_program_renamed_to_pdf_is_refused(school):
    message = refused(school, "evil.exe\x00.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert message == "'evil.exe.pdf' is not a PDF: its content looks like a Windows program."


def test_a_pdf_renamed_to_doc_is_refused(school):
    assert refused(school, "old.doc", PDF).startswith("'old.doc' is not a Word 97-2003 document")


def test_html_renamed_to_eml_is_refused(school):
    assert "has no email headers" in refused(school, "message.eml", HTML)


def test_binary_data_renamed_to_txt_is_refused(school):
    assert refused(school, "notes.txt", b"abc\x00\x01\x02def").startswith(
        "'notes.txt' is not a text file"
    )


def test_a_jpeg_renamed_to_png_is_refused(school):
    message = refused(school, "photo.png", image_bytes("JPEG"))
    assert message == "'photo.png' is not a PNG image: its content looks like a JPEG image."


def test_a_damaged_image_is_refused(school):
    data = image_bytes("PNG")[:60]
    assert "could not be read as a PNG image" in refused(school, "photo.png", data)


def test_a_damaged_image_is_refused_even_once_a_library_lets_pillow_load_truncated_ones(
    school, monkeypatch
):
    from PIL import ImageFile

    # WeasyPrint sets this for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = image_bytes("PNG")[:60]
    assert "could not be read as a PNG image" in refused(school, "photo.png", data)


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "setup.exe", "photo.heic", "notes"])
def test_a_file_type_not_on_the_list_is_refused(school, name):
    message = refused(school, name, b"hello")
    assert message.startswith(f"'{name}' can't be attached")
    assert "You can attach PDF" in message


def test_an_empty_file_is_refused(school):
    assert refused(school, "letter.pdf", b"") == "'letter.pdf' is empty."


# Pictures --------------------------------------------------------------------------------


def test_a_photos_gps_position_and_camera_details_are_removed(school):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    [stored], _ = store(school, upload("bruise.jpg", original))
    with Image.open(io.BytesIO(stored_bytes(stored))) as kept:
        exif = kept.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert ExifTags.Base.Make not in exif
        assert "exif" not in kept.info


def test_a_photo_keeps_its_orientation_once_exif_is_removed(school):
    [stored], _ = store(school, upload("bruise.jpg", jpeg_with_gps()))
    with Image.open(io.BytesIO(stored_bytes(stored))) as kept:
        assert kept.size == (30, 40)  # turned upright, as the camera meant


def test_the_stored_hash_is_of_the_cleaned_picture(school):
    [stored], _ = store(school, upload("bruise.jpg", jpeg_with_gps()))
    assert stored.sha256 == hashlib.sha256(stored_bytes(stored)).hexdigest()


def test_a_pixel_flood_png_is_refused_before_decoding(school):
    data = png_claiming(20_000, 20_000)
    assert len(data) < 200
    message = refused(school, "flood.png", data)
    assert message == (
        "'flood.png' has too many pixels to be a photo or scan (over 40 megapixels)."
    )


def test_a_picture_over_40_megapixels_is_refused_naming_its_size(school):
    message = refused(school, "scan.png", png_claiming(8_000, 8_000))
    assert message.startswith("'scan.png' is 8,000 x 8,000 pixels")


# Limits ----------------------------------------------------------------------------------


def test_a_file_over_ten_megabytes_is_refused(school):
    data = PDF + b"0" * (10 * 1024 * 1024)
    message = refused(school, "big.pdf", data)
    assert message.startswith("'big.pdf' is 10.0 MB; each file can be at most 10.0 MB.")


def test_the_per_file_limit_comes_from_settings(school, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    assert "at most 100 bytes" in refused(school, "letter.pdf", PDF + b" " * 100)


def test_more_than_ten_files_are_refused_together(school):
    files = [upload(f"note{n}.txt", b"note") for n in range(11)]
    stored, problems = store(school, *files)
    assert stored == []
    assert problems == ["You chose 11 files; attach at most 10 at a time."]


def test_files_over_the_total_limit_are_refused_together(school, settings):
    settings.ATTACHMENT_MAX_TOTAL_BYTES = 150
    stored, problems = store(school, upload("a.pdf", PDF), upload("b.pdf", PDF))
    assert stored == []
    assert "the limit is 150\xa0bytes at a time" in problems[0]


def test_one_bad_file_means_none_are_stored(school):
    before = set(_all_files())
    stored, problems = store(school, upload("good.pdf", PDF), upload("bad.pdf", HTML))
    assert stored == []
    assert len(problems) == 1
    assert set(_all_files()) == before


def test_every_bad_file_gets_its_own_message(school):
    _, problems = store(school, upload("a.pdf", HTML), upload("b.exe", b"MZ"))
    assert [p.split(" ")[0] for p in problems] == ["'a.pdf'", "'b.exe'"]


def _all_files() -> list[str]:
    assert isinstance(default_storage, FileSystemStorage)
    root = Path(default_storage.location)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Names -----------------------------------------------------------------------------------


def test_path_separators_are_removed_from_the_name(school):
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert display_name("C:\\Users\\staff\\letter.pdf") == "letter.pdf"


def test_a_file_named_with_a_path_keeps_only_its_own_name(school):
    file = upload("letter.pdf", PDF)
    file.name = "../../etc/passwd.pdf"
    [stored], _ = store(school, file)
    assert stored.original_name == "passwd.pdf"
    assert ".." not in stored.stored_name


def test_control_characters_are_removed_from_the_name():
    assert display_name("re\x07port\x1b[31m.pdf") == "report[31m.pdf"


def test_a_nul_in_the_name_is_removed():
    assert display_name("letter\x00.pdf") == "letter.pdf"


def test_a_right_to_left_override_cannot_disguise_a_program(school):
    message = refused(school, "invoice\u202efdp.exe", b"MZ")
    assert message.startswith("'invoicefdp.exe' can't be attached: .exe files aren't accepted")


def test_direction_marks_are_removed_from_an_accepted_name(school):
    [stored], _ = store(school, upload("\u202bletter\u200f.pdf", PDF))
    assert stored.original_name == "letter.pdf"


def test_leading_dots_are_removed_but_the_extension_kept():
    assert display_name("...hidden.pdf") == "hidden.pdf"
    assert display_name(".pdf") == "file.pdf"


def test_a_very_long_name_is_cut_to_255_characters_keeping_its_extension():
    name = display_name("a" * 400 + ".pdf")
    assert len(name) == 255
    assert name.endswith("a.pdf")


# Orphans ---------------------------------------------------------------------------------


def _age(name: str, hours: float) -> None:
    path = default_storage.path(name)
    when = datetime.datetime.now().timestamp() - hours * 3600
    os.utime(path, (when, when))


@pytest.fixture
def fresh_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_sweeping_deletes_an_old_file_no_attachment_names(school, fresh_media):
    [orphan], _ = store(school, upload("letter.pdf", PDF))
    _age(orphan.stored_name, 25)
    result = sweep_orphan_files(older_than=datetime.timedelta(hours=24))
    assert (result.checked, result.deleted) == (1, 1)
    assert not default_storage.exists(orphan.stored_name)


def test_sweeping_keeps_a_file_that_an_attachment_names(
    school, teacher, membership_of, fresh_media
):
    incident = record_test_incident(membership_of(teacher), files=[upload("letter.pdf", PDF)])
    kept = Attachment.objects.for_school(school).get(incident=incident)
    _age(kept.stored_name, 24 * 400)
    result = sweep_orphan_files(older_than=datetime.timedelta(hours=24))
    assert result.deleted == 0
    assert default_storage.exists(kept.stored_name)


def test_sweeping_keeps_a_recent_file_whose_incident_may_still_be_saving(school, fresh_media):
    [recent], _ = store(school, upload("letter.pdf", PDF))
    result = sweep_orphan_files(older_than=datetime.timedelta(hours=24))
    assert (result.deleted, result.kept_recent) == (0, 1)
    assert default_storage.exists(recent.stored_name)


def test_the_sweep_command_prints_counts_and_can_run_twice(school, fresh_media):
    [orphan], _ = store(school, upload("letter.pdf", PDF))
    _age(orphan.stored_name, 48)
    first, second = io.StringIO(), io.StringIO()
    call_command("sweep_orphan_files", stdout=first)
    call_command("sweep_orphan_files", stdout=second)
    assert "deleted 1 orphans" in first.getvalue()
    assert "Checked 0 files: deleted 0 orphans" in second.getvalue()


def test_the_sweep_command_runs_with_no_files_yet(fresh_media, db):
    out = io.StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert "Checked 0 files" in out.getvalue()


def test_each_file_attached_is_audited_with_ids_only(school, teacher, membership_of, fresh_media):
    from safeguard.audit.models import AuditAction, AuditEvent

    incident = record_test_incident(
        membership_of(teacher),
        files=[upload("letter.pdf", PDF), upload("Sally's notes.txt", b"Notes.")],
    )
    attached = Attachment.objects.for_school(school).filter(incident=incident).order_by("id")
    events = AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_ADDED).order_by("id")
    assert [(e.target_type, e.target_id) for e in events] == [
        ("attachment", str(a.pk)) for a in attached
    ]
    assert {e.actor for e in events} == {teacher}
    assert [e.detail for e in events] == [{"incident": incident.pk, "action": None}] * 2


def test_a_damaged_image_is_refused_after_the_pdf_maker_is_loaded(school, monkeypatch):
    """WeasyPrint, once imported, tells Pillow to accept truncated pictures process-wide."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint leaves it
    data = image_bytes("PNG")[:60]
    assert "could not be read as a PNG image" in refused(school, "photo.png", data)
