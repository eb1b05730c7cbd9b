"""The SSRF guard: https only (http in development), and every resolved address public unless private targets are allowed."""

from __future__ import annotations

import asyncio
import socket

from domain.errors import FieldError, ValidationFailed
from domain.outbound_webhooks import check_target_url, is_public_address

RESOLVE_SECONDS = 5.0


class AddressGuard:
    def __init__(self, allow_http: bool, allow_private: bool) -> None:
        self.allow_http = allow_http
        self.allow_private = allow_private

    async def check(self, url: str) -> None:
        await self.addresses(url)

    async def addresses(self, url: str) -> list[str]:
        """The URL's resolved addresses, all of them acceptable; raises ValidationFailed otherwise."""
        _, host, port = check_target_url(url, self.allow_http)
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_SECONDS
            )
        except (OSError, TimeoutError):
            raise ValidationFailed(FieldError("url", f"the host {host} does not resolve")) from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise ValidationFailed(FieldError("url", f"the host {host} does not resolve"))
        # Every address must pass: a name with one public and one private address could be steered to either.
        if not self.allow_private and not all(is_public_address(address) for address in addresses):
            raise ValidationFailed(
                FieldError("url", "resolves to a loopback, private, link-local or metadata address")
            )
        return addresses
