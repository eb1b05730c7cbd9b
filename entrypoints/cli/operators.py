"""Operators' commands: `orders reconcile`, `tasks sweep` and `doctor`, for when waiting for the timer will not do."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from typing import Any

from entrypoints.cli.orders import add_refund_command
from entrypoints.cli.support import CliError, cli_settings, with_container
from entrypoints.settings import Settings, with_jwt_secret

# A sweep run from the command line in embedded mode processes what it sends; it gives the tasks this long.
EMBEDDED_DRAIN_SECONDS = 120.0


def add_operator_commands(commands: Any) -> None:
    orders = commands.add_parser("orders", help="payment orders")
    order_commands = orders.add_subparsers(title="orders commands", required=True, metavar="COMMAND")
    reconcile = order_commands.add_parser(
        "reconcile", help="ask the gateway now about unpaid orders (in case their webhook was lost)"
    )
    reconcile.add_argument(
        "--older-than",
        type=_seconds,
        metavar="SECONDS",
        help="only orders created at least this long ago (default: $PIXELMILL_ORDER_RECONCILE_AFTER_SECONDS)",
    )
    reconcile.set_defaults(run=_reconcile)
    add_refund_command(order_commands)

    tasks = commands.add_parser("tasks", help="image tasks")
    task_commands = tasks.add_subparsers(title="tasks commands", required=True, metavar="COMMAND")
    task_commands.add_parser(
        "sweep", help="re-send tasks left queued too long or whose worker died, now"
    ).set_defaults(run=_sweep)

    commands.add_parser(
        "doctor", help="check settings, database schema, broker, storage and gateway; exit 1 on any problem"
    ).set_defaults(run=_doctor)


def _reconcile(args: argparse.Namespace) -> int:
    settings = _operator_settings()
    older_than = settings.order_reconcile_after_seconds if args.older_than is None else args.older_than

    async def reconcile(container: Any) -> Any:
        return await container.reconcile_orders(reconcile_after=timedelta(seconds=older_than))()

    done = asyncio.run(with_container(settings, reconcile))
    print(
        f"checked {done.checked} unpaid orders older than {older_than} s with the {settings.payment_gateway} gateway: "
        f"{done.captured} paid and credited, {done.abandoned} abandoned, {done.unreachable} not answered; "
        f"refunds of {done.refunds.checked} paid orders checked, {done.refunds.reversed} lost refunds reversed"
    )
    unreachable = done.unreachable + done.refunds.unreachable
    if unreachable:
        raise CliError(f"the gateway did not answer for {unreachable} orders: run this again later")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    settings = _operator_settings()
    sent = asyncio.run(with_container(settings, _sweep_now))
    where = "processed here (embedded mode)" if settings.embedded else "sent to the workers"
    print(f"re-sent {sent} stale tasks: {where}")
    return 0


async def _sweep_now(container: Any) -> int:
    """Sweep once; in embedded mode no worker is listening, so this process runs what it sends."""
    broker = container.broker()  # its jobs run on this container
    await broker.startup()
    try:
        sent: int = await container.sweep()()
        if container.settings().embedded:
            await asyncio.wait_for(broker.wait_all(), EMBEDDED_DRAIN_SECONDS)
        return sent
    finally:
        await broker.shutdown()


def _doctor(args: argparse.Namespace) -> int:
    from entrypoints.doctor import diagnose

    findings = asyncio.run(diagnose(_operator_settings()))
    width = max(len(finding.name) for finding in findings)
    for finding in findings:
        print(f"{finding.name:<{width}}  {'ok' if finding.ok else 'PROBLEM'}: {finding.words}")
    problems = sum(not finding.ok for finding in findings)
    if problems:
        raise CliError(f"{problems} problem{'s' if problems > 1 else ''} found")
    return 0


def _operator_settings() -> Settings:
    """As `serve` sees them: in development the JWT secret (the sandbox signs with it) is the one in var/."""
    settings = cli_settings()
    return settings if settings.deployed else with_jwt_secret(settings)


def _seconds(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
