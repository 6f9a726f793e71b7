from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safeguard.lib.env import database_from_env, env_bool, env_secret, env_secret_list


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("Yes", True), ("off", False)])
def test_a_flag_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_an_empty_flag_takes_the_default(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "")
    assert env_bool("SOME_FLAG", default=True) is True


def test_a_secret_is_read_from_its_file_before_the_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("SOME_SECRET", "from-the-variable")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_secret("SOME_SECRET") == "from-the-file"


def test_a_list_of_secrets_drops_spaces_and_empty_items(monkeypatch):
    monkeypatch.setenv("SOME_KEYS", " new , old ,, ")
    assert env_secret_list("SOME_KEYS") == ["new", "old"]
    monkeypatch.delenv("SOME_KEYS")
    assert env_secret_list("SOME_KEYS") == []


def test_without_a_database_url_the_database_is_the_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SQLITE_PATH", raising=False)
    database = database_from_env(tmp_path / "var" / "db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    assert Path(database["NAME"]).parent.is_dir()


def test_a_postgresql_url_is_read_into_its_parts(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app%40x:p%2Fw@db.example:5433/safeguard")
    database = database_from_env(tmp_path / "unused.sqlite3")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("app@x", "p/w")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example",
        "5433",
        "safeguard",
    )


def test_a_database_url_of_another_kind_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "mysql://db.example/safeguard")
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        database_from_env(tmp_path / "unused.sqlite3")
