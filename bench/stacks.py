"""The two stacks a benchmark runs on, each of the run's own and gone afterwards.

Benchmarks start `pixelmill` exactly as an operator would (subprocesses of the CLI), on 127.0.0.1 only:
the embedded mode in a temporary working directory, or the production stack on a PostgreSQL schema, a Redis
queue name and a blob directory of the run's own, all removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from bench.run import BenchError, forget, start, stop_all
from testbed.children import Child
from testbed.environment import CHEAP_ARGON2, PIXELMILL, clean_env, free_port, staging
from testbed.redis_keys import forget_queue

POSTGRES_URL = os.environ.get("PIXELMILL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PIXELMILL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
NO_RATE_LIMITS = {  # raised, not switched off: the checks still run on every request, as in production
    "PIXELMILL_RATE_LIMIT_SUBMIT_BURST": "1000000000",
    "PIXELMILL_RATE_LIMIT_SUBMIT_SUSTAINED": "1000000000",
    "PIXELMILL_RATE_LIMIT_AUTH": "1000000",
}


def parse_env(pairs: Sequence[str]) -> dict[str, str]:
    """NAME=VALUE pairs from the command line."""
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise BenchError(f"--env wants NAME=VALUE, not {pair!r}")
        env[name] = value
    return env


def require_local(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        raise BenchError(f"benchmarks only target this machine; {url!r} is not on 127.0.0.1")


def libpq_url(url: str) -> str:
    """SQLAlchemy's postgresql+psycopg:// URL as psycopg itself takes it."""
    return "postgresql://" + url.split("://", 1)[1]


