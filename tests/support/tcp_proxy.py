"""A TCP proxy to cut: processes reach Redis through it, and `cut()` is Redis going away for them alone.

Cutting stops listening (new connections are refused, as by a stopped server) and resets every open one;
`restore()` listens on the same port again. The shared Redis server itself is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.open: set[asyncio.StreamWriter] = set()
        self.pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        """Listen on 127.0.0.1 (a free port the first time, the same one after a cut); returns the port."""
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.open):
            writer.transport.abort()  # a reset, as when the server's process dies
        await self.server.wait_closed()
        self.server = None

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        if self.server is not None:
            await self.cut()
        for pump in list(self.pumps):
            pump.cancel()
        await asyncio.gather(*self.pumps, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.open.update((client_writer, server_writer))
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            pump = asyncio.create_task(self._pump(reader, writer))
            self.pumps.add(pump)
            pump.add_done_callback(self.pumps.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self.open.discard(writer)
            writer.transport.abort()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
