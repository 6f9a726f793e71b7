"""Form posts whose part headers are not UTF-8: read them rather than drop them unseen.

Django skips a part of a multipart form whose header line can't be decoded as UTF-8:
a file named in another encoding (an old computer, a damaged folder, a crafted request)
simply vanishes, and the page goes on to say "Action added". Installed first in
``FILE_UPLOAD_HANDLERS``, `ReadableHeadersHandler` passes the body through a reader that
re-decodes such header lines, putting U+FFFD (the replacement character) for each byte
that is not text, so the file arrives under a visibly damaged name and the form can say
which file it was and why it was not kept (`incidents.attachments`). Only header blocks
right after a boundary are touched; the files' own bytes pass through unchanged.
"""

from collections.abc import Callable
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict

READ_SIZE = 64 * 1024
# Django reads at most this much of a part's headers (multipartparser.parse_boundary_stream).
MAX_HEADERS = 1024
REPLACEMENT = "\ufffd"


def readable_header_lines(block: bytes) -> bytes:
    lines = []
    for line in block.split(b"\r\n"):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            line = line.decode("utf-8", "replace").encode("utf-8")
        lines.append(line)
    return b"\r\n".join(lines)


class ReadableHeaders:
    """A file-like reader of a multipart body whose part headers are always UTF-8."""

    def __init__(self, stream: Any, boundary: bytes) -> None:
        self._read: Callable[[int], bytes] = stream.read
        # As Django finds parts: "--" and the boundary, with or without a CRLF before it.
        self._delimiter = b"--" + boundary
        self._out = b""  # processed, ready to hand out
        self._buffer = b""  # read, not yet processed
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._out) < size):
            chunk = self._read(READ_SIZE)
            if not chunk:
                self._eof = True
            self._buffer += chunk
            self._process()
        size = len(self._out) if size < 0 else size
        out, self._out = self._out[:size], self._out[size:]
        return out

    def _emit(self, data: bytes) -> None:
        self._out += data

    def _process(self) -> None:
        while True:
            at = self._buffer.find(self._delimiter)
            if at < 0:
                keep = 0 if self._eof else len(self._delimiter) - 1
                cut = max(len(self._buffer) - keep, 0)
                self._emit(self._buffer[:cut])
                self._buffer = self._buffer[cut:]
                return
            headers = at + len(self._delimiter)
            end = self._buffer.find(b"\r\n\r\n", headers, headers + MAX_HEADERS + 4)
            if end < 0 and not self._eof and len(self._buffer) < headers + MAX_HEADERS + 4:
                self._emit(self._buffer[:at])  # wait for the rest of this part's headers
                self._buffer = self._buffer[at:]
                return
            if end < 0:  # no headers to speak of (the closing boundary, or a damaged part)
                self._emit(self._buffer[:headers])
            else:
                self._emit(
                    self._buffer[:headers] + readable_header_lines(self._buffer[headers:end])
                )
                headers = end
            self._buffer = self._buffer[headers:]


class ReadableHeadersHandler(FileUploadHandler):
    """Parses the form itself, through `ReadableHeaders`, with the other handlers."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: bytes | str,  # Django passes bytes; django-stubs says str
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile[Any]]] | None:
        request = self.request
        if request is None:
            raise RuntimeError("ReadableHeadersHandler is only used on a request")
        if isinstance(boundary, str):
            boundary = boundary.encode("ascii")
        others = [handler for handler in request.upload_handlers if handler is not self]
        parser = MultiPartParser(
            META,
            # django-stubs asks for a whole file object; the parser only ever calls read().
            ReadableHeaders(input_data, boundary),  # type: ignore[arg-type]
            others,
            encoding or request.encoding,
        )
        return parser.parse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
