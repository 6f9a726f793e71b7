"""A small client for clamd, ClamAV's scanning daemon: its INSTREAM command, nothing else.

clamd listens on a Unix socket (``LocalSocket``) or on TCP (``TCPSocket``). INSTREAM sends
the bytes in chunks, each preceded by its length as four big-endian bytes, ends with a
zero-length chunk, and clamd answers with one line: ``stream: OK``,
``stream: <signature> FOUND`` or ``... ERROR``. Nothing is written to disk on our side and
clamd needs no access to our files. (Written here rather than depending on a library: the
protocol is a few lines and the maintained Python clients are thin wrappers of it.)
"""

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanUnavailable(Exception):
    """clamd could not be reached, or could not scan (the message says why, for the log)."""


@dataclass(frozen=True)
class Scanner:
    """Where clamd listens: a Unix socket path, or a host and port."""

    socket_path: str = ""
    host: str = ""
    port: int = 3310
    timeout: float = 30.0

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
                return sock
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise ScanUnavailable(f"cannot connect to clamd: {error}") from None

    def _command(self, command: bytes, body: bytes | None = None) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                if body is not None:
                    for start in range(0, len(body), CHUNK):
                        chunk = body[start : start + CHUNK]
                        sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                    sock.sendall(struct.pack("!I", 0))
            except OSError:
                pass  # clamd may stop reading and answer early (a size limit): read its reply
            try:
                reply = b""
                while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
                    part = sock.recv(MAX_REPLY)
                    if not part:
                        break
                    reply += part
            except OSError as error:
                raise ScanUnavailable(f"no answer from clamd: {error}") from None
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if not text:
            raise ScanUnavailable("clamd closed the connection without answering")
        return text

    def ping(self) -> bool:
        try:
            return self._command(b"PING") == "PONG"
        except ScanUnavailable:
            return False

    def scan(self, data: bytes) -> str | None:
        """None if clamd finds nothing, else the name of what it found; ScanUnavailable if
        it could not say."""
        reply = self._command(b"INSTREAM", data)
        _, _, result = reply.partition(": ")
        if result == "OK":
            return None
        if result.endswith(" FOUND"):
            return result.removesuffix(" FOUND").strip() or "a virus"
        raise ScanUnavailable(f"clamd could not scan: {reply[:200]}")
