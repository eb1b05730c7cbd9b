"""`pixelmill users promote EMAIL`: the only way to make an admin, recorded in the audit log."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from entrypoints.cli.support import cli_settings, with_container


def add_user_commands(commands: Any) -> None:
    users = commands.add_parser("users", help="accounts")
    user_commands = users.add_subparsers(title="users commands", required=True, metavar="COMMAND")
    promote = user_commands.add_parser("promote", help="make a user an admin (the admin routes answer them)")
    promote.add_argument("email")
    promote.add_argument("--reason", default="promoted from the command line", help="kept in the audit log")
    promote.set_defaults(run=_promote)


def _promote(args: argparse.Namespace) -> int:
    user = asyncio.run(with_container(cli_settings(), lambda c: c.promote_user()(args.email, args.reason)))
    print(f"{user.email} is an admin")
    return 0
