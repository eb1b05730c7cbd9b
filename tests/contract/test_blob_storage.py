"""BlobStorage: the same contract for the in-memory fake, the local directory and an S3 bucket, then what only
the directory and the bucket add."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.memory.storage import MemoryBlobStorage
from adapters.storage.factory import local_storage, s3_storage, storage_scheme
from adapters.storage.local import LocalBlobStorage
from adapters.storage.s3 import S3BlobStorage, S3Options
from application.ports.blob_storage import BlobStorage
from domain.errors import NotFound, TransientFailure
from tests.support.s3 import moto_server, new_bucket

CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Options]:
    with moto_server() as options:
        yield options


@pytest.fixture(params=["memory", "local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStorage:
    if request.param == "memory":
        return MemoryBlobStorage()
    if request.param == "s3":
        options = request.getfixturevalue("s3_server")
        return S3BlobStorage.connect(new_bucket(options), "blobs", options)
    return LocalBlobStorage(tmp_path / "blobs")


def new_key() -> str:
    return f"sources/{uuid4()}"


async def read_stream(storage: BlobStorage, key: str) -> list[bytes]:
    return [chunk async for chunk in storage.open_stream(key)]


async def test_get_returns_what_was_put(storage: BlobStorage) -> None:
    key = new_key()
    await storage.put(key, b"pixels")
    assert await storage.get(key) == b"pixels"


async def test_put_replaces_the_previous_bytes(storage: BlobStorage) -> None:
    key = new_key()
    await storage.put(key, b"first, and longer")
    await storage.put(key, b"second")
    assert await storage.get(key) == b"second"


async def test_get_of_a_missing_key_raises_not_found(storage: BlobStorage) -> None:
    with pytest.raises(NotFound):
        await storage.get(new_key())


async def test_delete_removes_the_blob_and_is_idempotent(storage: BlobStorage) -> None:
    key = new_key()
    await storage.put(key, b"pixels")
    await storage.delete(key)
    await storage.delete(key)
    await storage.delete(new_key())
    with pytest.raises(NotFound):
        await storage.get(key)


async def test_open_stream_yields_the_exact_bytes_in_chunks(storage: BlobStorage) -> None:
    key = new_key()
    data = os.urandom(3 * CHUNK + 123)
    await storage.put(key, data)
    chunks = await read_stream(storage, key)
    assert b"".join(chunks) == data
    assert len(chunks) == 4
    assert all(len(chunk) <= CHUNK for chunk in chunks)


async def test_open_stream_of_a_missing_key_raises_not_found(storage: BlobStorage) -> None:
    with pytest.raises(NotFound):
        await read_stream(storage, new_key())


async def test_a_large_blob_round_trips(storage: BlobStorage) -> None:
    key = new_key()
    data = os.urandom(3 * 1024 * 1024)
    await storage.put(key, data)
    assert await storage.get(key) == data
    assert b"".join(await read_stream(storage, key)) == data


def unusable(storage: BlobStorage, tmp_path: Path, request: pytest.FixtureRequest) -> BlobStorage:
    """The same kind of storage, broken the way it breaks in life: an outage, a root that is a file, no bucket."""
    if isinstance(storage, MemoryBlobStorage):
        broken = MemoryBlobStorage()
        broken.failing = True
        return broken
    if isinstance(storage, LocalBlobStorage):
        root = tmp_path / "not-a-directory"
        root.write_bytes(b"")
        return LocalBlobStorage(root)
    return S3BlobStorage.connect(f"pixelmill-missing-{uuid4().hex[:16]}", "", request.getfixturevalue("s3_server"))


async def test_ping_tells_usable_storage_from_unusable_and_changes_nothing(
    storage: BlobStorage, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    key = new_key()
    await storage.put(key, b"pixels")  # a fresh local root exists once something is stored

    await storage.ping()  # raises on unusable storage, so reaching the next line is the check

    assert await storage.get(key) == b"pixels"
    with pytest.raises(TransientFailure):
        await unusable(storage, tmp_path, request).ping()


# The local directory only.

HOSTILE_KEYS = ["../../etc/passwd", "/etc/passwd", "a\\b", "sources/../../x", "sources/./x", "a//b", "a\0b", ""]


@pytest.mark.parametrize("key", HOSTILE_KEYS)
async def test_local_storage_rejects_a_key_that_could_leave_the_root(tmp_path: Path, key: str) -> None:
    storage = LocalBlobStorage(tmp_path / "blobs")
    with pytest.raises(ValueError):
        await storage.put(key, b"pixels")
    with pytest.raises(ValueError):
        await storage.get(key)
    with pytest.raises(ValueError):
        await storage.delete(key)
    with pytest.raises(ValueError):
        await read_stream(storage, key)


async def test_local_storage_writes_nothing_outside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "deep" / "blobs"
    storage = LocalBlobStorage(root)
    for key in HOSTILE_KEYS:
        with pytest.raises(ValueError):
            await storage.put(key, b"pixels")
    key = new_key()
    await storage.put(key, b"pixels")
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files == [root / key]  # and no temporary file is left behind


async def test_local_storage_ping_fails_when_the_root_is_missing(tmp_path: Path) -> None:
    with pytest.raises(TransientFailure):
        await LocalBlobStorage(tmp_path / "missing").ping()


async def test_local_storage_ping_fails_when_the_root_is_a_file(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    root.write_bytes(b"not a directory")
    with pytest.raises(TransientFailure):
        await LocalBlobStorage(root).ping()


async def test_local_storage_put_reports_a_refusing_disk_as_transient(tmp_path: Path) -> None:
    storage = LocalBlobStorage(tmp_path / "blobs")
    await storage.put("sources", b"a file where a directory should be")
    with pytest.raises(TransientFailure):
        await storage.put(new_key(), b"pixels")


def test_a_relative_file_url_lives_under_the_base_directory(tmp_path: Path) -> None:
    storage = local_storage("file://var/blobs", tmp_path)
    assert isinstance(storage, LocalBlobStorage)
    assert storage.root == tmp_path / "var" / "blobs"


def test_an_absolute_file_url_ignores_the_base_directory(tmp_path: Path) -> None:
    storage = local_storage("file:///srv/pixel%20mill", tmp_path)
    assert isinstance(storage, LocalBlobStorage)
    assert storage.root == Path("/srv/pixel mill")


def test_an_unknown_storage_scheme_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'ftp'"):
        storage_scheme("ftp://host/blobs")


def test_a_storage_url_without_a_scheme_is_refused() -> None:
    with pytest.raises(ValueError):
        storage_scheme("var/blobs")


def test_a_file_url_without_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        local_storage("file://", tmp_path)


# The S3 bucket only.


@pytest.mark.parametrize("key", HOSTILE_KEYS)
async def test_s3_storage_rejects_the_keys_the_directory_rejects(s3_server: S3Options, key: str) -> None:
    storage = S3BlobStorage.connect(new_bucket(s3_server), "blobs", s3_server)
    with pytest.raises(ValueError):
        await storage.put(key, b"pixels")
    with pytest.raises(ValueError):
        await read_stream(storage, key)


async def test_s3_storage_keeps_its_blobs_under_its_prefix(s3_server: S3Options) -> None:
    bucket = new_bucket(s3_server)
    ours, neighbour = (S3BlobStorage.connect(bucket, prefix, s3_server) for prefix in ("one", "two"))
    key = new_key()
    await ours.put(key, b"pixels")
    with pytest.raises(NotFound):
        await neighbour.get(key)
    assert await S3BlobStorage.connect(bucket, "", s3_server).get(f"one/{key}") == b"pixels"


async def test_s3_storage_ping_fails_when_the_bucket_is_missing(s3_server: S3Options) -> None:
    with pytest.raises(TransientFailure):
        await S3BlobStorage.connect("pixelmill-no-such-bucket", "", s3_server).ping()


async def test_s3_storage_reports_an_unreachable_endpoint_as_transient(unused_tcp_port: int) -> None:
    options = S3Options(endpoint_url=f"http://127.0.0.1:{unused_tcp_port}", access_key_id="k", secret_access_key="s")
    storage = S3BlobStorage.connect("pixelmill", "", options)
    with pytest.raises(TransientFailure):
        await storage.put(new_key(), b"pixels")
    with pytest.raises(TransientFailure):
        await storage.get(new_key())
    with pytest.raises(TransientFailure):
        await storage.ping()


def test_an_s3_url_names_the_bucket_and_the_prefix() -> None:
    storage = s3_storage("s3://pixelmill/blobs/eu/", S3Options(endpoint_url="http://127.0.0.1:9"))
    assert isinstance(storage, S3BlobStorage)
    assert storage.store.config["bucket"] == "pixelmill"
    assert storage.store.prefix == "blobs/eu"


def test_an_s3_url_without_a_bucket_is_refused() -> None:
    with pytest.raises(ValueError, match="bucket"):
        s3_storage("s3://", S3Options())
