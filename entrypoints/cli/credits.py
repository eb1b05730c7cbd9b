"""`pixelmill credits grant` and `pixelmill plans list|add|disable`: credits given and sold."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any
from uuid import UUID

from domain.plans import format_price
from entrypoints.cli.support import cli_settings, positive, with_container


def add_credit_commands(commands: Any) -> None:
    credits = commands.add_parser("credits", help="manage users' credits")
    credit_commands = credits.add_subparsers(title="credits commands", required=True, metavar="COMMAND")
    grant = credit_commands.add_parser("grant", help="give a user N credits (an admin_grant ledger row)")
    grant.add_argument("email")
    grant.add_argument("amount", type=positive, metavar="N")
    grant.add_argument("--reason", default="granted from the command line", help="kept in the audit log")
    grant.set_defaults(run=_grant)

    plans = commands.add_parser("plans", help="the credit plans for sale")
    plan_commands = plans.add_subparsers(title="plans commands", required=True, metavar="COMMAND")
    plan_commands.add_parser("list", help="every plan, disabled ones too").set_defaults(run=_plans_list)
    plan_add = plan_commands.add_parser("add", help="sell a new plan")
    plan_add.add_argument("name")
    plan_add.add_argument("credits", type=positive, metavar="CREDITS")
    plan_add.add_argument("price", type=positive, metavar="PRICE", help="in minor units: 9900 is INR 99.00")
    plan_add.add_argument("--currency", default="INR", help="ISO 4217 code (default INR)")
    plan_add.set_defaults(run=_plans_add)
    plan_disable = plan_commands.add_parser("disable", help="stop selling a plan; orders placed keep theirs")
    plan_disable.add_argument("plan_id", type=_plan_id, metavar="PLAN_ID")
    plan_disable.set_defaults(run=_plans_disable)


def _grant(args: argparse.Namespace) -> int:
    entry = asyncio.run(
        with_container(cli_settings(), lambda c: c.grant_credits()(args.email, args.amount, args.reason))
    )
    print(f"granted {entry.delta} credits to {args.email.strip().lower()}; balance {entry.balance_after}")
    return 0


def _plans_list(args: argparse.Namespace) -> int:
    plans = asyncio.run(with_container(cli_settings(), lambda c: c.list_plans()(include_inactive=True)))
    for plan in plans:
        state = "active" if plan.active else "disabled"
        price = format_price(plan.price, plan.currency)
        print(f"{plan.id}  {plan.name:<24} {plan.credits:>8} credits  {price:>14}  {state}")
    return 0


def _plans_add(args: argparse.Namespace) -> int:
    from application.use_cases.billing.plans import AddPlanCommand

    command = AddPlanCommand(args.name, args.credits, args.price, args.currency)
    plan = asyncio.run(with_container(cli_settings(), lambda c: c.add_plan()(command)))
    print(f"added plan {plan.id}: {plan.name}, {plan.credits} credits for {format_price(plan.price, plan.currency)}")
    return 0


def _plans_disable(args: argparse.Namespace) -> int:
    asyncio.run(with_container(cli_settings(), lambda c: c.disable_plan()(args.plan_id)))
    print(f"disabled plan {args.plan_id}: it is no longer for sale")
    return 0


def _plan_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a plan id (see `pixelmill plans list`)") from None
