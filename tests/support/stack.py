"""Pixelmill as it runs in production: `pixelmill serve` and `pixelmill worker` subprocesses on PostgreSQL, Redis
and a shared directory, each test with its own schema, Redis queue name and files."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import create_engine
from testbed.children import Child, spawn
from testbed.environment import CHEAP_ARGON2, PIXELMILL, clean_env, free_port, staging
from testbed.redis_keys import forget_queue
from tests.contract.databases import POSTGRES_URL, fresh_postgres_schema

REDIS_URL = os.environ.get("PIXELMILL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"


@dataclass
class Stack:
    root: Path
    env: dict[str, str]
    schema: str
    engine: AsyncEngine
    processes: list[Child] = field(default_factory=list)

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

    def start(self, name: str, *args: str) -> Child:
        """Its own process group, so a kill reaches the worker's children too; it logs to <name>.log."""
        process = spawn(name, [str(PIXELMILL), *args], cwd=self.root, env=self.env, log_dir=self.root)
        self.processes.append(process)
        return process

    def worker(self, name: str, processes: int = 1) -> Child:
        return self.start(name, "worker", "--workers", str(processes))

    async def serve(self) -> tuple[Child, str]:
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
        env = {
            **clean_env(),
            **CHEAP_ARGON2,
            **staging(POSTGRES_URL, schema, broker_url, queue_name),
            "PIXELMILL_JWT_SECRET": secrets.token_urlsafe(48),
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
            forget_queue(REDIS_URL, queue_name)


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
