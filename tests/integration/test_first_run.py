"""A stranger's first command: a fresh clone, `make bootstrap`, then `make run` serves until /health/ready answers.

Only what is committed is cloned, so a file missing from the repository, a broken lock or a `make run` that no
longer starts on embedded defaults fails here, not on someone's first day.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from testbed.environment import clean_env, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_SECONDS = 900  # a cold pip install on a loaded 2-core machine; warm caches take about a minute
READY_SECONDS = 120  # first start: migrate a new SQLite file, then serve
STOP_SECONDS = 30


def test_a_fresh_clone_bootstraps_and_serves_until_ready(tmp_path: Path) -> None:
    clone = tmp_path / "pixelmill"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    # No byte-compiling of every installed module: the server compiles only what it imports.
    env = clean_env({"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1"})
    bootstrap = subprocess.run(
        ["make", "bootstrap"], cwd=clone, env=env, capture_output=True, text=True, timeout=BOOTSTRAP_SECONDS
    )
    assert bootstrap.returncode == 0, bootstrap.stderr[-3000:]
    assert (clone / ".venv" / "bin" / "pixelmill").exists()

    port = free_port()
    log = (tmp_path / "run.log").open("w+")
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        ready = wait_until_ready(f"http://127.0.0.1:{port}", server, log)
        assert ready == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "storage": "ok"}}
        assert (clone / "var" / "pixelmill.db").exists(), "embedded defaults keep their state in the clone's var/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the server it started
        try:
            server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def wait_until_ready(base: str, server: subprocess.Popen[bytes], log: object) -> object:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        if server.poll() is not None:
            raise AssertionError(f"make run exited with {server.returncode}:\n{_read(log)}")
        try:
            answer = httpx.get(f"{base}/health/ready", timeout=2)
            if answer.status_code == 200:
                return answer.json()
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"/health/ready did not answer 200 within {READY_SECONDS}s:\n{_read(log)}")
        time.sleep(0.2)


def _read(log: object) -> str:
    log.seek(0)  # type: ignore[attr-defined]
    return log.read()[-3000:]  # type: ignore[attr-defined, no-any-return]
