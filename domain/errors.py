"""Domain errors. They carry no HTTP status: entrypoints map them once."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error the domain and the use cases raise on purpose."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__doc__ or self.__class__.__name__)
        self.detail = detail or (self.__class__.__doc__ or "").strip()


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(DomainError):
    """The request is well-formed but breaks a rule."""

    def __init__(self, errors: list[FieldError] | FieldError, detail: str = "") -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__(detail or "; ".join(f"{e.field}: {e.message}" for e in self.errors))


class NotFound(DomainError):
    """The object does not exist or is not yours."""


class TaskNotFound(NotFound):
    """No such task."""


class UserNotFound(NotFound):
    """No such user."""


class PlanNotFound(NotFound):
    """No such plan, or it is disabled."""


class OrderNotFound(NotFound):
    """No such order."""


class ApiKeyNotFound(NotFound):
    """No such API key."""


class SharedLinkInvalid(NotFound):
    """The shared link is unknown, revoked or expired, or its task is gone."""


class ShareLinkNotFound(NotFound):
    """No such live share link of this task."""


class InsufficientCredits(DomainError):
    """Not enough credits."""


class InvalidTransition(DomainError):
    """The object cannot move to that state from where it is."""


class Conflict(DomainError):
    """The request conflicts with the current state."""


class EmailTaken(Conflict):
    """That email is already registered."""


class IdempotencyKeyReused(Conflict):
    """This Idempotency-Key was used with a different request."""


class ResultNotReady(Conflict):
    """The task has no result: it is not completed."""


class PaymentNotCaptured(Conflict):
    """The payment was not captured: nothing was granted."""


class OrderNotRefundable(Conflict):
    """The order granted no credits to take back, or an operator already refunded it."""


class RefundBeingSent(Conflict):
    """Another operator's request is sending this order's money refund to the gateway right now."""


class DuplicateRecord(Conflict):
    """A unique rule of the store was hit; the whole unit of work was rolled back."""


class Unauthenticated(DomainError):
    """Authentication failed."""


class InvalidCredentials(Unauthenticated):
    """Wrong email or password."""


class InvalidToken(Unauthenticated):
    """The token is invalid or expired."""


class TokenReused(Unauthenticated):
    """This refresh token was already used; its session is revoked."""


class Forbidden(DomainError):
    """The credential is valid but may not do this."""


class ApiKeyNotAllowed(Forbidden):
    """API keys cannot do this: keys, webhook endpoints and the account are managed only after logging in."""


class MissingScope(Forbidden):
    """This API key lacks the scope this request needs."""


class TooManyShareLinks(Conflict):
    """This task has the most live share links allowed; revoke one first."""


class TooManyApiKeys(Conflict):
    """You have the most live API keys allowed; delete one first."""


class AccountDisabled(Forbidden):
    """This account is disabled; ask the operators of this service."""


class UnsupportedImage(DomainError):
    """The file is not a supported image."""

    def __init__(self, detail: str = "", errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors  # which file, in a batch


class PayloadTooLarge(DomainError):
    """The upload is too large."""


class InvalidSignature(DomainError):
    """The signature does not match."""


class BadRequest(DomainError):
    """The request body is malformed."""


class LinkTokenInvalid(BadRequest):
    """The link is invalid, expired or already used; ask for a new one."""


class DependencyUnavailable(DomainError):
    """A service Pixelmill depends on is unavailable; nothing was charged."""


class DatabaseUnavailable(DependencyUnavailable):
    """The database is unreachable, refused the connection or timed out; the unit of work was rolled back."""

    def __init__(self, detail: str = "the database is unavailable; nothing was changed, try again shortly") -> None:
        super().__init__(detail)


class GatewayFailed(DomainError):
    """The payment gateway failed or timed out."""


class RefundNotSent(GatewayFailed):
    """The credits went back, but the gateway did not refund the money: the refund stays pending, to be retried."""


class WebhookEndpointNotFound(NotFound):
    """No such webhook endpoint."""


class TooManyWebhookEndpoints(Conflict):
    """You have the most webhook endpoints allowed; delete one first."""


class DeliveryError(DomainError):
    """A webhook could not be delivered (network error, timeout or refused address)."""


class TransientFailure(DomainError):
    """A failure worth retrying (storage or network hiccup)."""


class PermanentFailure(DomainError):
    """A failure no retry can fix (a broken image)."""


class PresetNotFound(NotFound):
    """No such preset."""


class PresetNameTaken(Conflict):
    """You already have a preset of that name."""


class TooManyPresets(Conflict):
    """You have the most presets allowed; delete one first."""


class TimedOut(PermanentFailure):
    """Processing took longer than the time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"processing took longer than {seconds:g} s")
