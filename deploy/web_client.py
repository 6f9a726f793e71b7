"""What deploy/try_topology.py drives the topology with: a small HTTPS browser (cookies, no
redirects followed), an SMTP server that keeps what it receives, and the list of checks."""

import http.cookiejar
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from safeguard.lib.tests.seaweedfs import free_port


@dataclass
class Response:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's browser: their cookies, trusting the topology's own certificate."""

    def __init__(self, base: str, *, cafile: str) -> None:
        self.base = base
        context = ssl.create_default_context(cafile=cafile)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirects(),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Response:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(  # noqa: S310 (https to the topology only)
            url,
            data=body,
            method=method,
            headers={
                "Origin": self.base,
                "Referer": self.base + "/",
                **(headers or {}),
            },
        )
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as answer:
            return Response(answer.code, answer.headers, answer.read())

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(
        self, path: str, fields: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Response:
        body, content_type = multipart(fields, files or {})
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})


def multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body: each field (a list is sent once per value) and file."""
    boundary = "----safeguard-topology-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
            )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class SmtpSink:
    """A real SMTP server on a free local port (aiosmtpd) that keeps every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def received(self) -> list[Message]:
        with self._lock:
            return list(self.messages)

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class Proof:
    results: list[tuple[str, bool]] = field(default_factory=list)
    last: float = field(default_factory=time.monotonic)

    def check(self, what: str, passed: bool, detail: str = "") -> bool:
        self.results.append((what, passed))
        took, self.last = time.monotonic() - self.last, time.monotonic()
        print(
            f"{'PASS' if passed else 'FAIL'}  {what}"
            + (f"  ({detail})" if detail else "")
            + f"  [{took:.1f} s]",
            flush=True,
        )
        return passed

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and all(passed for _, passed in self.results)

    def summary(self) -> str:
        failed = sum(1 for _, passed in self.results if not passed)
        return f"{len(self.results) - failed} passed, {failed} failed"
