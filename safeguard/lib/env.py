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
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must start with postgres://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
