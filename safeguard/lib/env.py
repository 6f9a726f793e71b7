"""Reading settings from the environment: the typed helpers settings.py is written with.

Every value that differs between a laptop and a school's server comes from an environment
variable; these read one, with a default, and a secret also from a file (`NAME_FILE`, as
container secrets are given).
"""

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, *, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str, *, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name) or default


def env_secret_list(name: str, *, default: str | None = None) -> list[str]:
    """Comma-separated secrets from NAME or NAME_FILE (keys being rotated: newest first)."""
    return [
        key.strip() for key in (env_secret(name, default=default) or "").split(",") if key.strip()
    ]


def database_from_env(sqlite_default: Path) -> dict[str, Any]:
    """SQLite (SQLITE_PATH, or `sqlite_default`) unless DATABASE_URL names a PostgreSQL server."""
    url = env_str("DATABASE_URL")
    if not url:
        path = Path(env_str("SQLITE_PATH", str(sqlite_default)))
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # WAL lets readers run while a writer commits; FULL sync keeps every
            # acknowledged incident through a power cut (docs/decisions.md).
            # recursive_triggers: the row an INSERT OR REPLACE would delete fires
            # its DELETE trigger (lib/immutable.py).
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=15000; "
                    "PRAGMA recursive_triggers=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or None},
        }
    return postgresql_from_url(url, name="DATABASE_URL")


def postgresql_from_url(url: str, *, name: str) -> dict[str, Any]:
    """A PostgreSQL database from its URL (`name` is the variable it came from).

    DB_TRANSACTION_POOLING=1 when the URL leads to pgbouncer in transaction pooling mode:
    a query's rows then come in one answer, not through a server-side cursor, which
    would outlive the transaction pgbouncer lent the server connection for.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"{name} must start with postgres://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": env_bool("DB_TRANSACTION_POOLING", default=False),
    }


def databases_from_env(sqlite_default: Path) -> dict[str, dict[str, Any]]:
    """`default` (database_from_env), and `replica` when REPLICA_DATABASE_URL names a
    streaming read replica of it (lib/db.py says who may read there). In tests the
    replica is the default database itself (Django's TEST MIRROR)."""
    databases = {"default": database_from_env(sqlite_default)}
    url = env_str("REPLICA_DATABASE_URL")
    if url:
        if databases["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("REPLICA_DATABASE_URL needs DATABASE_URL (PostgreSQL)")
        replica = postgresql_from_url(url, name="REPLICA_DATABASE_URL")
        databases["replica"] = {**replica, "TEST": {"MIRROR": "default"}}
    return databases


def file_storage_from_env() -> dict[str, Any]:
    """Where attached files are kept: the folder MEDIA_ROOT, unless S3_BUCKET names a bucket
    of S3-compatible object storage (lib/s3.py), with S3_ENDPOINT_URL for a service other
    than Amazon's, S3_REGION, and S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (*file*; unset:
    the machine's own AWS credentials)."""
    bucket = env_str("S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    endpoint = env_str("S3_ENDPOINT_URL") or None
    return {
        "BACKEND": "safeguard.lib.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": env_str("S3_REGION") or "us-east-1",
            "access_key": env_secret("S3_ACCESS_KEY_ID"),
            "secret_key": env_secret("S3_SECRET_ACCESS_KEY"),
            # Path-style addresses (https://host/bucket/key) suit services other than AWS.
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or ("path" if endpoint else "auto"),
        },
    }
