"""An account export as a zip: JSON documents, and the images when asked; spooled to disk past a few MiB."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import AsyncIterator
from typing import IO

import anyio.to_thread
import msgspec

from application.use_cases.accounts.export_account import AccountExport, ExportAccount
from entrypoints.http.schemas.auth import UserOut
from entrypoints.http.schemas.billing import OrderOut
from entrypoints.http.schemas.credits import LedgerEntryOut
from entrypoints.http.schemas.tasks import TaskOut

IN_MEMORY_BYTES = 8 * 1024 * 1024
CHUNK = 64 * 1024


def _json(value: object) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=2)


async def build_zip(export: AccountExport, use_case: ExportAccount, with_images: bool) -> IO[bytes]:
    """The zip, rewound, in a temporary file the caller closes."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (closed by the caller)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", _json(UserOut.of(export.user)))
        archive.writestr("tasks.json", _json([TaskOut.of(task) for task in export.tasks]))
        archive.writestr("ledger.json", _json([LedgerEntryOut.of(entry) for entry in export.ledger]))
        archive.writestr("orders.json", _json([OrderOut.of(order) for order in export.orders]))
        if with_images:
            async for name, data in use_case.images(export.tasks):
                # Images are compressed already: stored as they are.
                await anyio.to_thread.run_sync(archive.writestr, f"images/{name}", data, zipfile.ZIP_STORED)
    spool.seek(0)
    return spool


async def chunks(spool: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(spool.read, CHUNK):
            yield chunk
    finally:
        spool.close()
