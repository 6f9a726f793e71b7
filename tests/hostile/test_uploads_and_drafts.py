"""Uploads and drafts under attack or mishap: animations, hidden metadata, macros by another
name, viruses, a full file store, a school switched mid-form and file names that aren't text."""

import errno
import io
import os
import shutil
import struct
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from safeguard.accounts.permissions import Role
from safeguard.accounts.tests.factories import MembershipFactory
from safeguard.incidents.models import Category, Draft, Incident
from safeguard.incidents.services.attachments import store_uploads
from safeguard.incidents.tests.factories import record_test_incident
from safeguard.lib.clamd import Scanner
from safeguard.pupils.tests.factories import PupilFactory
from tests.hostile import files, state

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


# Virus scanning with clamd --------------------------------------------------------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """A real clamd on a temporary socket, with one signature of our own (EICAR's test
    string): no downloaded database, no network. Its stream limit is 1 MB, so a larger
    file makes clamd answer with an error, as a failing scanner would."""
    program = shutil.which("clamd") or (
        "/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None
    )
    if program is None:
        pytest.skip("clamd is not installed (Debian package clamav-daemon)")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.ndb").write_text(f"Safeguard-Test-EICAR:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nStreamMaxLength 1M\n"
    )
    process = subprocess.Popen(  # noqa: S603 - our own program and arguments
        [program, "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    scanner = Scanner(socket_path=str(socket_path), timeout=10)
    deadline = time.monotonic() + 60
    while not scanner.ping():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"clamd did not start: {(folder / 'clamd.log').read_text()[-500:]}")
        time.sleep(0.1)
    yield str(socket_path)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def scanning(settings, clamd):
    settings.CLAMD_SOCKET = clamd
    return clamd


def test_a_file_clamd_finds_a_virus_in_is_refused_by_name(school, scanning):
    message = refused(school, "letter from mum.txt", EICAR)
    assert message.startswith(
        "'letter from mum.txt' was not attached: the virus scanner found "
        "Safeguard-Test-EICAR.UNOFFICIAL in it."
    )


def test_a_clean_file_is_stored_when_scanning_is_on(school, scanning):
    assert stored_bytes(school, "notes.txt", b"She was upset at lunch.") == (
        b"She was upset at lunch."
    )


def test_a_scanner_that_answers_with_an_error_refuses_the_file(school, scanning):
    message = refused(school, "long notes.txt", b"a" * (2 * 1024 * 1024))
    assert message == (
        "'long notes.txt' was not attached: virus scanning is unavailable, try again later."
    )


def test_without_a_configured_scanner_files_are_not_scanned(school, settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    assert stored_bytes(school, "eicar.txt", EICAR) == EICAR


@pytest.fixture
def sally(school):
    return PupilFactory(school=school, legal_first_name="Sally", legal_last_name="Jones")


ADD = reverse("incidents:incident-add")
TEXT = "Sally said her dad hit her with a belt last night."


def incident_form(school, pupil, **changes) -> dict:
    now = timezone.localtime()
    family = Category.objects.for_school(school).get(name="Family / home circumstances")
    data = {
        "submit_key": str(uuid.uuid4()),
        "pupil": str(pupil.pk),
        "kind": "disclosure",
        "text": TEXT,
        "occurred_on": f"{now:%Y-%m-%d}",
        "occurred_time": f"{now:%H:%M}",
        "location": "Classroom",
        "spoke_to_dsl": "no",
        "categories": [str(family.pk)],
        "intent": "submit",
    }
    data.update(changes)
    return data


def test_an_unreachable_scanner_refuses_the_files_and_keeps_the_incident_text(
    client_as, midday, school, sally, settings, tmp_path
):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    before = state.snapshot()
    data = incident_form(school, sally, files=[files.upload("bruise.png", files.png_bytes())])
    response = client_as(midday).post(ADD, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "virus scanning is unavailable, try again later" in page
    assert TEXT in page
    assert state.changes(before, state.snapshot()) == {}


# A full file store ----------------------------------------------------------------------


class _FullAfterHalf(FileSystemStorage):
    """A file system that fills up halfway through writing any file."""

    def _save(self, name, content):
        data = content.read()
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.fixture(params=["tmpfs", "storage"])
def full_store(request, settings, tmp_path):
    """A file store with 64 KB free: a real tmpfs when this machine lets us mount one
    (as root), and always a storage that runs out of space halfway through a file."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    if request.param == "storage":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": f"{__name__}._FullAfterHalf"},
        }
        yield media
        return
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(media)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root; the storage case covers this")
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=False)  # noqa: S603, S607


def big_files() -> list:
    """A small file that fits, then one larger than the whole store."""
    return [
        files.upload("first.txt", b"a" * 20_000),
        files.upload("second.txt", b"b" * 200_000),
    ]


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_full_file_store_keeps_the_incident_as_a_draft_and_leaves_no_file(
    client_as, midday, school, sally, full_store
):
    data = incident_form(school, sally, files=big_files())
    response = client_as(midday).post(ADD, data)
    assert response.status_code == 503
    page = response.content.decode()
    assert "The file store is full; your incident has been kept as a draft" in page
    assert TEXT in page  # and still on the page, to submit without the files
    draft = Draft.objects.for_school(school).get()
    assert (draft.author, str(draft.submit_key), draft.data["text"]) == (
        midday,
        data["submit_key"],
        [TEXT],
    )
    assert not Incident.objects.for_school(school).exists()
    assert files_in(full_store) == []


