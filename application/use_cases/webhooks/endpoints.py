"""CreateWebhookEndpoint, ListWebhookEndpoints, DeleteWebhookEndpoint, ListDeliveries."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.secrets import SecretMinter
from application.ports.target_guard import TargetGuard
from application.use_cases.common import UowFactory
from domain.errors import FieldError, TooManyWebhookEndpoints, ValidationFailed, WebhookEndpointNotFound
from domain.outbound_webhooks import LOW_CREDITS_DEFAULT, MAX_ENDPOINTS, Delivery, WebhookEndpoint, parse_events
from domain.values import Page

LOW_CREDITS_MAX = 1_000_000


@dataclass(frozen=True)
class NewEndpoint:
    url: str
    events: list[str] | None = None
    low_credits_below: int | None = None


class CreateWebhookEndpoint:
    def __init__(self, uow: UowFactory, minter: SecretMinter, guard: TargetGuard, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.minter = minter
        self.guard = guard
        self.clock = clock
        self.ids = ids

    async def __call__(self, user_id: UUID, new: NewEndpoint) -> WebhookEndpoint:
        """Raises ValidationFailed (a refused URL or address too), TooManyWebhookEndpoints. The secret is in the answer."""
        events = parse_events(new.events)
        threshold = LOW_CREDITS_DEFAULT if new.low_credits_below is None else new.low_credits_below
        if not 1 <= threshold <= LOW_CREDITS_MAX:
            raise ValidationFailed(FieldError("low_credits_below", f"must be 1 to {LOW_CREDITS_MAX}"))
        await self.guard.check(new.url)
        endpoint = WebhookEndpoint(
            id=self.ids.new(),
            user_id=user_id,
            url=new.url,
            events=events,
            secret=self.minter.new_signing_secret(),
            created_at=self.clock.now(),
            low_credits_below=threshold,
        )
        async with self.uow() as uow:
            if not await uow.webhook_endpoints.add_within_limit(endpoint, MAX_ENDPOINTS):
                raise TooManyWebhookEndpoints()
            await uow.commit()
        return endpoint


class ListWebhookEndpoints:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, limit: int, cursor: str | None) -> Page[WebhookEndpoint]:
        """The user's endpoints, newest first, disabled ones with their reason."""
        async with self.uow() as uow:
            return await uow.webhook_endpoints.list(user_id, limit, cursor)


class DeleteWebhookEndpoint:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, endpoint_id: UUID) -> None:
        """The endpoint and its pending deliveries are gone; raises WebhookEndpointNotFound."""
        async with self.uow() as uow:
            if not await uow.webhook_endpoints.delete(endpoint_id, user_id):
                raise WebhookEndpointNotFound()
            await uow.commit()


class ListDeliveries:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, endpoint_id: UUID, limit: int, cursor: str | None) -> Page[Delivery]:
        """The endpoint's deliveries, newest first; raises WebhookEndpointNotFound for another user's."""
        async with self.uow() as uow:
            if await uow.webhook_endpoints.get(endpoint_id, user_id) is None:
                raise WebhookEndpointNotFound()
            return await uow.deliveries.list(endpoint_id, limit, cursor)
