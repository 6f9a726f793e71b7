"""Reading form posts whose part headers are not UTF-8, without touching anything else."""

import io

import pytest
from django.test import RequestFactory

from safeguard.lib import uploads

BOUNDARY = b"----b0undary"


def body(*parts: tuple[bytes, bytes]) -> bytes:
    """parts: (Content-Disposition parameters, content)."""
    out = b""
    for disposition, content in parts:
        out += b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; " + disposition
        out += b"\r\n\r\n" + content + b"\r\n"
    return out + b"--" + BOUNDARY + b"--\r\n"


# Binary content that looks almost like a boundary and like a damaged header, but isn't.
TRICKY = (b"x--" + BOUNDARY[:-1] + b"\xff\xfe\r\n\r\n\x00") * 3 + bytes(range(256)) * 40


def read_all(data: bytes, size: int) -> bytes:
    reader = uploads.ReadableHeaders(io.BytesIO(data), BOUNDARY)
    out = b""
    while chunk := reader.read(size):
        out += chunk
    return out


@pytest.mark.parametrize("read_size", [1, 2, 7, 64, 1000, 65536])
def test_a_body_with_readable_headers_passes_through_unchanged(monkeypatch, read_size):
    monkeypatch.setattr(uploads, "READ_SIZE", read_size)
    data = body((b'name="text"', b"Hello"), (b'name="files"; filename="a.bin"', TRICKY))
    assert read_all(data, 5) == data
    assert read_all(data, 100_000) == data


@pytest.mark.parametrize("read_size", [1, 3, 64, 65536])
def test_only_the_damaged_header_line_changes(monkeypatch, read_size):
    monkeypatch.setattr(uploads, "READ_SIZE", read_size)
    data = body((b'name="files"; filename="r\xe9union.bin"', TRICKY))
    expected = body((b'name="files"; filename="r\xef\xbf\xbdunion.bin"', TRICKY))
    assert read_all(data, 4096) == expected


def test_django_then_sees_the_file_under_a_marked_name_with_its_bytes_intact(settings):
    data = body(
        (b'name="text"', "Zoë".encode()),
        (b'name="files"; filename="\xff\xfenotes.bin"', TRICKY),
        (b'name="files"; filename="plain.txt"', b"plain"),
    )
    request = RequestFactory().generic(
        "POST", "/", data, content_type=f"multipart/form-data; boundary={BOUNDARY.decode()}"
    )
    files = request.FILES.getlist("files")
    assert [f.name for f in files] == ["\ufffd\ufffdnotes.bin", "plain.txt"]
    assert files[0].read() == TRICKY
    assert request.POST["text"] == "Zoë"
