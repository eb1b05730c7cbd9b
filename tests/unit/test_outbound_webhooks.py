"""Outbound webhooks on the fakes: events written with the change, signed per Standard Webhooks, retried with back-off."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook

from adapters.memory.webhook_sender import RecordingWebhookSender
from adapters.security.secrets import HmacSecretMinter
from adapters.webhooks.guard import AddressGuard
from application.use_cases.webhooks.deliver import DeliverWebhook, DispatchWebhooks
from application.use_cases.webhooks.endpoints import CreateWebhookEndpoint, NewEndpoint
from domain.errors import DeliveryError
from domain.outbound_webhooks import DeliveryStatus, RetryPolicy, WebhookEndpoint, signature
from domain.users import User
from tests.unit.conftest import SECRET, Bootstrap, jpeg

POLICY = RetryPolicy(first=timedelta(seconds=30), cap=timedelta(hours=1), window=timedelta(hours=24), disable_after=5)
URL = "http://127.0.0.1:9/hooks"


class Hooks:
    def __init__(self, app: Bootstrap, sender: RecordingWebhookSender, policy: RetryPolicy = POLICY) -> None:
        self.app = app
        self.sender = sender
        guard = AddressGuard(allow_http=True, allow_private=True)
        self.create = CreateWebhookEndpoint(app.uow, HmacSecretMinter(SECRET), guard, app.clock, app.ids)
        self.dispatch = DispatchWebhooks(app.uow, app.queue, app.clock, hold=timedelta(seconds=60))
        self.deliver = DeliverWebhook(app.uow, sender, guard, app.clock, policy)

    async def endpoint(self, user: User, **fields: Any) -> WebhookEndpoint:
        return await self.create(user.id, NewEndpoint(fields.pop("url", URL), **fields))

    async def run_due(self) -> None:
        """What the dispatcher and the workers do together: every due delivery gets one attempt."""
        await self.dispatch()
        for delivery_id in self.app.queue.drain():
            await self.deliver(delivery_id)

    def deliveries(self) -> list[Any]:
        return sorted(self.app.database.state.deliveries.values(), key=lambda d: d.created_at)


def hooks(app: Bootstrap, *answers: int | DeliveryError, policy: RetryPolicy = POLICY) -> Hooks:
    return Hooks(app, RecordingWebhookSender(*answers), policy)


async def completed_task(app: Bootstrap, user: User) -> None:
    await app.submit(user, image=jpeg())
    await app.drain()


async def test_a_completed_task_is_signed_per_standard_webhooks_and_verifies_with_an_independent_library(
    app: Bootstrap,
) -> None:
    app.clock.current = datetime.now(UTC)  # the library checks the timestamp against the real clock
    h = hooks(app)
    user = await app.user()
    endpoint = await h.endpoint(user, events=["task.completed"])
    await completed_task(app, user)

    await h.run_due()

    [sent] = h.sender.sent
    payload = Webhook(endpoint.secret).verify(sent.body, sent.headers)
    assert payload["type"] == "task.completed" and payload["data"]["status"] == "completed"
    assert sent.headers["webhook-id"] == payload["id"]
    assert set(payload) == {"id", "type", "created_at", "data"}
    with pytest.raises(Exception):
        Webhook(endpoint.secret).verify(sent.body.replace(b"completed", b"failed"), sent.headers)


def test_the_signature_matches_the_standard_webhooks_reference_example() -> None:
    # The example of the specification (standard-webhooks/spec, "Verifying webhooks").
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


async def test_nothing_is_queued_without_a_subscribed_enabled_endpoint(app: Bootstrap) -> None:
    h = hooks(app)
    user, other = await app.user(), await app.user()
    await h.endpoint(user, events=["task.failed"])
    await h.endpoint(other)
    await completed_task(app, user)

    assert h.deliveries() == []


async def test_a_failed_task_sends_task_failed_with_its_error(app: Bootstrap) -> None:
    h = hooks(app)
    user = await app.user()
    await h.endpoint(user)
    task = await app.submit(user)
    app.storage.blobs.pop(task.source_key)  # the upload vanished: a permanent failure
    await app.drain()

    await h.run_due()

    [sent] = h.sender.sent
    body = json.loads(sent.body)
    assert body["type"] == "task.failed" and body["data"]["error"]


async def test_a_failed_attempt_is_retried_within_a_minute_then_with_growing_delays_keeping_its_id(
    app: Bootstrap,
) -> None:
    h = hooks(app, 500, DeliveryError("connection refused"), 503, 200)
    user = await app.user()
    await h.endpoint(user)
    await completed_task(app, user)

    delays = []
    for _ in range(4):
        before = app.clock.now()
        await h.run_due()
        [delivery] = h.deliveries()
        if delivery.status == DeliveryStatus.PENDING:
            delays.append((delivery.next_attempt_at - before).total_seconds())
            app.clock.current = delivery.next_attempt_at

    assert delays == [30, 60, 120]
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 4
    assert len({sent.headers["webhook-id"] for sent in h.sender.sent}) == 1


async def test_nothing_is_sent_before_the_retry_is_due(app: Bootstrap) -> None:
    h = hooks(app, 500)
    user = await app.user()
    await h.endpoint(user)
    await completed_task(app, user)
    await h.run_due()

    app.clock.advance(29)
    await h.run_due()

    assert len(h.sender.sent) == 1


async def test_a_delivery_is_given_up_after_the_retry_window(app: Bootstrap) -> None:
    policy = RetryPolicy(first=timedelta(minutes=10), cap=timedelta(hours=1), window=timedelta(hours=2), disable_after=99)
    h = hooks(app, *[500] * 20, policy=policy)
    user = await app.user()
    await h.endpoint(user)
    await completed_task(app, user)

    for _ in range(20):
        await h.run_due()
        [delivery] = h.deliveries()
        if delivery.status != DeliveryStatus.PENDING:
            break
        app.clock.current = delivery.next_attempt_at

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_status_code == 500
    assert app.clock.now() <= delivery.created_at + timedelta(hours=2)
    assert delivery.attempts == len(h.sender.sent) == 4  # at 0, 10, 30 and 70 minutes: the next (150) is past 2 h


async def test_an_endpoint_is_disabled_after_a_run_of_failures_and_says_why(app: Bootstrap) -> None:
    h = hooks(app, *[500] * 10)
    user = await app.user()
    endpoint = await h.endpoint(user)
    for _ in range(5):
        await completed_task(app, user)
        await h.run_due()

    stored = app.database.state.webhook_endpoints[endpoint.id]
    assert stored.disabled_at is not None and "500" in (stored.disabled_reason or "")
    await completed_task(app, user)
    assert len(h.deliveries()) == 5  # a disabled endpoint is sent nothing new


async def test_a_success_resets_the_run_of_failures(app: Bootstrap) -> None:
    h = hooks(app, 500, 500, 500, 500, 200, 500, 500, 500, 500)
    user = await app.user()
    endpoint = await h.endpoint(user)
    for _ in range(9):
        await completed_task(app, user)
        await h.run_due()

    assert app.database.state.webhook_endpoints[endpoint.id].disabled_at is None


async def test_credits_low_is_sent_once_when_the_balance_crosses_the_threshold(app: Bootstrap) -> None:
    h = hooks(app)
    user = await app.user(credits=5)
    await h.endpoint(user, events=["credits.low"], low_credits_below=3)

    for _ in range(4):
        await app.submit(user)  # 5 → 4 → 3 → 2 (crossed) → 1
    await h.run_due()

    [sent] = h.sender.sent
    assert json.loads(sent.body)["data"] == {"balance": 2, "previous_balance": 3, "threshold": 3}


async def test_a_delivery_to_an_address_refused_at_delivery_time_fails_the_attempt(app: Bootstrap) -> None:
    h = hooks(app)
    h.deliver.guard = AddressGuard(allow_http=True, allow_private=False)  # the rules tightened after it was added
    user = await app.user()
    await h.endpoint(user)
    await completed_task(app, user)

    await h.run_due()

    [delivery] = h.deliveries()
    assert h.sender.sent == [] and delivery.attempts == 1 and "private" in (delivery.last_error or "")
