"""Attached files in S3-compatible object storage, kept private and failing as a disk fails.

`settings.STORAGES["default"]` names `PrivateS3Storage` when S3_BUCKET is set (lib/env.py,
`storage_from_env`). Code that stores, reads and removes files goes on using Django's
`default_storage` as it does with a local folder, and sees the same kinds of failure:

* a missing object is `FileNotFoundError`, as a missing file is;
* any other refusal or failure of the service (unreachable, credentials, a missing bucket)
  is an `OSError`, and a full store (a quota) is `OSError(ENOSPC)`, so the attachment
  service removes what it wrote and says the file store is full or failing;
* every file is sent in one request, never in parts: an object exists whole or not at all,
  so a failed upload leaves no partial file behind;
* no object ever gets an address of its own: `url()` refuses, so files are only streamed by
  the permission-checked, audited download view. Objects are written without an ACL (the
  bucket's own, private by default) and never overwrite one another.
"""

import errno
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import File
from storages.backends.s3 import S3File, S3Storage

# Error codes S3-compatible services answer when the store or a quota is full.
FULL_CODES = frozenset(
    {"QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded", "InsufficientStorage"}
)
NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
# Larger than any attachment (ATTACHMENT_MAX_BYTES is 10 MB by default): one PUT per file.
ONE_REQUEST_UP_TO = 5 * 1024 * 1024 * 1024


def as_os_error[T](name: str, call: Callable[[], T]) -> T:
    """`call()`, with the S3 client's errors turned into the OSError a file system gives."""
    try:
        return call()
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code != "NoSuchBucket" and (code in NOT_FOUND_CODES or status == 404):
            raise FileNotFoundError(
                errno.ENOENT, "no such object in the file store", name
            ) from error
        if code in FULL_CODES or status == 507:
            raise OSError(errno.ENOSPC, "the file store is full", name) from error
        raise OSError(errno.EIO, f"the file store refused: {code or status}", name) from error
    except BotoCoreError as error:  # unreachable, timed out, bad configuration
        raise OSError(errno.EIO, f"the file store failed: {error}", name) from error


class PrivateS3Storage(S3Storage):
    """Django-storages' S3 storage for files that are records (see the module's note)."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("file_overwrite", False)
        options.setdefault("default_acl", None)
        # Downloads larger than this wait on disk, not in the worker's memory.
        options.setdefault("max_memory_size", 2 * 1024 * 1024)
        style = options.pop("addressing_style", None) or "auto"
        options.setdefault(
            "client_config",
            Config(
                signature_version="s3v4",
                s3={"addressing_style": style},
                connect_timeout=5,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        )
        super().__init__(**options)
        self.transfer_config.multipart_threshold = ONE_REQUEST_UP_TO
        self.transfer_config.use_threads = False

    def _open(self, name: str, mode: str = "rb") -> S3File:
        return as_os_error(name, lambda: super(PrivateS3Storage, self)._open(name, mode))

    def _save(self, name: str, content: File[Any]) -> str:
        return as_os_error(name, lambda: super(PrivateS3Storage, self)._save(name, content))

    def delete(self, name: str) -> None:
        as_os_error(name, lambda: super(PrivateS3Storage, self).delete(name))

    def exists(self, name: str) -> bool:
        return as_os_error(name, lambda: super(PrivateS3Storage, self).exists(name))

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return as_os_error(path, lambda: super(PrivateS3Storage, self).listdir(path))

    def size(self, name: str) -> int:
        return as_os_error(name, lambda: super(PrivateS3Storage, self).size(name))

    def get_modified_time(self, name: str) -> datetime:
        return as_os_error(name, lambda: super(PrivateS3Storage, self).get_modified_time(name))

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise NotImplementedError(
            "Attached files have no address: only the download view streams them."
        )
