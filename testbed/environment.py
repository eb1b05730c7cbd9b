"""The settings of a Pixelmill stack of a run's own, as environment variables of the `pixelmill` it starts."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

PIXELMILL = Path(sys.executable).with_name("pixelmill")
CHEAP_ARGON2 = {  # logins are not what is tested or measured
    "PIXELMILL_ARGON2_TIME_COST": "1",
    "PIXELMILL_ARGON2_MEMORY_COST": "1024",
    "PIXELMILL_ARGON2_PARALLELISM": "1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This shell's environment without its PIXELMILL_* variables, which must not leak into a run, and `extra`."""
    return {**{key: value for key, value in os.environ.items() if not key.startswith("PIXELMILL_")}, **(extra or {})}


def with_search_path(url: str, schema: str) -> str:
    """The URL a subprocess gets: PostgreSQL puts its tables in the schema (libpq's `options`)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def staging(database_url: str, schema: str, broker_url: str, queue_name: str) -> dict[str, str]:
    """Staging: everything production demands, with the sandbox gateway that tests and benchmarks pay through."""
    return {
        "PIXELMILL_ENV": "staging",
        "PIXELMILL_PAYMENT_GATEWAY": "sandbox",
        "PIXELMILL_PUBLIC_URL": "http://127.0.0.1",
        "PIXELMILL_DATABASE_URL": with_search_path(database_url, schema),
        "PIXELMILL_BROKER_URL": broker_url,
        "PIXELMILL_QUEUE_NAME": queue_name,
    }
