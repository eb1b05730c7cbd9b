"""The `pixelmill` command: serve, worker, migrate, credits grant, plans list|add|disable (and cli_operators' commands).

Exit codes: 0 done, 2 bad usage or configuration, 1 any other failure. Expected failures print one line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from domain.errors import DomainError, ValidationFailed
from domain.plans import format_price
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings, load_settings, production_problems, with_jwt_secret

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from domain.credits import LedgerEntry

GRACEFUL_SHUTDOWN_SECONDS = 10
WORKER_DRAIN_SECONDS = 10
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class CliError(Exception):
    """An expected failure: printed as one line, exit code 1 (2 for usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except CliError as exc:
        return _fail(str(exc), exc.code)
    except ValidationFailed as exc:
        return _fail(exc.detail, 2)
    except DomainError as exc:
        return _fail(exc.detail, 1)
    except SQLAlchemyError as exc:
        return _fail(f"database error: {_first_line(exc)}", 1)
    except OSError as exc:
        return _fail(str(exc), 1)
    except SystemExit as exc:
        if isinstance(exc.code, str):  # load_settings stops on a bad setting with its name
            return _fail(exc.code, 2)
        raise
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixelmill", description="Asynchronous image processing with credits.")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

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
    worker.add_argument("--workers", type=_positive, default=2, metavar="N", help="worker processes (default 2)")
    worker.set_defaults(run=_worker)

    migrate = commands.add_parser("migrate", help="upgrade the database schema to the newest revision")
    migrate.set_defaults(run=_migrate)

    credits = commands.add_parser("credits", help="manage users' credits")
    credit_commands = credits.add_subparsers(title="credits commands", required=True, metavar="COMMAND")
    grant = credit_commands.add_parser("grant", help="give a user N credits (an admin_grant ledger row)")
    grant.add_argument("email")
    grant.add_argument("amount", type=_positive, metavar="N")
    grant.add_argument("--reason", default="granted from the command line", help="kept in the audit log")
    grant.set_defaults(run=_grant)

    plans = commands.add_parser("plans", help="the credit plans for sale")
    plan_commands = plans.add_subparsers(title="plans commands", required=True, metavar="COMMAND")
    plan_commands.add_parser("list", help="every plan, disabled ones too").set_defaults(run=_plans_list)
    plan_add = plan_commands.add_parser("add", help="sell a new plan")
    plan_add.add_argument("name")
    plan_add.add_argument("credits", type=_positive, metavar="CREDITS")
    plan_add.add_argument("price", type=_positive, metavar="PRICE", help="in minor units: 9900 is INR 99.00")
    plan_add.add_argument("--currency", default="INR", help="ISO 4217 code (default INR)")
    plan_add.set_defaults(run=_plans_add)
    plan_disable = plan_commands.add_parser("disable", help="stop selling a plan; orders placed keep theirs")
    plan_disable.add_argument("plan_id", type=_uuid, metavar="PLAN_ID")
    plan_disable.set_defaults(run=_plans_disable)

    from entrypoints.cli_operators import add_operator_commands  # here: that module uses this one's helpers

    add_operator_commands(commands)
    from entrypoints.cli_users import add_user_commands

    add_user_commands(commands)
    from entrypoints.client.commands import add_client_commands

    add_client_commands(commands)  # after the operators': `tasks` and `credits` without a sub-command are client calls
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    if settings.deployed:
        _refuse_production_problems(settings)
        asyncio.run(_check_schema(settings))
    else:
        # One command gives a working system: var/, the schema and a JWT secret are made on first start.
        settings = with_jwt_secret(settings)
        asyncio.run(_upgrade(settings))

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
    settings = _settings()
    if settings.deployed:
        _refuse_production_problems(settings)  # first, so that every wrong setting is named at once
        asyncio.run(_check_schema(settings))
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
    settings = _settings()
    asyncio.run(_upgrade(settings))
    print(f"database schema is current: {_safe_url(settings.database_url)}")
    return 0


def _grant(args: argparse.Namespace) -> int:
    settings = _settings()
    entry = asyncio.run(_grant_credits(settings, args.email, args.amount, args.reason))
    print(f"granted {entry.delta} credits to {args.email.strip().lower()}; balance {entry.balance_after}")
    return 0


def _plans_list(args: argparse.Namespace) -> int:
    plans = asyncio.run(_with_container(_settings(), lambda c: c.list_plans()(include_inactive=True)))
    for plan in plans:
        state = "active" if plan.active else "disabled"
        price = format_price(plan.price, plan.currency)
        print(f"{plan.id}  {plan.name:<24} {plan.credits:>8} credits  {price:>14}  {state}")
    return 0


def _plans_add(args: argparse.Namespace) -> int:
    from application.use_cases.billing.plans import AddPlanCommand

    command = AddPlanCommand(args.name, args.credits, args.price, args.currency)
    plan = asyncio.run(_with_container(_settings(), lambda c: c.add_plan()(command)))
    print(f"added plan {plan.id}: {plan.name}, {plan.credits} credits for {format_price(plan.price, plan.currency)}")
    return 0


def _plans_disable(args: argparse.Namespace) -> int:
    asyncio.run(_with_container(_settings(), lambda c: c.disable_plan()(args.plan_id)))
    print(f"disabled plan {args.plan_id}: it is no longer for sale")
    return 0


def _settings() -> Settings:
    settings = load_settings()
    if settings.log_level.upper() not in LOG_LEVELS:
        raise CliError(f"PIXELMILL_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}", code=2)
    configure_logging(settings.log_level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return settings


def _refuse_production_problems(settings: Settings) -> None:
    problems = production_problems(settings)
    if problems:
        for problem in problems:
            print(f"pixelmill: {problem}", file=sys.stderr)
        raise CliError(f"refusing to start in {settings.env} mode (PIXELMILL_ENV={settings.env})", code=2)


async def _upgrade(settings: Settings) -> None:
    from adapters.sqlalchemy.migrate import upgrade

    await upgrade(settings.database_url)


async def _require_current_schema(engine: AsyncEngine) -> None:
    from adapters.sqlalchemy.migrate import schema_is_current

    # Asking for the revision needs no "Context impl SQLiteImpl" chatter on every command.
    logger = logging.getLogger("alembic.runtime.migration")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        current = await schema_is_current(engine)
    finally:
        logger.setLevel(level)
    if not current:
        raise CliError("the database schema is not the one this code needs: run `pixelmill migrate` first")


async def _check_schema(settings: Settings) -> None:
    await _with_container(settings)


async def _grant_credits(settings: Settings, email: str, amount: int, reason: str) -> LedgerEntry:
    return await _with_container(settings, lambda c: c.grant_credits()(email, amount, reason))  # type: ignore[no-any-return]


async def _with_container(settings: Settings, action: Callable[[Any], Awaitable[Any]] | None = None) -> Any:
    """Check that the database schema is current, then run one use case (if any) against it."""
    from entrypoints.container import build_container, running

    async with running(build_container(settings)) as container:
        await _require_current_schema(container.engine())
        return None if action is None else await action(container)


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a plan id (see `pixelmill plans list`)") from None


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _fail(message: str, code: int) -> int:
    print(f"pixelmill: {message}", file=sys.stderr)
    return code
