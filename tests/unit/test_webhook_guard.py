"""The SSRF guard: https only outside development; loopback, private, link-local and metadata addresses refused."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from adapters.webhooks.guard import AddressGuard
from domain.errors import ValidationFailed


def resolving_to(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """A resolver that answers chosen names (as a hostile DNS server would) and refuses the rest."""

    async def getaddrinfo(self: Any, host: str, port: int, **_: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [(family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(asyncio.get_running_loop().__class__, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.1/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.100.100.200/hook",
        "https://0.0.0.0/hook",
        "https://localhost/hook",
    ],
)
async def test_loopback_private_link_local_and_metadata_targets_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await AddressGuard(allow_http=False, allow_private=False).check(url)
    assert exc.value.errors[0].field == "url"


@pytest.mark.parametrize("answers", [["10.1.2.3"], ["93.184.216.34", "127.0.0.1"], ["fd12::1"]])
async def test_a_public_name_that_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, answers: list[str]
) -> None:
    resolving_to(monkeypatch, {"hooks.example.com": answers})
    with pytest.raises(ValidationFailed):
        await AddressGuard(allow_http=False, allow_private=False).check("https://hooks.example.com/in")


async def test_a_name_that_resolves_to_public_addresses_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    resolving_to(monkeypatch, {"hooks.example.com": ["93.184.216.34", "2606:2800:220:1::1"]})
    guard = AddressGuard(allow_http=False, allow_private=False)
    assert await guard.addresses("https://hooks.example.com/in") == ["93.184.216.34", "2606:2800:220:1::1"]


async def test_a_name_that_does_not_resolve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    resolving_to(monkeypatch, {})
    with pytest.raises(ValidationFailed):
        await AddressGuard(allow_http=False, allow_private=False).check("https://nowhere.example/in")


@pytest.mark.parametrize(
    "url", ["http://93.184.216.34/hook", "ftp://93.184.216.34/", "https://user:pw@93.184.216.34/", "not a url", "https:///x"]
)
async def test_only_https_urls_without_credentials_are_accepted_outside_development(url: str) -> None:
    with pytest.raises(ValidationFailed):
        await AddressGuard(allow_http=False, allow_private=False).check(url)


async def test_http_is_accepted_in_development_and_private_targets_when_allowed() -> None:
    await AddressGuard(allow_http=True, allow_private=False).check("http://93.184.216.34/hook")
    await AddressGuard(allow_http=True, allow_private=True).check("http://127.0.0.1:8080/hook")
