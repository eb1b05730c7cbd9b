"""Litestar dependencies that hand use cases out of the container kept on app.state."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State
from litestar.di import Provide

from entrypoints.http.auth import current_user_id


def use_case(name: str) -> Provide:
    """A fresh use case per request, from the container (tests override its providers)."""

    def provide(state: State) -> Any:
        return getattr(state.container, name)()

    return Provide(provide, sync_to_thread=False)


def use_cases(*names: str) -> dict[str, Provide]:
    return {name: use_case(name) for name in names}


USER_ID = {"user_id": Provide(current_user_id, sync_to_thread=False)}
