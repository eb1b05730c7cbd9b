"""WebhookEndpointRepository and DeliveryRepository: subscriptions, failure runs, one claimer per due delivery."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from domain.outbound_webhooks import Delivery, DeliveryStatus, EventType, WebhookEndpoint
from tests.contract.builders import UowFactory, a_user, at, given


def an_endpoint(user_id: UUID, events: tuple[EventType, ...] = tuple(EventType), created: float = 0) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=uuid.uuid4(), user_id=user_id, url="https://hooks.example.com/in", events=events,
        secret="whsec_" + "A" * 44, created_at=at(created), low_credits_below=3,
    )  # fmt: skip


def a_delivery(endpoint_id: UUID, created: float = 0) -> Delivery:
    return Delivery(
        id=uuid.uuid4(), endpoint_id=endpoint_id, event=EventType.TASK_COMPLETED, body='{"id": "x"}',
        created_at=at(created), next_attempt_at=at(created),
    )  # fmt: skip


async def stored(uow_factory: UowFactory, *items: WebhookEndpoint | Delivery) -> None:
    async with uow_factory() as uow:
        for item in items:
            if isinstance(item, WebhookEndpoint):
                assert await uow.webhook_endpoints.add_within_limit(item, 20)
            else:
                await uow.deliveries.add(item)
        await uow.commit()


async def test_an_endpoint_is_read_back_by_its_owner_only(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    endpoint = an_endpoint(owner.id, events=(EventType.TASK_FAILED, EventType.CREDITS_LOW))
    await stored(uow_factory, endpoint)

    async with uow_factory() as uow:
        assert await uow.webhook_endpoints.get(endpoint.id, owner.id) == endpoint
        assert await uow.webhook_endpoints.get(endpoint.id, other.id) is None
        assert [e.id for e in (await uow.webhook_endpoints.list(owner.id, 20, None)).items] == [endpoint.id]


async def test_only_enabled_endpoints_subscribed_to_the_event_are_returned(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    failed_only = an_endpoint(user.id, events=(EventType.TASK_FAILED,))
    everything, disabled = an_endpoint(user.id), an_endpoint(user.id)
    await stored(uow_factory, failed_only, everything, disabled)
    async with uow_factory() as uow:
        assert await uow.webhook_endpoints.failed(disabled.id, at(1), 1, "down")
        await uow.commit()

    async with uow_factory() as uow:
        completed = await uow.webhook_endpoints.subscribed(user.id, EventType.TASK_COMPLETED)
        failed = await uow.webhook_endpoints.subscribed(user.id, EventType.TASK_FAILED)
    assert [e.id for e in completed] == [everything.id]
    assert {e.id for e in failed} == {failed_only.id, everything.id}


async def test_a_run_of_failures_disables_once_and_a_success_resets_it(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    endpoint = an_endpoint(user.id)
    await stored(uow_factory, endpoint)

    async with uow_factory() as uow:
        assert not await uow.webhook_endpoints.failed(endpoint.id, at(1), 3, "500")
        await uow.webhook_endpoints.succeeded(endpoint.id)
        results = [await uow.webhook_endpoints.failed(endpoint.id, at(2), 3, "the endpoint answered 500") for _ in range(4)]
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.webhook_endpoints.get(endpoint.id)

    assert results == [False, False, True, False]
    assert found is not None and found.disabled_at == at(2) and found.disabled_reason == "the endpoint answered 500"


async def test_deleting_an_endpoint_removes_its_deliveries(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    endpoint = an_endpoint(user.id)
    delivery = a_delivery(endpoint.id)
    await stored(uow_factory, endpoint, delivery)

    async with uow_factory() as uow:
        assert not await uow.webhook_endpoints.delete(endpoint.id, uuid.uuid4())
        assert await uow.webhook_endpoints.delete(endpoint.id, user.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.deliveries.get(delivery.id) is None
        assert await uow.webhook_endpoints.get(endpoint.id) is None


async def test_due_deliveries_are_claimed_oldest_first_and_held(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    endpoint = an_endpoint(user.id)
    first, second, later = a_delivery(endpoint.id, 0), a_delivery(endpoint.id, 1), a_delivery(endpoint.id, 100)
    await stored(uow_factory, endpoint, later, second, first)

    async with uow_factory() as uow:
        claimed = await uow.deliveries.claim_due(at(10), at(70), 10)
        again = await uow.deliveries.claim_due(at(10), at(70), 10)
        await uow.commit()

    assert claimed == [first.id, second.id] and again == []
    async with uow_factory() as uow:
        assert (await uow.deliveries.get(first.id)).next_attempt_at == at(70)  # type: ignore[union-attr]


async def test_concurrent_claimers_never_take_the_same_delivery(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    endpoint = an_endpoint(user.id)
    deliveries = [a_delivery(endpoint.id, i) for i in range(6)]
    await stored(uow_factory, endpoint, *deliveries)

    async def claim() -> list[UUID]:
        async with uow_factory() as uow:
            ids = await uow.deliveries.claim_due(at(10), at(70), 4)
            await uow.commit()
        return ids

    results = await asyncio.gather(claim(), claim(), claim())
    taken = [i for ids in results for i in ids]
    assert sorted(taken) == sorted(d.id for d in deliveries)


async def test_an_outcome_is_recorded_only_while_pending_and_the_page_is_newest_first(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    endpoint = an_endpoint(user.id)
    old, new = a_delivery(endpoint.id, 0), a_delivery(endpoint.id, 5)
    await stored(uow_factory, endpoint, old, new)

    old.status, old.attempts, old.last_status_code = DeliveryStatus.DELIVERED, 1, 204
    async with uow_factory() as uow:
        assert await uow.deliveries.record(old)
        assert not await uow.deliveries.record(old)
        await uow.commit()
    async with uow_factory() as uow:
        page = await uow.deliveries.list(endpoint.id, 20, None)
    assert [d.id for d in page.items] == [new.id, old.id]
    assert page.items[1].status == DeliveryStatus.DELIVERED and page.items[1].last_status_code == 204
