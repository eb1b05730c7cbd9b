"""The request id follows a task from the API into the worker: a message label, bound to the worker's logs."""

from __future__ import annotations

from typing import Any

import structlog
from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult

REQUEST_ID = "request_id"


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get(REQUEST_ID)


class LogContextMiddleware(TaskiqMiddleware):
    """Binds the message's request id and task id to every log line of the job."""

    def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        structlog.contextvars.clear_contextvars()
        context = {"job": message.task_name, "task_id": message.args[0] if message.args else None}
        if request_id := message.labels.get(REQUEST_ID):
            context[REQUEST_ID] = request_id
        structlog.contextvars.bind_contextvars(**context)
        return message

    def post_execute(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        structlog.contextvars.clear_contextvars()
