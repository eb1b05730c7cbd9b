"""`pixelmill orders refund ORDER_ID --reason TEXT`: an operator refunds a paid order (credits and money), audited."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any
from uuid import UUID

from domain.audit import CLI_ACTOR
from entrypoints.cli.support import cli_settings, with_container


def add_refund_command(order_commands: Any) -> None:
    """Under `orders`, whose parser the operators' commands own."""
    refund = order_commands.add_parser(
        "refund",
        help="take back a paid order's credits and return its money through the gateway, once; "
        "run it again to retry a money refund the gateway did not take",
    )
    refund.add_argument("order_id", type=_order_id, metavar="ORDER_ID")
    refund.add_argument("--reason", required=True, help="kept in the audit log")
    refund.set_defaults(run=_refund)


def _refund(args: argparse.Namespace) -> int:
    done = asyncio.run(
        with_container(cli_settings(), lambda c: c.refund_order()(CLI_ACTOR, args.order_id, args.reason))
    )
    print(f"order {done.order_id}: {done.credits_reversed} credits taken back, {done.shortfall} short")
    if done.gateway_refund_id is None:
        print("no money was left to return at the gateway")
    else:
        print(f"money refunded through the gateway: {done.amount_refunded} (refund {done.gateway_refund_id})")
    return 0


def _order_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not an order id") from None
