"""Files that lie about what they are, names that try to escape, and too much at once.

Checked by content, not by name; stored under generated names; nothing is written when any
file is refused; downloads are attachments the browser won't run.
"""

import re
from email.message import Message

import pytest
from django.urls import reverse

from safeguard.incidents.models import Attachment
from tests.hostile import files
from tests.hostile.helpers import ADD, action_data, incident_data, membership, recorded
from tests.hostile.state import changes, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", files.DISGUISED)
def test_a_disguised_or_dangerous_file_is_refused_and_nothing_is_stored(
    kind, client_as, teacher, pupil, school
):
    before = snapshot()
    upload = files.disguised(kind)
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=[upload]))
    assert response.status_code == 200
    [problem] = response.context["file_errors"]
    assert "can't be attached" in problem or " is not " in problem or "archive" in problem
    assert changes(before, snapshot()) == {}


def test_a_disguised_file_on_an_action_is_refused_too(client_as, teacher, school):
    incident = recorded(membership(teacher, school))
    before = snapshot()
    response = client_as(teacher).post(
        reverse("incidents:action-add", args=[incident.pk]),
        action_data(files=[files.upload("scan.pdf", files.HTML)]),
    )
    assert response.status_code == 400
    assert response.context["file_errors"] == [
        "'scan.pdf' is not a PDF: its content looks like HTML (a web page)."
    ]
    assert changes(before, snapshot()) == {}


def test_a_picture_of_absurd_size_is_refused_before_it_is_decoded(
    client_as, teacher, pupil, school
):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    before = snapshot()
    response = client_as(teacher).post(
        ADD, incident_data(school, pupil, files=[files.upload("flood.png", out.getvalue())])
    )
    [problem] = response.context["file_errors"]
    assert problem.startswith("'flood.png'") and "pixels" in problem
    assert changes(before, snapshot()) == {}


TRAVERSAL_NAMES = {
    "dot-dot-slash": ("../../../../etc/passwd.txt", "passwd.txt"),
    "dot-dot-backslash": ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    "absolute": ("/etc/cron.d/job.txt", "job.txt"),
    "drive-letter": ("C:\\Windows\\System32\\evil.txt", "evil.txt"),
    "hidden-file": (".htaccess.txt", "htaccess.txt"),
    "rtl-override": ("report\u202efdp.txt", "reportfdp.txt"),
    "escape-codes": ("\x1b[31mred\x1b[0m.txt", "[31mred[0m.txt"),
    "zero-width-and-bom": ("\ufeffnotes\u200f.txt", "notes.txt"),
}


@pytest.mark.parametrize("case", TRAVERSAL_NAMES)
def test_a_file_name_with_folders_or_tricks_is_kept_only_as_a_clean_display_name(
    case, client_as, teacher, pupil, school, settings
):
    from pathlib import Path

    name, shown = TRAVERSAL_NAMES[case]
    data = incident_data(school, pupil, files=[files.upload(name, b"Plain notes.")])
    response = client_as(teacher).post(ADD, data)
    assert response.status_code == 302
    attachment = Attachment.objects.for_school(school).get()
    assert attachment.original_name == shown
    assert re.fullmatch(rf"attachments/{school.pk}/[0-9a-f]{{32}}", attachment.stored_name)
    root = Path(settings.MEDIA_ROOT).resolve()
    assert (root / attachment.stored_name).resolve().is_relative_to(root / "attachments")
    download = client_as(teacher).get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1] and "\\" not in disposition


def test_a_file_name_smuggling_multipart_headers_is_refused_and_stores_nothing(
    client_as, teacher, pupil, school
):
    name = 'a"; filename=evil.html\r\nX-Injected: yes\r\n\r\n<script>.txt'
    before = snapshot()
    response = client_as(teacher).post(
        ADD, incident_data(school, pupil, files=[files.upload(name, b"Plain notes.")])
    )
    [problem] = response.context["file_errors"]
    assert problem.startswith("'evil.html' can't be attached: .html files aren't accepted.")
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param(
            'report"; filename="evil.html.txt', 'report"; filename="evil.html.txt', id="quotes"
        ),
        pytest.param("résumé «final».txt", "résumé «final».txt", id="non-ascii"),
    ],
)
def test_a_file_name_cannot_break_out_of_the_download_header(
    name, shown, client_as, teacher, pupil, school
):
    """(Browsers escape quotes in the upload itself; the stored name here is as a careless
    client might send it.)"""

    from safeguard.incidents.services.attachments import store_uploads

    client = client_as(teacher)
    incident = recorded(membership(teacher, school), pupil=pupil)
    [stored], problems = store_uploads([files.upload(name, b"Plain notes.")], school=school)
    assert problems == []
    attachment = Attachment.objects.create(
        school=school, incident=incident, uploaded_by=teacher, **vars(stored)
    )
    response = client.get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    header = Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    assert header.get_content_disposition() == "attachment"
    assert header.get_filename() == shown
    assert "\r" not in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        pytest.param("page.txt", files.HTML, "text/plain", id="html-in-a-text-file"),
        pytest.param(
            "scan.pdf", b"%PDF-1.4\n" + files.HTML, "application/pdf", id="pdf-html-polyglot"
        ),
    ],
)
def test_an_accepted_file_with_markup_inside_downloads_inert(
    name, data, content_type, client_as, teacher, pupil, school
):
    client = client_as(teacher)
    assert (
        client.post(ADD, incident_data(school, pupil, files=[files.upload(name, data)])).status_code
        == 302
    )
    attachment = Attachment.objects.for_school(school).get()
    response = client.get(
        reverse("incidents:attachment-download", args=[attachment.incident_id, attachment.pk])
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    before = snapshot()
    big = files.upload("big.txt", b"a" * 1025, "text/plain")
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=[big]))
    assert response.context["file_errors"] == [
        "'big.txt' is 1.0\xa0KB; each file can be at most 1.0\xa0KB."
    ]
    assert changes(before, snapshot()) == {}


def test_more_files_than_allowed_are_refused_and_none_is_stored(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_FILES = 2
    before = snapshot()
    uploads = [files.upload(f"n{n}.txt", b"notes", "text/plain") for n in range(3)]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    assert response.context["file_errors"] == ["You chose 3 files; attach at most 2 at a time."]
    assert changes(before, snapshot()) == {}


def test_files_over_the_total_limit_are_refused_and_none_is_stored(
    client_as, teacher, pupil, school, settings
):
    settings.ATTACHMENT_MAX_TOTAL_BYTES = 2000
    before = snapshot()
    uploads = [files.upload(f"n{n}.txt", b"a" * 900, "text/plain") for n in range(3)]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    [problem] = response.context["file_errors"]
    assert "the limit is 2.0\xa0KB at a time" in problem
    assert changes(before, snapshot()) == {}


def test_one_bad_file_among_good_ones_stores_none_of_them(client_as, teacher, pupil, school):
    before = snapshot()
    uploads = [
        files.upload("good.txt", b"notes", "text/plain"),
        files.upload("photo.png", files.png_bytes(), "image/png"),
        files.upload("bad.pdf", files.HTML, "application/pdf"),
    ]
    response = client_as(teacher).post(ADD, incident_data(school, pupil, files=uploads))
    assert len(response.context["file_errors"]) == 1
    assert changes(before, snapshot()) == {}
