"""Sends a webhook with httpx: one POST, no redirects, a bounded time, to an address the guard accepted.

The request goes to the very address that was checked (the Host header and TLS server name keep the URL's
host), so a DNS answer that changes between the check and the connection cannot steer it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
from urllib.parse import urlsplit, urlunsplit

import httpx

from adapters.webhooks.guard import AddressGuard
from domain.errors import DeliveryError, ValidationFailed

USER_AGENT = "Pixelmill-Webhooks/1"


class HttpxWebhookSender:
    def __init__(self, guard: AddressGuard, timeout_seconds: float) -> None:
        self.guard = guard
        self.timeout = timeout_seconds

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> int:
        try:
            address = (await self.guard.addresses(url))[0]
        except ValidationFailed as exc:
            raise DeliveryError(exc.detail) from exc
        parts = urlsplit(url)
        host = f"[{address}]" if ipaddress.ip_address(address.split("%")[0]).version == 6 else address
        pinned = urlunsplit((parts.scheme, f"{host}:{parts.port}" if parts.port else host, parts.path or "/", parts.query, ""))
        request_headers = {**headers, "host": parts.netloc, "user-agent": USER_AGENT}
        try:
            # httpx's timeout bounds each phase; the outer one bounds the whole attempt (a server dripping bytes).
            async with asyncio.timeout(self.timeout), httpx.AsyncClient(
                timeout=self.timeout, follow_redirects=False, trust_env=False
            ) as client:
                response = await client.post(
                    pinned, content=body, headers=request_headers, extensions={"sni_hostname": parts.hostname}
                )
        except (httpx.TimeoutException, TimeoutError):
            raise DeliveryError(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"the request failed: {type(exc).__name__}") from None
        return response.status_code
