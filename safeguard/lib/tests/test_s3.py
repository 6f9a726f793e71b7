"""Attached files in S3-compatible storage (`lib/s3.py`), against a real SeaweedFS server:
private objects, the failures a file system would give, and no address for any file."""

import errno
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from safeguard.lib.s3 import PrivateS3Storage, as_os_error
from safeguard.lib.tests.seaweedfs import free_port


def test_a_file_is_written_read_listed_and_removed(s3_bucket, s3_server):
    name = default_storage.save("attachments/7/abc123", ContentFile(b"%PDF-1.4 notes"))
    assert name == "attachments/7/abc123"
    assert s3_server.keys(s3_bucket) == ["attachments/7/abc123"]
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == b"%PDF-1.4 notes"
    assert default_storage.exists(name)
    assert default_storage.size(name) == 14
    assert default_storage.listdir("attachments") == (["7"], [])
    assert default_storage.listdir("attachments/7") == ([], ["abc123"])
    assert abs(default_storage.get_modified_time(name) - timezone.now()).total_seconds() < 60
    default_storage.delete(name)
    assert not default_storage.exists(name)
    assert s3_server.keys(s3_bucket) == []


def test_a_file_never_overwrites_another_of_the_same_name(s3_bucket):
    first = default_storage.save("attachments/7/same", ContentFile(b"first"))
    second = default_storage.save("attachments/7/same", ContentFile(b"second"))
    assert first != second
    with default_storage.open(first, "rb") as stored:
        assert stored.read() == b"first"


def test_a_missing_file_is_not_found_as_on_a_disk(s3_bucket):
    with pytest.raises(FileNotFoundError):
        default_storage.open("attachments/7/never-written", "rb")
    with pytest.raises(FileNotFoundError):
        default_storage.get_modified_time("attachments/7/never-written")
    default_storage.delete("attachments/7/never-written")  # nothing to remove: no error
    assert default_storage.listdir("attachments") == ([], [])


def test_a_file_has_no_address_of_its_own(s3_bucket):
    name = default_storage.save("attachments/7/abc123", ContentFile(b"notes"))
    with pytest.raises(NotImplementedError, match="only the download view"):
        default_storage.url(name)


def test_the_bucket_does_not_hand_a_file_to_anyone_without_the_keys(s3_bucket, s3_server):
    name = default_storage.save("attachments/7/abc123", ContentFile(b"notes"))
    for address in (
        f"{s3_server.endpoint}/{s3_bucket}/{name}",
        f"{s3_server.endpoint}/{s3_bucket}",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(address, timeout=10)  # noqa: S310 (a local test server)
        assert refused.value.code == 403


def test_a_missing_bucket_fails_as_a_failing_disk_does(s3_server):
    storage = PrivateS3Storage(**{**s3_server.storage_options("no-such-bucket")["OPTIONS"]})
    with pytest.raises(OSError) as failed:
        storage.save("attachments/7/abc123", ContentFile(b"notes"))
    assert failed.value.errno == errno.EIO
    assert not isinstance(failed.value, FileNotFoundError)


def test_an_unreachable_store_fails_as_a_failing_disk_does(s3_server):
    options = s3_server.storage_options("safeguard-files")["OPTIONS"]
    storage = PrivateS3Storage(**{**options, "endpoint_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(OSError) as failed:
        storage.save("attachments/7/abc123", ContentFile(b"notes"))
    assert failed.value.errno == errno.EIO


@pytest.mark.parametrize("code", ["QuotaExceeded", "XMinioStorageFull"])
def test_a_store_over_its_quota_is_full_as_a_disk_is(code):
    def over_quota():
        raise ClientError({"Error": {"Code": code}, "ResponseMetadata": {}}, "PutObject")

    with pytest.raises(OSError) as failed:
        as_os_error("attachments/7/abc123", over_quota)
    assert failed.value.errno == errno.ENOSPC


def test_a_file_is_sent_in_one_request_so_no_part_of_it_is_ever_kept(s3_server):
    storage = PrivateS3Storage(**s3_server.storage_options("safeguard-files")["OPTIONS"])
    assert storage.transfer_config.multipart_threshold >= 1024**3
