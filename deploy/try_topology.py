#!/usr/bin/env python3
"""Start Safeguard's scale-out topology on this machine, prove it works, tear it down.

    make topology                    (or: .venv/bin/python deploy/try_topology.py [--keep])

Starts, from the files in deploy/: a PostgreSQL primary and a streaming replica (initdb and
pg_basebackup into a temporary folder), pgbouncer in front of the primary, SeaweedFS as S3
storage, two gunicorn app servers behind nginx (TLS with a throw-away certificate), one task
worker, and an SMTP server that keeps what it receives. Then migrates, loads the demo schools
and proves, printing PASS or FAIL for each:

  - plain HTTP is sent to HTTPS, and a teacher signs in through the proxy;
  - requests alternate between the two app servers (read from their access logs);
  - a file uploaded through one app server is downloaded through the other, and lives only
    in the private bucket;
  - the worker delivers the alert emails of that incident to the SMTP server;
  - the replica streams from the primary and answers reads through safeguard.lib.db.replica();
  - killing one app server (kill -9) while submissions are being posted loses none of them
    and duplicates none: the client retries a failed POST with the same submit-once key.

Exits non-zero if any check fails. Needs: apt-get install -y postgresql nginx pgbouncer
(see docs/deploying.md, "Scaling out").
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from topology import PROJECT, VENV_BIN, Topology, missing_programs, wait_for_port
from web_client import Proof, SmtpSink

from safeguard.lib.tests.seaweedfs import SeaweedS3, free_port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the folder and its logs")
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        print("Cannot start the topology; missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    started = time.monotonic()
    topology = Topology()
    proof = Proof()
    sink = SmtpSink()
    try:
        run(topology, proof, sink)
    except Exception as error:  # a step that could not even run is a failure too
        proof.check("the topology started and every check ran", False, f"{error}")
    finally:
        step("tearing everything down")
        topology.stop(keep=args.keep)
        sink.stop()
        step("done")
        if args.keep:
            print(f"Logs and data kept in {topology.root}")
    print(f"\nTopology proof took {time.monotonic() - started:.0f} s")
    print(f"Topology: {proof.summary()}")
    return 0 if proof.all_passed else 1


_last_step = [time.monotonic()]


def step(message: str) -> None:
    now = time.monotonic()
    print(f"... {message}  [{now - _last_step[0]:.1f} s since the last step]", flush=True)
    _last_step[0] = now


def run(topology: Topology, proof: Proof, sink: SmtpSink) -> None:
    ports = {
        name: free_port()
        for name in (
            "primary",
            "replica",
            "pgbouncer",
            "app1",
            "app2",
            "http",
            "https",
        )
    }
    owner_pw, app_pw, repl_pw = (secrets.token_hex(16) for _ in range(3))

    step("PostgreSQL primary (deploy/postgresql/*.conf, pg_hba.conf)")
    topology.start_primary(ports["primary"], superuser_password=secrets.token_hex(16))
    topology.psql(
        ports["primary"],
        (
            f"CREATE ROLE owner LOGIN PASSWORD '{owner_pw}';"
            f"CREATE ROLE app LOGIN PASSWORD '{app_pw}';"
            f"CREATE ROLE replicator LOGIN REPLICATION PASSWORD '{repl_pw}';"
        ),
    )
    topology.psql(ports["primary"], "CREATE DATABASE safeguard OWNER owner")
    step("streaming replica (pg_basebackup -R, deploy/postgresql/30-replica.conf)")
    topology.start_replica(ports["replica"], primary_port=ports["primary"], password=repl_pw)
    step("pgbouncer (deploy/pgbouncer/pgbouncer.ini), transaction pooling")
    user_line = topology.psql(
        ports["primary"],
        (
            "SELECT format('\"%s\" \"%s\"', rolname, rolpassword) FROM pg_authid WHERE rolname = 'app'"
        ),
    ).strip()
    topology.start_pgbouncer(ports["pgbouncer"], primary_port=ports["primary"], user_line=user_line)
    wait_for_port(ports["pgbouncer"], name="pgbouncer")

    step("SeaweedFS S3 and its bucket")
    s3 = SeaweedS3(topology.folder("seaweedfs")).start()
    topology.processes.append(("seaweedfs", s3.process))  # type: ignore[arg-type]
    s3.client().create_bucket(Bucket="safeguard-files")
    topology_env = environment(ports, s3, sink.port, app_pw=app_pw)
    owner_env = {
        **topology_env,
        "DATABASE_APP_ROLE": "app",
        "DATABASE_URL": f"postgres://owner:{owner_pw}@127.0.0.1:{ports['primary']}/safeguard",
    }
    owner_env.pop("DB_TRANSACTION_POOLING")

    step("migrate as the owner, straight to the primary; load_demo as the app")
    manage = [str(VENV_BIN / "python"), str(PROJECT / "manage.py")]
    collecting = None
    if static_files_changed():  # beside the migrations: it needs no database
        collecting = topology.spawn(
            "collectstatic", [*manage, "collectstatic", "--noinput", "-v0"], env=topology_env
        )
    topology.run([*manage, "createcachetable"], env=owner_env, what="createcachetable")
    topology.run([*manage, "migrate", "--noinput"], env=owner_env, what="migrate")
    step("load_demo")
    topology.run([*manage, "load_demo"], env=topology_env, what="load_demo")
    if collecting is not None and collecting.wait() != 0:
        raise RuntimeError("collectstatic failed; see its log")

    step("two app servers (gunicorn), one worker (db_worker), nginx (deploy/nginx/safeguard.conf)")
    apps = []
    for number in (1, 2):
        port = ports[f"app{number}"]
        env = {**topology_env, "MEDIA_ROOT": str(topology.folder(f"media-{number}"))}
        apps.append(
            topology.spawn(
                f"app{number}",
                [
                    str(VENV_BIN / "gunicorn"),
                    "safeguard.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    str(topology.logs / f"app{number}.access.log"),
                ],
                env=env,
            )
        )
    topology.spawn(
        "worker",
        [*manage, "db_worker", "--no-reload", "--interval", "0.5", "--no-startup-delay"],
        env=topology_env,
    )
    for number, process in enumerate(apps, start=1):
        wait_for_port(ports[f"app{number}"], process=process, name=f"app server {number}")
    topology.start_nginx(
        http_port=ports["http"], https_port=ports["https"], app_ports=[ports["app1"], ports["app2"]]
    )
    wait_for_port(ports["https"], name="nginx")

    # The checks read the database as the owner, straight from the primary (and the replica).
    step("checks")
    os.environ.update({**owner_env, "DJANGO_SETTINGS_MODULE": "safeguard.settings"})
    import django

    django.setup()
    from checks import Checks

    Checks(topology, proof, ports, s3, sink, apps).run_all()


def static_files_changed() -> bool:
    """False when the collected static files are newer than the project's own and its
    dependencies (collecting and compressing them all takes half a minute)."""
    manifest = PROJECT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [PROJECT / "pyproject.toml", *(PROJECT / "safeguard").glob("**/static/**/*")]
    return any(path.stat().st_mtime > manifest.stat().st_mtime for path in sources)


def environment(
    ports: dict[str, int], s3: SeaweedS3, smtp_port: int, *, app_pw: str
) -> dict[str, str]:
    """What every app server, the worker and manage.py get: /etc/safeguard/env's settings
    (deploy/env/scale-out.env.example) for this machine."""
    from cryptography.fernet import Fernet

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "S3_", "SQLITE"))},
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SITE_URL": f"https://localhost:{ports['https']}",
        "ALLOWED_HOSTS": "localhost",
        "BEHIND_PROXY": "1",
        "DATABASE_URL": f"postgres://app:{app_pw}@127.0.0.1:{ports['pgbouncer']}/safeguard",
        "DB_TRANSACTION_POOLING": "1",
        "REPLICA_DATABASE_URL": f"postgres://app:{app_pw}@127.0.0.1:{ports['replica']}/safeguard",
        "S3_BUCKET": "safeguard-files",
        "S3_ENDPOINT_URL": s3.endpoint,
        "S3_ACCESS_KEY_ID": s3.access_key,
        "S3_SECRET_ACCESS_KEY": s3.secret_key,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DEFAULT_FROM_EMAIL": "Safeguard <safeguard@localhost>",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
    }


if __name__ == "__main__":
    sys.exit(main())
