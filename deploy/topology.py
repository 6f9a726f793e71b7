"""The processes of the scale-out topology, started on one machine from deploy/'s own files.

Used by deploy/try_topology.py. Each service gets a folder under one temporary directory, free
local ports, and a log; `Topology.stop()` ends every process it started, newest first, and
removes the directory. When run as root, PostgreSQL and pgbouncer run as the `postgres` user
(PostgreSQL refuses root) and nginx's workers as `www-data`.
"""

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
PROJECT = DEPLOY.parent
VENV_BIN = Path(sys.executable).parent
IS_ROOT = os.geteuid() == 0
# A throw-away cluster on a machine others share: deploy/'s tuned settings, with the memory
# they would claim on the documented machine scaled down (and the port, socket and logs moved).
THROWAWAY_PG = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
shared_buffers = 128MB
effective_cache_size = 1GB
maintenance_work_mem = 64MB
max_wal_size = 1GB
wal_keep_size = 256MB
logging_collector = off
"""


def postgres_bin() -> Path:
    found = os.environ.get("PG_BIN") or max(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), default=""
    )
    if not found or not (Path(found) / "initdb").exists():
        raise SystemExit("PostgreSQL's server programs were not found: apt-get install postgresql")
    return Path(found)


def missing_programs() -> list[str]:
    needed = {"nginx": "nginx", "pgbouncer": "pgbouncer", "openssl": "openssl"}
    missing = [
        f"{name} (apt-get install -y {package})"
        for name, package in needed.items()
        if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()
    ]
    if not (VENV_BIN / "gunicorn").exists():
        missing.append("gunicorn (make venv)")
    from safeguard.lib.tests.seaweedfs import MISSING, weed_binary

    if weed_binary() is None:
        missing.append(MISSING)
    return missing


def program(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def render(template: str, replacements: dict[str, str]) -> str:
    """`template` with each line `key = value` whose key is in `replacements` rewritten."""
    out = []
    for line in template.splitlines():
        match = re.match(r"^\s*([\w.]+)\s*=", line)
        if match and match.group(1) in replacements:
            line = f"{match.group(1)} = {replacements[match.group(1)]}"
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class Topology:
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="safeguard-topology-")))
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    clusters: list[Path] = field(default_factory=list)
    pg_bin: Path = field(default_factory=postgres_bin)

    def __post_init__(self) -> None:
        self.root.chmod(0o755)  # the postgres user must reach its folders inside
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.logs.chmod(0o1777)  # PostgreSQL writes its own logs here too

    # -- running things ------------------------------------------------------------------

    def folder(self, name: str, *, owner: str | None = None) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700, exist_ok=True)
        if owner and IS_ROOT:
            account = pwd.getpwnam(owner)
            shutil.chown(path, account.pw_uid, account.pw_gid)
        return path

    def _as(self, user: str | None) -> dict[str, object]:
        if not (user and IS_ROOT):
            return {}
        account = pwd.getpwnam(user)
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def run(
        self,
        command: list[str],
        *,
        user: str | None = None,
        env: dict[str, str] | None = None,
        what: str = "",
    ) -> str:
        """Run `command` to its end; stop the whole proof, with its output, if it fails."""
        done = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            text=True,
            cwd=self.root,
            env=env,
            check=False,
            **self._as(user),  # type: ignore[arg-type]
        )
        if done.returncode != 0:
            raise RuntimeError(f"{what or command[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(
        self,
        name: str,
        command: list[str],
        *,
        user: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a long-running process in its own process group, logging to <name>.log."""
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            env=env,
            start_new_session=True,
            **self._as(user),  # type: ignore[arg-type]
        )
        self.processes.append((name, process))
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """kill -9 the process and every process it started (a machine that dies)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, *, keep: bool = False) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5  # throw-away data: no need to wait for clean stops
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(process)
        for data in reversed(self.clusters):
            with contextlib.suppress(RuntimeError):
                self.run(
                    [str(self.pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                    user="postgres",
                )
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- PostgreSQL ----------------------------------------------------------------------

    def start_primary(self, port: int, *, superuser_password: str) -> Path:
        """initdb, deploy/postgresql's settings and pg_hba.conf (after lines for this
        machine's loopback), then start."""
        data = self.folder("pg-primary", owner="postgres")
        password_file = data.parent / "pg-primary.pw"
        password_file.write_text(superuser_password)
        if IS_ROOT:
            shutil.chown(password_file, "postgres")
        self.run(
            [
                str(self.pg_bin / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                f"--pwfile={password_file}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            user="postgres",
            what="initdb",
        )
        password_file.unlink()
        conf = data / "conf.d"
        conf.mkdir()
        for name in ("10-safeguard.conf", "20-machine-2cpu-24gb.conf"):
            shutil.copy(DEPLOY / "postgresql" / name, conf / name)
        (conf / "99-this-machine.conf").write_text(
            THROWAWAY_PG.format(port=port, socket_dir=data.parent / "pg-primary-socket")
        )
        self.folder("pg-primary-socket", owner="postgres")
        with (data / "postgresql.conf").open("a") as main:
            main.write("\ninclude_dir = 'conf.d'\n")
        (data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host replication replicator 127.0.0.1/32 scram-sha-256\n"
            + (DEPLOY / "postgresql" / "pg_hba.conf").read_text()
        )
        self._own(data)
        self._pg_start(data, "pg-primary")
        return data

    def start_replica(self, port: int, *, primary_port: int, password: str) -> Path:
        """pg_basebackup from the primary (-R: a standby that streams from it), then start
        with deploy/postgresql/30-replica.conf."""
        data = self.folder("pg-replica", owner="postgres")
        self.run(
            [
                str(self.pg_bin / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary_port),
                "-U",
                "replicator",
                "-D",
                str(data),
                "-X",
                "stream",
                "-R",
                "-c",
                "fast",
            ],
            user="postgres",
            env={**os.environ, "PGPASSWORD": password},
            what="pg_basebackup",
        )
        shutil.copy(DEPLOY / "postgresql" / "30-replica.conf", data / "conf.d" / "30-replica.conf")
        self.folder("pg-replica-socket", owner="postgres")
        (data / "conf.d" / "99-this-machine.conf").write_text(
            THROWAWAY_PG.format(port=port, socket_dir=data.parent / "pg-replica-socket")
        )
        self._own(data)
        self._pg_start(data, "pg-replica")
        return data

    def _own(self, data: Path) -> None:
        if IS_ROOT:
            self.run(["chown", "-R", "postgres:postgres", str(data)])

    def _pg_start(self, data: Path, name: str) -> None:
        self.run(
            [
                str(self.pg_bin / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.logs / f"{name}.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            user="postgres",
            what=f"starting {name}",
        )
        self.clusters.append(data)

    def psql(
        self, port: int, sql: str, *, socket: str = "pg-primary-socket", database: str = "postgres"
    ) -> str:
        return self.run(
            [
                str(self.pg_bin / "psql"),
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.root / socket),
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
            user="postgres",
            what="psql",
        )

    # -- pgbouncer -----------------------------------------------------------------------

    def start_pgbouncer(self, port: int, *, primary_port: int, user_line: str) -> None:
        """deploy/pgbouncer/pgbouncer.ini, pointed at this machine's primary and folders;
        userlist.txt holds the app role's SCRAM secret, as deploy/'s example says."""
        folder = self.folder("pgbouncer", owner="postgres")
        (folder / "userlist.txt").write_text(user_line + "\n")
        template = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text()
        template = template.replace(
            "safeguard = host=127.0.0.1 port=5432 dbname=safeguard",
            f"safeguard = host=127.0.0.1 port={primary_port} dbname=safeguard",
        )
        (folder / "pgbouncer.ini").write_text(
            render(
                template,
                {
                    "listen_addr": "127.0.0.1",
                    "listen_port": str(port),
                    "unix_socket_dir": str(folder),
                    "auth_file": str(folder / "userlist.txt"),
                    "logfile": str(folder / "pgbouncer.log"),
                    "pidfile": str(folder / "pgbouncer.pid"),
                },
            )
        )
        self._own(folder)
        self.spawn(
            "pgbouncer", [program("pgbouncer"), str(folder / "pgbouncer.ini")], user="postgres"
        )

    # -- nginx ---------------------------------------------------------------------------

    def start_nginx(self, *, http_port: int, https_port: int, app_ports: list[int]) -> None:
        """deploy/nginx/safeguard.conf with this machine's app servers, ports and a
        self-signed certificate, in a main configuration of its own."""
        folder = self.folder("nginx")
        folder.chmod(0o755)
        cert, key = folder / "cert.pem", folder / "key.pem"
        self.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            what="openssl",
        )
        site = (DEPLOY / "nginx" / "safeguard.conf").read_text()
        servers = "".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in app_ports
        )
        site = re.sub(r"(    server 10\.0\.0\.\d+:8000 [^\n]*\n)+", servers, site)
        site = re.sub(r"\n\s*listen \[::\][^\n]*", "", site)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
        site = site.replace("server_name safeguard.example.org;", "server_name localhost;")
        site = site.replace("https://$host$request_uri", f"https://$host:{https_port}$request_uri")
        site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
        site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
        (folder / "safeguard.conf").write_text(site)
        temp = self.folder("nginx-temp", owner="www-data" if IS_ROOT else None)
        main = [
            "user www-data;" if IS_ROOT else "",
            "worker_processes 1;",
            f"pid {folder / 'nginx.pid'};",
            f"error_log {self.logs / 'nginx-error.log'} warn;",
            "events { worker_connections 256; }",
            "http {",
            f"    access_log {self.logs / 'nginx-access.log'};",
            *(
                f"    {kind}_temp_path {temp / kind};"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
            f"    include {folder / 'safeguard.conf'};",
            "}",
        ]
        (folder / "nginx.conf").write_text("\n".join(main) + "\n")
        self.run([program("nginx"), "-t", "-q", "-c", str(folder / "nginx.conf")], what="nginx -t")
        self.spawn(
            "nginx", [program("nginx"), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
        )


def wait_for_port(
    port: int,
    *,
    timeout: float = 30,
    process: subprocess.Popen[bytes] | None = None,
    name: str = "",
) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} stopped at once; see its log")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name or port} did not start listening in {timeout:.0f} s")
