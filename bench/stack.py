"""The server stack the benchmark measures, started and stopped by the benchmark itself:
gunicorn serving safeguard.wsgi with DEBUG off, and the task worker (`manage.py db_worker`)
delivering the alerts' emails, both on the benchmark's PostgreSQL database.

gunicorn runs gthread workers: 4 processes (two per core on the documented 2-core machine,
so one can compute while another waits for PostgreSQL) of 2 threads each, so the 8 clients'
keep-alive connections are each served at once instead of waiting for a free process.
"""

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.errors import BenchError

PROJECT = Path(__file__).resolve().parent.parent
VAR = PROJECT / "var" / "bench"
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ServerShape:
    worker_class: str = "gthread"
    workers: int = 4
    threads: int = 2


def refuse_debug(environ: Mapping[str, str]) -> None:
    """The benchmark measures the production configuration, never DEBUG's."""
    value = environ.get("DEBUG", "")
    if value.strip().lower() in TRUE:
        raise BenchError(
            f"DEBUG is on (DEBUG={value}). The benchmark measures Safeguard as a school's server "
            "runs it, with DEBUG off: DEBUG keeps every query in memory and serves errors and "
            "static files differently. Unset DEBUG (or set DEBUG=0) and run it again."
        )


def kept_key(path: Path, make: str = "secret") -> Path:
    """A key made once and kept in var/bench (the dataset's authenticator secrets are
    encrypted with the MFA key, so it must stay the same for as long as the data does)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        value = (
            base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            if make == "fernet"
            else secrets.token_urlsafe(50)
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(value)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(database_url: str, port: int) -> dict[str, str]:
    """What the server, the worker and every manage.py command run with: production-like."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SQLITE_PATH", "DATABASE_APP_ROLE", "SECRET_KEY", "MFA_ENCRYPTION_KEYS")
    }
    env.update(
        {
            "DEBUG": "0",
            "DATABASE_URL": database_url,
            "SECRET_KEY_FILE": str(kept_key(VAR / "secret-key")),
            "MFA_ENCRYPTION_KEYS_FILE": str(kept_key(VAR / "mfa-key", "fernet")),
            "SITE_URL": f"http://127.0.0.1:{port}",
            # Emails are built and handed to a backend that drops them: no mail server.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(
    env: Mapping[str, str], *args: str, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our interpreter and manage.py, no shell)
        [sys.executable, str(PROJECT / "manage.py"), *args],
        env=dict(env),
        cwd=PROJECT,
        text=True,
        capture_output=capture,
        check=False,
    )


def has_command(env: Mapping[str, str], name: str) -> bool:
    listed = manage(env, "help", "--commands", capture=True)
    if listed.returncode != 0:
        raise BenchError(
            f"manage.py does not start with the benchmark's settings:\n{listed.stderr.strip()}"
        )
    return name in listed.stdout.split()


def collect_static(env: Mapping[str, str]) -> None:
    """DEBUG off serves static files from WhiteNoise's manifest: collect them when ours changed."""
    manifest = PROJECT / "staticfiles" / "staticfiles.json"
    newest = max(
        (p.stat().st_mtime for p in (PROJECT / "safeguard" / "static").rglob("*") if p.is_file()),
        default=0,
    )
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        print("Collecting static files...", flush=True)
        if manage(env, "collectstatic", "--noinput", "-v0").returncode != 0:
            raise BenchError("manage.py collectstatic failed: see above.")


class Stack:
    def __init__(self, env: Mapping[str, str], port: int, shape: ServerShape, log: Path) -> None:
        self.env, self.port, self.shape, self.log_path = dict(env), port, shape, log
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        gunicorn = [
            sys.executable, "-m", "gunicorn", "safeguard.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", self.shape.worker_class,
            "--workers", str(self.shape.workers),
            "--threads", str(self.shape.threads),
            "--keep-alive", "30",
            "--timeout", "120",
        ]  # fmt: skip
        worker = [sys.executable, str(PROJECT / "manage.py"), "db_worker", "--no-reload", "-v0"]
        for command in (gunicorn, worker):
            self.processes.append(
                subprocess.Popen(  # noqa: S603 (our interpreter, no shell)
                    command,
                    env=self.env,
                    cwd=PROJECT,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise BenchError(
                        f"The server or the worker stopped at start (exit {process.returncode}):\n"
                        f"{self.log_tail()}"
                    )
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise BenchError(f"The server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def check_debug_off(self) -> None:
        """A missing page must be the plain 404 page, not DEBUG's technical one."""
        try:
            missing = f"{self.url}/bench-no-such-page-{secrets.token_hex(4)}/"
            urllib.request.urlopen(missing, timeout=10)  # noqa: S310 (our own http:// server)
        except urllib.error.HTTPError as error:
            if b"Using the URLconf" in error.read():
                raise BenchError(
                    "The server runs with DEBUG on: the benchmark measures DEBUG off."
                ) from None

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    """The stack, stopped on the way out whatever happens (an error, Ctrl-C, SIGTERM)."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        stack.start()
        stack.wait_ready()
        stack.check_debug_off()
        yield stack
    finally:
        stack.stop()
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
