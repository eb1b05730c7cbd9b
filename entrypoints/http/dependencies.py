"""Litestar dependencies out of the container: every use case under its provider's name, a few ports, the caller.

The app factory makes them once for the whole app. A handler asks by a typed parameter (`submit_task: SubmitTask`);
each request calls the provider, so a test's `container.<name>.override(...)` is what the next request gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers
from litestar.di import Provide

from entrypoints.http.auth import current_user_id

if TYPE_CHECKING:
    from entrypoints.container import Container

USE_CASES = "application.use_cases."


def app_dependencies(container: Container) -> dict[str, Provide]:
    """What a handler may ask for: each use case, `settings`, `payment_gateway`, `tokens`, `clock` and `user_id`."""
    offered = {
        **use_case_providers(container),
        "settings": container.settings,
        "payment_gateway": container.payment_gateway,
        "tokens": container.tokens,
        "clock": container.clock,
    }
    dependencies = {name: _per_request(provider) for name, provider in offered.items()}
    dependencies["user_id"] = Provide(current_user_id, sync_to_thread=False)
    return dependencies


def use_case_providers(container: Container) -> dict[str, providers.Provider[Any]]:
    """The container's providers of use cases (classes of application.use_cases), by name."""
    found = {}
    for name, provider in container.providers.items():
        built = getattr(provider, "cls", None)
        if isinstance(built, type) and built.__module__.startswith(USE_CASES):
            found[name] = provider
    return found


def _per_request(provider: providers.Provider[Any]) -> Provide:
    def provide() -> Any:
        return provider()

    return Provide(provide, sync_to_thread=False)
