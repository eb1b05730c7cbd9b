"""The machine a benchmark ran on: cores, CPU, versions, and how idle it was."""

from __future__ import annotations

import contextlib
import os
import platform
import time
from pathlib import Path
from typing import Any

from bench.stacks import POSTGRES_URL, REDIS_URL, libpq_url

def machine(postgres: bool = False, redis: bool = False) -> dict[str, Any]:
    """Cores, CPU, Python, Pillow and (when used) PostgreSQL and Redis versions."""
    import PIL
    from PIL import features

    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "load_1m": float(Path("/proc/loadavg").read_text().split()[0]),
        "idle_before": idle_share(1.0),  # others' work on a shared machine is measured too: see it here
    }
    if postgres:
        info["postgresql"] = postgres_version()
    if redis:
        info["redis"] = redis_version()
    return info


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs so far."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; user..steal


def idle_share(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time that was idle over the next `seconds`."""
    idle, total = _cpu_times()
    time.sleep(seconds)
    idle_after, total_after = _cpu_times()
    return round((idle_after - idle) / max(1, total_after - total), 3)


def wait_for_quiet(max_wait: float, idle_needed: float = 0.85) -> float:
    """Wait (up to max_wait seconds) until the machine is mostly idle, so that others' work is not measured too.
    Returns the idle share last seen; says so when the machine never quietened."""
    began = time.monotonic()
    while True:
        idle = idle_share(1.0)
        if idle >= idle_needed or time.monotonic() - began >= max_wait:
            if idle < idle_needed and max_wait > 0:
                print(f"note: the machine is busy ({100 * (1 - idle):.0f}% CPU used by others); measuring anyway",
                      flush=True)  # fmt: skip
            return idle


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def postgres_version() -> str:
    import psycopg

    with psycopg.connect(libpq_url(POSTGRES_URL), connect_timeout=5) as connection:
        return str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


def redis_version() -> str:
    import redis

    with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5) as client:
        return str(client.info("server")["redis_version"])


def print_machine(info: dict[str, Any]) -> None:
    print("machine: " + ", ".join(f"{key} {value}" for key, value in info.items()), flush=True)
