"""A local S3-compatible server (moto in server mode) on 127.0.0.1, and fresh buckets on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import uuid4

import boto3
from moto.server import ThreadedMotoServer

from adapters.storage.s3 import S3Options

REGION = "us-east-1"
CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}


@contextmanager
def moto_server() -> Iterator[S3Options]:
    """A server on a free port for as long as the block runs; yields the options that reach it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Options(endpoint_url=f"http://{host}:{port}", region=REGION, **CREDENTIALS)
    finally:
        server.stop()


def new_bucket(options: S3Options) -> str:
    """A bucket of the caller's own, so no test sees another's blobs."""
    name = f"pixelmill-test-{uuid4().hex[:24]}"
    client = boto3.client(
        "s3",
        endpoint_url=options.endpoint_url,
        region_name=options.region,
        aws_access_key_id=options.access_key_id,
        aws_secret_access_key=options.secret_access_key,
    )
    client.create_bucket(Bucket=name)
    return name
