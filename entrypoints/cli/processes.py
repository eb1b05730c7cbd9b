"""`pixelmill serve`, `worker` and `migrate`: the commands that start Pixelmill's processes or ready their database."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

from sqlalchemy import make_url

from entrypoints.cli.support import CliError, check_schema, cli_settings, positive, refuse_production_problems, upgrade
from entrypoints.settings import with_jwt_secret

GRACEFUL_SHUTDOWN_SECONDS = 10
WORKER_DRAIN_SECONDS = 10


def add_process_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="the API and dashboard; in embedded mode also the worker and sweeper")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="load balancers whose X-Forwarded-For/-Proto are trusted, comma-separated or * "
        "(default: $FORWARDED_ALLOW_IPS, else 127.0.0.1)",
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="Taskiq worker processes against the configured broker")
    worker.add_argument("--workers", type=positive, default=2, metavar="N", help="worker processes (default 2)")
    worker.set_defaults(run=_worker)

    migrate = commands.add_parser("migrate", help="upgrade the database schema to the newest revision")
    migrate.set_defaults(run=_migrate)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = cli_settings()
    if settings.deployed:
        refuse_production_problems(settings)
        asyncio.run(check_schema(settings))
    else:
        # One command gives a working system: var/, the schema and a JWT secret are made on first start.
        settings = with_jwt_secret(settings)
        asyncio.run(upgrade(settings))

    from entrypoints.container import build_container
    from entrypoints.http.app import create_app

    app = create_app(build_container(settings))
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,  # None: uvicorn reads FORWARDED_ALLOW_IPS
        log_level=settings.log_level.lower(),
        log_config=None,  # keep the JSON handlers configure_logging installed: uvicorn's own are plain text
        access_log=False,  # pixelmill.access logs each request with its request id
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    mode = "embedded: the worker and the sweeper run in this process" if settings.embedded else settings.env
    print(f"Pixelmill serves on http://{_url_host(args.host)}:{args.port} ({mode})", flush=True)
    uvicorn.Server(config).run()
    return 0


def _worker(args: argparse.Namespace) -> int:
    settings = cli_settings()
    if settings.deployed:
        refuse_production_problems(settings)  # first, so that every wrong setting is named at once
        asyncio.run(check_schema(settings))
    if settings.embedded:
        raise CliError(
            "PIXELMILL_BROKER_URL is memory://: in embedded mode the worker runs inside `pixelmill serve`; "
            "set a redis:// broker to run separate workers",
            code=2,
        )

    # On SIGTERM each process stops reading, gives running jobs WORKER_DRAIN_SECONDS, then closes. A job cut off
    # (or a worker killed) keeps its message unacknowledged and its lease: another worker takes it over.
    command = [
        sys.executable, "-m", "taskiq", "worker", "entrypoints.worker.main:broker",
        "--workers", str(args.workers),
        "--max-async-tasks", str(settings.worker_concurrency),
        "--max-prefetch", "0",
        "--ack-type", "when_saved",  # XACK after the job returned, so after ProcessTask committed
        "--wait-tasks-timeout", str(WORKER_DRAIN_SECONDS),
        "--shutdown-timeout", "5",
        "--log-level", settings.log_level.upper(),
    ]  # fmt: skip
    sys.stdout.flush()
    os.execv(sys.executable, command)  # taskiq's supervisor takes over this process and its signals
    return 0  # pragma: no cover


def _migrate(args: argparse.Namespace) -> int:
    settings = cli_settings()
    asyncio.run(upgrade(settings))
    print(f"database schema is current: {_safe_url(settings.database_url)}")
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