def test_a_full_file_store_adds_no_action_and_keeps_its_text(
    client_as, teacher, school, membership_of, full_store
):
    from safeguard.incidents.models import Action, Attachment

    incident = record_test_incident(membership_of(teacher))
    data = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "files": big_files(),
    }
    response = client_as(teacher).post(reverse("incidents:action-add", args=[incident.pk]), data)
    assert response.status_code == 503
    page = response.content.decode()
    assert "The file store is full, so your action has not been added" in page
    assert "Phoned mum; she will come in tomorrow." in page
    assert not Action.objects.for_school(school).exists()
    assert not Attachment.objects.for_school(school).exists()
    assert files_in(full_store) == []


# A school switched in the middle of the form ---------------------------------------------


@pytest.fixture
def in_two_schools(client_as, midday, school, other_school):
    MembershipFactory(user=midday, school=other_school, role=Role.TEACHER)
    client = client_as(midday)
    client.post(reverse("accounts:switch-school"), {"school": school.pk})
    return client


def switch(client, school) -> None:
    client.post(reverse("accounts:switch-school"), {"school": school.pk})


def test_autosave_after_switching_school_starts_a_new_draft_there(
    in_two_schools, midday, school, other_school, sally
):
    client = in_two_schools
    data = incident_form(school, sally, text="First words.")
    client.post(reverse("incidents:draft-save"), data)
    switch(client, other_school)
    response = client.post(reverse("incidents:draft-save"), {**data, "text": TEXT})
    assert response.status_code == 200
    answer = response.json()
    assert answer["submit_key"] != data["submit_key"]
    assert "Fernhill Academy" in answer["notice"]
    kept = Draft.objects.for_school(other_school).get()
    assert (str(kept.submit_key), kept.data["text"]) == (answer["submit_key"], [TEXT])
    # The draft in the first school is where it was, as it was.
    first = Draft.objects.for_school(school).get()
    assert (str(first.submit_key), first.data["text"]) == (data["submit_key"], ["First words."])


def test_save_draft_button_after_switching_school_keeps_the_text_and_says_where(
    in_two_schools, midday, school, other_school, sally
):
    client = in_two_schools
    data = incident_form(school, sally, text="First words.", intent="save-draft")
    client.post(ADD, data)
    switch(client, other_school)
    response = client.post(ADD, {**data, "text": TEXT})
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)][-1:]
    assert "new draft in Fernhill Academy" in message
    assert Draft.objects.for_school(other_school).get().data["text"] == [TEXT]
    assert Draft.objects.for_school(school).get().data["text"] == ["First words."]


def test_saving_twice_after_the_switch_updates_the_new_draft(
    in_two_schools, midday, school, other_school, sally
):
    client = in_two_schools
    data = incident_form(school, sally)
    client.post(reverse("incidents:draft-save"), data)
    switch(client, other_school)
    new_key = client.post(reverse("incidents:draft-save"), data).json()["submit_key"]
    client.post(reverse("incidents:draft-save"), {**data, "submit_key": new_key, "text": "More."})
    assert Draft.objects.for_school(other_school).get().data["text"] == ["More."]


# File names that are not text --------------------------------------------------------------


def multipart(fields: dict, file_name: bytes, content: bytes) -> tuple[bytes, str]:
    """A form post with one file whose name is the given bytes (browsers send UTF-8)."""
    boundary = b"----safeguard-test-boundary"
    body = b""
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            body += (
                b"--" + boundary + b"\r\n"
                b'Content-Disposition: form-data; name="'
                + name.encode()
                + b'"\r\n\r\n'
                + str(value).encode()
                + b"\r\n"
            )
    body += (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="files"; filename="' + file_name + b'"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n--" + boundary + b"--\r\n"
    )
    return body, f"multipart/form-data; boundary={boundary.decode()}"


def test_a_file_name_that_is_not_utf8_is_named_and_explained_on_an_action(
    client_as, teacher, school, membership_of
):
    from safeguard.incidents.models import Action

    incident = record_test_incident(membership_of(teacher))
    fields = {
        "submit_key": str(uuid.uuid4()),
        "text": "Phoned mum; she will come in tomorrow.",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    body, content_type = multipart(fields, b"r\xe9union notes.txt", b"Mum will come in.")
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]), body, content_type=content_type
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Action added" not in page
    assert "r\ufffdunion notes.txt" in page
    assert "its name is not valid text" in page
    assert "Phoned mum; she will come in tomorrow." in page
    assert not Action.objects.for_school(school).exists()


def test_a_file_name_that_is_not_utf8_is_named_and_explained_on_an_incident(
    client_as, midday, school, sally
):
    body, content_type = multipart(incident_form(school, sally), b"\xff\xfe.txt", b"notes")
    response = client_as(midday).post(ADD, body, content_type=content_type)
    assert response.status_code == 200
    page = response.content.decode()
    assert "its name is not valid text" in page and TEXT in page
    assert not Incident.objects.for_school(school).exists()
