"""The httpx webhook sender against a real local receiver: one POST, no redirects, bounded time, checked address."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.webhooks.guard import AddressGuard
from adapters.webhooks.sender import HttpxWebhookSender
from domain.errors import DeliveryError
from testbed.environment import free_port
from tests.support.webhook_receiver import receiving

OPEN = AddressGuard(allow_http=True, allow_private=True)


async def test_the_body_and_headers_arrive_and_the_status_is_answered() -> None:
    with receiving(503) as receiver:
        sender = HttpxWebhookSender(OPEN, timeout_seconds=5)
        status = await sender.send(receiver.url, {"webhook-id": "msg_1", "content-type": "application/json"}, b'{"a":1}')
        [got] = await asyncio.to_thread(receiver.wait_for, 1)

    assert status == 503
    assert got.body == b'{"a":1}' and got.headers["webhook-id"] == "msg_1"


async def test_a_name_is_sent_to_the_address_it_resolved_to_keeping_the_host_header() -> None:
    with receiving() as receiver:
        url = receiver.url.replace("127.0.0.1", "localhost")
        assert await HttpxWebhookSender(OPEN, timeout_seconds=5).send(url, {}, b"{}") == 200
        [got] = await asyncio.to_thread(receiver.wait_for, 1)

    assert got.headers["host"] == url.split("/")[2]


async def test_a_redirect_is_answered_not_followed() -> None:
    with receiving(302) as receiver:
        assert await HttpxWebhookSender(OPEN, timeout_seconds=5).send(receiver.url, {}, b"{}") == 302
        await asyncio.to_thread(receiver.wait_for, 1)
        assert [r.path for r in receiver.received] == ["/hooks"]


async def test_a_receiver_slower_than_the_timeout_fails_the_attempt_in_time() -> None:
    with receiving(3.0) as receiver:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match="no answer"):
            await HttpxWebhookSender(OPEN, timeout_seconds=0.5).send(receiver.url, {}, b"{}")
        assert time.monotonic() - started < 2.0


async def test_a_private_address_is_refused_at_delivery_without_connecting() -> None:
    with receiving() as receiver:
        with pytest.raises(DeliveryError, match="private"):
            await HttpxWebhookSender(AddressGuard(allow_http=True, allow_private=False), 5).send(receiver.url, {}, b"{}")
        assert receiver.received == []


async def test_a_closed_port_fails_the_attempt() -> None:
    with pytest.raises(DeliveryError):
        await HttpxWebhookSender(OPEN, timeout_seconds=2).send(f"http://127.0.0.1:{free_port()}/hooks", {}, b"{}")