@dataclass
class Api:
    child: Child
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@dataclass
class Stack:
    """One Pixelmill deployment of this run's own: `embedded` (SQLite, in-process worker) or `production`."""

    kind: str
    root: Path
    env: dict[str, str]
    schema: str | None = None
    queue_name: str | None = None
    apis: list[Api] = field(default_factory=list)
    workers: list[Child] = field(default_factory=list)
    _connection: Any = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def database_url(self) -> str:
        return self.env["PIXELMILL_DATABASE_URL"]

    def pixelmill(self, *args: str, timeout: float = 120.0) -> str:
        """A one-shot command (migrate, credits grant); its error output on failure."""
        return self.pixelmill_all([list(args)], timeout)[0]

    def pixelmill_all(self, commands: Sequence[Sequence[str]], timeout: float = 120.0) -> list[str]:
        """One-shot commands run side by side (each is mostly Python start-up); their outputs."""
        children = [
            start(f"cli-{uuid4().hex[:8]}", [str(PIXELMILL), *args], cwd=self.root, env=self.env, log_dir=self.root)
            for args in commands
        ]
        outputs = []
        deadline = time.monotonic() + timeout
        for args, child in zip(commands, children, strict=True):
            while child.alive():
                if time.monotonic() > deadline:
                    raise BenchError(f"pixelmill {' '.join(args)} did not finish within {timeout:.0f} s")
                time.sleep(0.02)
            child.stop()  # reaps it (and anything it left in its group)
            forget(child)
            code = child.popen.returncode
            output = child.log.read_text(errors="replace").strip()
            if code != 0:
                raise BenchError(f"pixelmill {' '.join(args)} failed: {output}")
            outputs.append(output)
        return outputs

    def serve(self, timeout: float = 60.0) -> Api:
        """One more `pixelmill serve` on a free port, once /health/ready answers 200."""
        return self.serve_many(1, timeout)[0]

    def serve_many(self, count: int, timeout: float = 60.0) -> list[Api]:
        """`count` more `pixelmill serve` processes, started together, once each /health/ready answers 200."""
        import httpx

        apis = []
        for _ in range(count):
            port = free_port()
            child = start(
                f"{self.kind}-api-{port}", [str(PIXELMILL), "serve", "--port", str(port)],
                cwd=self.root, env=self.env, log_dir=self.root,
            )  # fmt: skip
            apis.append(Api(child, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + timeout
        for api in apis:
            while True:
                if not api.child.alive():
                    raise BenchError(f"pixelmill serve exited with {api.child.popen.returncode}:\n{api.child.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{api.url}/health/ready", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise BenchError(f"pixelmill serve is not ready after {timeout:.0f} s:\n{api.child.tail()}")
                time.sleep(0.05)
        self.apis += apis
        return apis

    def stop_apis(self) -> None:
        while self.apis:
            self.apis.pop().child.stop()

    def worker(self, processes: int) -> Child:
        """`pixelmill worker --workers N` (a taskiq supervisor and N worker processes)."""
        if self.kind != "production":
            raise BenchError("separate workers need the production stack")
        child = start(
            f"worker-{len(self.workers)}", [str(PIXELMILL), "worker", "--workers", str(processes)],
            cwd=self.root, env=self.env, log_dir=self.root,
        )  # fmt: skip
        self.workers.append(child)
        return child

    def stop_workers(self) -> None:
        while self.workers:
            self.workers.pop().stop()

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on this stack's database (PostgreSQL schema or SQLite file)."""
        if self.kind == "production":
            import psycopg

            if self._connection is None:  # one connection for the run: a connect costs PostgreSQL a fork
                self._connection = psycopg.connect(
                    libpq_url(POSTGRES_URL), options=f"-csearch_path={self.schema}", autocommit=True
                )
            return list(self._connection.execute(query.replace("?", "%s"), params).fetchall())  # type: ignore[arg-type]
        import sqlite3

        path = self.database_url.split("///", 1)[1]
        connection = sqlite3.connect(Path(self.root, path) if not path.startswith("/") else path, timeout=30)
        try:
            return list(connection.execute(query, params).fetchall())
        finally:
            connection.close()


@contextlib.contextmanager
def stack(kind: str, extra: dict[str, str] | None = None, keep: bool = False) -> Iterator[Stack]:
    """A fresh deployment; everything it made (processes, schema, Redis keys, files) is gone afterwards."""
    root = Path(tempfile.mkdtemp(prefix=f"pixelmill-bench-{kind}-"))
    env = {
        **clean_env(),
        **CHEAP_ARGON2,
        **NO_RATE_LIMITS,
        "PIXELMILL_JWT_SECRET": secrets.token_urlsafe(48),
        "PIXELMILL_ACCESS_TOKEN_SECONDS": "7200",  # longer than any run
        "PIXELMILL_LOG_LEVEL": "WARNING",  # per-request INFO logs would be measured too
        "PIXELMILL_STORAGE_URL": f"file://{root / 'blobs'}",
    }
    schema = queue_name = None
    deployment: Stack | None = None
    try:
        if kind == "embedded":
            env["PIXELMILL_DATABASE_URL"] = f"sqlite+aiosqlite:///{root / 'var' / 'pixelmill.db'}"
            env["PIXELMILL_VAR_DIR"] = str(root / "var")
        elif kind == "production":
            require_local(POSTGRES_URL)
            require_local(REDIS_URL)
            schema = f"bench_{uuid4().hex}"
            _postgres(f'CREATE SCHEMA "{schema}"')
            queue_name = f"pixelmill-bench-{uuid4().hex}"
            env |= staging(POSTGRES_URL, schema, REDIS_URL, queue_name)  # the webhook bench pays the sandbox
        else:
            raise BenchError(f"unknown stack {kind!r}: embedded or production")
        env |= extra or {}
        deployment = Stack(kind, root, env, schema, queue_name)
        if kind == "production":
            deployment.pixelmill("migrate")
        yield deployment
    finally:
        stop_all()
        if deployment is not None:
            deployment.close()
        if schema:
            with contextlib.suppress(Exception):
                _postgres(f'DROP SCHEMA "{schema}" CASCADE')
        if queue_name:
            with contextlib.suppress(Exception):
                forget_queue(REDIS_URL, queue_name)
        if keep:
            print(f"kept the run's files in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def _postgres(statement: str) -> None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(POSTGRES_URL), autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL is unreachable at {POSTGRES_URL}: {str(exc).strip()}") from exc
