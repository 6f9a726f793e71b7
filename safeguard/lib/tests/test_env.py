from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safeguard.lib.env import (
    database_from_env,
    databases_from_env,
    env_bool,
    env_secret,
    env_secret_list,
    file_storage_from_env,
)


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


def test_through_a_transaction_pooler_rows_come_without_server_side_cursors(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@127.0.0.1:6432/safeguard")
    assert database_from_env(tmp_path / "unused")["DISABLE_SERVER_SIDE_CURSORS"] is False
    monkeypatch.setenv("DB_TRANSACTION_POOLING", "1")
    assert database_from_env(tmp_path / "unused")["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_without_a_replica_url_there_is_only_the_default_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@primary.example/safeguard")
    monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
    assert list(databases_from_env(tmp_path / "unused")) == ["default"]


def test_a_replica_url_adds_the_replica_which_tests_read_as_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@primary.example/safeguard")
    monkeypatch.setenv("REPLICA_DATABASE_URL", "postgres://app:pw@replica.example:5433/safeguard")
    databases = databases_from_env(tmp_path / "unused")
    assert (databases["replica"]["HOST"], databases["replica"]["PORT"]) == (
        "replica.example",
        "5433",
    )
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["default"]["HOST"] == "primary.example"


def test_a_replica_of_sqlite_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REPLICA_DATABASE_URL", "postgres://app:pw@replica.example/safeguard")
    with pytest.raises(ImproperlyConfigured, match="REPLICA_DATABASE_URL needs DATABASE_URL"):
        databases_from_env(tmp_path / "db.sqlite3")


def test_files_stay_in_a_local_folder_unless_a_bucket_is_named(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    assert file_storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_and_endpoint_put_files_in_s3_compatible_storage(monkeypatch, tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("S3_BUCKET", "safeguard-files")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:8333")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.delenv("S3_REGION", raising=False)
    monkeypatch.delenv("S3_ADDRESSING_STYLE", raising=False)
    storage = file_storage_from_env()
    assert storage["BACKEND"] == "safeguard.lib.s3.PrivateS3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "safeguard-files",
        "endpoint_url": "http://127.0.0.1:8333",
        "region_name": "us-east-1",
        "access_key": "key",
        "secret_key": "from-the-file",
        "addressing_style": "path",
    }


def test_amazons_s3_needs_no_endpoint_and_may_use_the_machines_credentials(monkeypatch):
    for name in (
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_ADDRESSING_STYLE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("S3_BUCKET", "safeguard-files")
    monkeypatch.setenv("S3_REGION", "eu-west-2")
    options = file_storage_from_env()["OPTIONS"]
    assert (options["endpoint_url"], options["access_key"], options["secret_key"]) == (None,) * 3
    assert (options["region_name"], options["addressing_style"]) == ("eu-west-2", "auto")
