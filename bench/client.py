"""A small HTTP client: one keep-alive connection per load-generator thread, cookies per
signed-in session, no redirects followed unless asked (the caller times each request).

The standard library's http.client is enough and adds nothing to measure: a request costs
the generator well under a millisecond.
"""

import http.client
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Response:
    method: str
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: str
    ms: float

    @property
    def location(self) -> str:
        target = self.headers.get("Location", "")
        return urljoin(self.url, target) if target else ""


@dataclass
class Cookies:
    """The cookies of one browser: shared by the threads that act as its person."""

    values: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def header(self) -> str:
        with self.lock:
            return "; ".join(f"{k}={v}" for k, v in self.values.items())

    def update(self, headers: http.client.HTTPMessage) -> None:
        for raw in headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            with self.lock:
                for name, morsel in cookie.items():
                    expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                    if expired or not morsel.value:
                        self.values.pop(name, None)
                    else:
                        self.values[name] = morsel.value

    def get(self, name: str) -> str:
        with self.lock:
            return self.values.get(name, "")


class Connection:
    """One keep-alive connection to the server (reopened when the server closes it)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        url: str,
        cookies: Cookies,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = urljoin(self.base_url + "/", url)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = {
            "Host": parts.netloc,
            "User-Agent": "safeguard-bench",
            "Accept": "text/html",
            **(headers or {}),
        }
        jar = cookies.header()
        if jar:
            sent["Cookie"] = jar
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=sent)
                raw = conn.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.close()
                if attempt == 2:
                    raise
                continue
            ms = (time.perf_counter() - started) * 1000
            if raw.will_close:
                self.close()
            cookies.update(raw.headers)
            return Response(
                method, url, raw.status, raw.headers, data.decode("utf-8", "replace"), ms
            )
        raise AssertionError("unreachable")

    def get(self, url: str, cookies: Cookies, **headers: str) -> Response:
        return self.request("GET", url, cookies, headers=headers)

    def post_form(
        self,
        url: str,
        cookies: Cookies,
        pairs: list[tuple[str, str]],
        *,
        multipart: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST fields as a browser does: urlencoded, or multipart/form-data for a form
        with enctype="multipart/form-data"."""
        referer = {"Referer": url, "Origin": self.base_url}
        if multipart:
            body, content_type = encode_multipart(pairs)
        else:
            body, content_type = urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        return self.request(
            "POST",
            url,
            cookies,
            body=body,
            headers={"Content-Type": content_type, **referer, **(headers or {})},
        )


def encode_multipart(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = "----safeguard-bench-" + secrets.token_hex(12)
    chunks: list[bytes] = []
    for name, value in pairs:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
