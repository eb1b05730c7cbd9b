"""Structured JSON logs through structlog, for our loggers and the standard library's alike.

Context (request id, task id) travels in structlog's contextvars; secrets are masked as a last line of defence.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

SECRET_KEYS = re.compile(r"pass(word)?|token|secret|signature|authorization|cookie|api[_-]?key", re.IGNORECASE)
# Bearer tokens, JWTs, hex HMACs and share link ids (a share link's path is all a visitor needs), wherever they
# appear in a message.
SECRET_VALUES = re.compile(
    r"(Bearer\s+)\S+|eyJ[\w-]+\.[\w-]+\.[\w-]*|\b[0-9a-f]{64}\b|(?<=/shared/)[\w-]+|(?<=/shares/)[\w-]+|(?<=/s/)[\w-]+", re.IGNORECASE
)


# The embedded outbox mailer's link, logged so a developer can click it (no SMTP server in that mode).
SHOWN_ON_PURPOSE = frozenset({"mail_link"})


def redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in list(event.items()):
        if key in SHOWN_ON_PURPOSE:
            continue
        if SECRET_KEYS.search(key):
            event[key] = "[redacted]"
        elif isinstance(value, str):
            event[key] = SECRET_VALUES.sub(lambda m: (m.group(1) or "") + "[redacted]", value)
    return event


SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(level: str = "INFO") -> None:
    """One JSON object per line on stderr, for structlog and logging.getLogger() callers."""
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "taskiq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # our access log carries the request id
    # aiosqlite's DEBUG lines carry every SQL parameter (share link ids, e-mail addresses): never logged.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
