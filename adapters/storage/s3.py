"""Blob storage in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 ...) through obstore's async client.

Every API and worker process on every machine sees the same blobs. A PUT is atomic on S3: readers see the
old object or the new one, never half of either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

from adapters.storage.keys import checked_key
from domain.errors import NotFound, TransientFailure

# A hung endpoint must not hold an upload or a worker for long: it is reported as a transient failure.
CONNECT_TIMEOUT = timedelta(seconds=5)
REQUEST_TIMEOUT = timedelta(seconds=60)
RETRY = {"max_retries": 2, "retry_timeout": timedelta(seconds=10), "backoff": {"init_backoff": timedelta(milliseconds=100)}}


@dataclass(frozen=True)
class S3Options:
    """Where and as whom; empty values fall back to the AWS_* environment variables and instance roles."""

    endpoint_url: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""


class S3BlobStorage:
    def __init__(self, store: S3Store, chunk_size: int = 64 * 1024) -> None:
        self.store = store
        self.chunk_size = chunk_size

    @classmethod
    def connect(cls, bucket: str, prefix: str, options: S3Options) -> S3BlobStorage:
        """A store on bucket under prefix (no request is made until first use)."""
        config: dict[str, Any] = {"region": options.region} if options.region else {}
        if options.endpoint_url:
            config["endpoint"] = options.endpoint_url
        if options.access_key_id:
            config["access_key_id"] = options.access_key_id
            config["secret_access_key"] = options.secret_access_key
        client = {
            "connect_timeout": CONNECT_TIMEOUT,
            "timeout": REQUEST_TIMEOUT,
            "allow_http": options.endpoint_url.startswith("http://"),
        }
        store = S3Store(bucket, prefix=prefix or None, client_options=client, retry_config=RETRY, **config)  # type: ignore[arg-type]
        return cls(store)

    async def put(self, key: str, data: bytes) -> None:
        """Store bytes under key, replacing any; raises TransientFailure on I/O trouble."""
        try:
            await obstore.put_async(self.store, checked_key(key), data)
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"cannot store blob {key}: {_first_line(exc)}") from exc

    async def get(self, key: str) -> bytes:
        """The bytes under key; raises NotFound when absent."""
        try:
            result = await obstore.get_async(self.store, checked_key(key))
            return bytes(await result.bytes_async())
        except FileNotFoundError:
            raise NotFound(f"no blob {key}") from None
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"cannot read blob {key}: {_first_line(exc)}") from exc

    async def delete(self, key: str) -> None:
        """Remove key; idempotent (S3 answers a delete of a missing key with success)."""
        try:
            await obstore.delete_async(self.store, checked_key(key))
        except FileNotFoundError:
            pass
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"cannot delete blob {key}: {_first_line(exc)}") from exc

    async def open_stream(self, key: str) -> AsyncIterator[bytes]:
        """The bytes under key in chunks of chunk_size (the last may be shorter); raises NotFound when absent."""
        try:
            result = await obstore.get_async(self.store, checked_key(key))
        except FileNotFoundError:
            raise NotFound(f"no blob {key}") from None
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"cannot read blob {key}: {_first_line(exc)}") from exc
        pending = bytearray()
        try:
            async for part in result.stream(min_chunk_size=self.chunk_size):
                pending += part
                while len(pending) >= self.chunk_size:
                    yield bytes(pending[: self.chunk_size])
                    del pending[: self.chunk_size]
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"lost blob {key} while reading: {_first_line(exc)}") from exc
        if pending:
            yield bytes(pending)

    async def ping(self) -> None:
        """Raise when the bucket cannot be listed (unreachable, missing, or no permission)."""
        try:
            listing = obstore.list(self.store, prefix="ping", chunk_size=1)
            await anext(aiter(listing), None)
        except (BaseError, OSError) as exc:
            raise TransientFailure(f"the bucket cannot be listed: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
