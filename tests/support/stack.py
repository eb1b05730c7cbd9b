"""Pixelmill as it runs in production: `pixelmill serve` and `pixelmill worker` subprocesses on PostgreSQL, Redis
and a shared directory, each test with its own schema, Redis queue name and files."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import create_engine
from tests.contract.databases import POSTGRES_URL, fresh_postgres_schema
from tests.support.server import CHEAP_ARGON2, PIXELMILL, free_port

REDIS_URL = os.environ.get("PIXELMILL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"


def with_search_path(url: str, schema: str) -> str:
    """The URL a subprocess gets: PostgreSQL puts its tables in the schema (libpq's `options`)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)

    def kill(self) -> None:
        """SIGKILL the whole process group: a taskiq supervisor and its children die together, like a container."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def terminate(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    root: Path
    env: dict[str, str]
    schema: str
    engine: AsyncEngine
    processes: list[Process] = field(default_factory=list)

    @property
    def queue_name(self) -> str:
        return self.env["PIXELMILL_QUEUE_NAME"]

    async def run(self, *args: str) -> str:
        """A one-shot command (migrate, credits grant); fails the test on a non-zero exit."""
        child = await asyncio.create_subprocess_exec(
            str(PIXELMILL), *args, cwd=self.root, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, err = await asyncio.wait_for(child.communicate(), 120)
        assert child.returncode == 0, f"pixelmill {' '.join(args)} failed:\n{err.decode()}"
        return out.decode()

    def start(self, name: str, *args: str) -> Process:
        log = self.root / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                [str(PIXELMILL), *args], cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so a kill reaches the worker's children too
            )  # fmt: skip
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def worker(self, name: str, processes: int = 1) -> Process:
        return self.start(name, "worker", "--workers", str(processes))

    async def serve(self) -> tuple[Process, str]:
        """The API, once /health/ready answers 200."""
        port = free_port()
        process = self.start(f"api-{port}", "serve", "--port", str(port))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=url, timeout=2) as http:
            while True:
                assert process.popen.poll() is None, f"the API exited:\n{process.tail()}"
                try:
                    if (await http.get("/health/ready")).status_code == 200:
                        return process, url
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"the API is not ready after 60 s:\n{process.tail()}"
                await asyncio.sleep(0.1)

    async def query(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(text(sql), params)).all())

    async def stop_all(self) -> None:
        for process in self.processes:
            process.kill()


@asynccontextmanager
async def production_stack(root: Path, broker_url: str = REDIS_URL, **settings: object) -> AsyncIterator[Stack]:
    """A migrated PostgreSQL schema, a Redis queue name and a blob directory of the test's own;
    `settings` are PIXELMILL_* values by lower-case name. Every process started is killed at the end."""
    async with fresh_postgres_schema() as schema:
        queue_name = f"pixelmill-test-{uuid4().hex}"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PIXELMILL_")}
        env = {
            **clean,
            **CHEAP_ARGON2,
            # Staging: everything production demands, with the sandbox gateway the tests pay through.
            "PIXELMILL_ENV": "staging",
            "PIXELMILL_PAYMENT_GATEWAY": "sandbox",
            "PIXELMILL_PUBLIC_URL": "http://127.0.0.1",
            "PIXELMILL_JWT_SECRET": secrets.token_urlsafe(48),
            "PIXELMILL_DATABASE_URL": with_search_path(POSTGRES_URL, schema),
            "PIXELMILL_BROKER_URL": broker_url,
            "PIXELMILL_QUEUE_NAME": queue_name,
            "PIXELMILL_STORAGE_URL": f"file://{root / 'blobs'}",
            "PIXELMILL_LOG_LEVEL": "INFO",
            "PIXELMILL_SIGNUP_BONUS_REQUIRES_VERIFICATION": "false",  # these tests count on the bonus at sign-up  # each process logs to <name>.log in the test's directory
            **{f"PIXELMILL_{name.upper()}": str(value) for name, value in settings.items()},
        }
        stack = Stack(root, env, schema, create_engine(POSTGRES_URL, schema=schema))
        try:
            await stack.run("migrate")
            yield stack
        finally:
            await stack.stop_all()
            await stack.engine.dispose()
            await forget_queue(queue_name)


async def forget_queue(queue_name: str) -> None:
    """Delete the stream and every key the workers made under the queue's name."""
    async with Redis.from_url(REDIS_URL) as redis:
        keys = [key async for key in redis.scan_iter(match=f"{queue_name}*")]
        if keys:
            await redis.delete(*keys)


@dataclass
class User:
    http: httpx.AsyncClient
    email: str
    headers: dict[str, str]


async def new_user(stack: Stack, http: httpx.AsyncClient, credits: int) -> User:
    """Signed up over HTTP, given credits with `pixelmill credits grant`, logged in."""
    email = f"{uuid4().hex[:12]}@example.com"
    signup = await http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 201, signup.text
    await stack.run("credits", "grant", email, str(credits))
    login = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return User(http, email, {"Authorization": f"Bearer {login.json()['access_token']}"})
