"""Benchmark users: signed up over HTTP, given credits with `pixelmill credits grant`, logged in."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from bench.run import BenchError
from bench.stacks import Api, Stack

PASSWORD = "bench password 123"


@dataclass
class User:
    email: str
    token: str


def new_users(deployment: Stack, api: Api, count: int, credits: int) -> list[User]:
    """Signed up over HTTP, given credits with `pixelmill credits grant`, logged in."""
    import httpx

    emails = [f"bench-{uuid4().hex[:12]}@example.com" for _ in range(count)]
    users = []
    with httpx.Client(base_url=api.url, timeout=30) as http:
        for email in emails:
            signed_up = http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
            if signed_up.status_code != 201:
                raise BenchError(f"signup answered {signed_up.status_code}: {signed_up.text}")
        if credits > 0:
            for batch in range(0, count, 4):  # a few at a time: each is a Python start-up
                deployment.pixelmill_all([["credits", "grant", email, str(credits)] for email in emails[batch:batch + 4]])
        for email in emails:
            login = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            if login.status_code != 200:
                raise BenchError(f"login answered {login.status_code}: {login.text}")
            users.append(User(email, login.json()["access_token"]))
    return users
