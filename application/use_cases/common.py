"""Types every use case shares."""

from __future__ import annotations

from collections.abc import Callable

from application.ports.unit_of_work import UnitOfWork

# A fresh unit of work per transaction: use cases may run concurrently and open several in turn.
UowFactory = Callable[[], UnitOfWork]
