"""WebhookSender: the recording fake and the httpx sender answer alike: the status, or DeliveryError."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from adapters.memory.webhook_sender import RecordingWebhookSender
from adapters.webhooks.guard import AddressGuard
from adapters.webhooks.sender import HttpxWebhookSender
from domain.errors import DeliveryError
from tests.support.webhook_receiver import receiving

# Given the answers a receiver will give, a sender and the URL to send to.
SenderFor = Callable[..., tuple[Any, str]]


@pytest.fixture(params=["recording", "httpx"])
def sender_for(request: pytest.FixtureRequest) -> Iterator[SenderFor]:
    with ExitStack() as stack:

        def make(*answers: int | float) -> tuple[Any, str]:
            if request.param == "recording":
                scripted = [DeliveryError("no answer") if isinstance(a, float) else a for a in answers]
                return RecordingWebhookSender(*scripted), "http://127.0.0.1:9/hooks"
            receiver = stack.enter_context(receiving(*answers))
            return HttpxWebhookSender(AddressGuard(allow_http=True, allow_private=True), timeout_seconds=0.5), receiver.url

        yield make


async def test_each_answer_is_the_status_code(sender_for: SenderFor) -> None:
    sender, url = sender_for(500, 302, 204)
    statuses = [await sender.send(url, {"webhook-id": "msg_1"}, b"{}") for _ in range(3)]
    assert statuses == [500, 302, 204]


async def test_no_answer_in_time_is_a_delivery_error(sender_for: SenderFor) -> None:
    sender, url = sender_for(2.0)
    with pytest.raises(DeliveryError):
        await asyncio.wait_for(sender.send(url, {}, b"{}"), 5)
