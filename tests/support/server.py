"""`pixelmill serve` as a real subprocess on a free port, stopped with SIGTERM afterwards."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from testbed.environment import PIXELMILL, clean_env, free_port


@contextmanager
def serving(cwd: Path, env: dict[str, str] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Yields the base URL once /health answers; fails with the server's output if it never does."""
    port = free_port()
    log = (cwd / f"serve-{port}.log").open("w+")
    process = subprocess.Popen(
        [str(PIXELMILL), "serve", "--port", str(port)],
        cwd=cwd,
        env=clean_env(env or {}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}:\n{_read(log)}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"serve did not answer within {timeout}s:\n{_read(log)}")
            time.sleep(0.05)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _read(log: object) -> str:
    log.seek(0)  # type: ignore[attr-defined]
    return log.read()  # type: ignore[attr-defined, no-any-return]
