"""The `pixelmill` command: serve, worker, migrate, credits grant, plans list|add|disable, the operators' and users'
commands, and the API client's.

Exit codes: 0 done, 2 bad usage or configuration, 1 any other failure. Expected failures print one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


from domain.errors import DomainError, ValidationFailed
from entrypoints.cli.credits import add_credit_commands
from entrypoints.cli.operators import add_operator_commands
from entrypoints.cli.processes import add_process_commands
from entrypoints.cli.support import CliError
from entrypoints.cli.users import add_user_commands
from entrypoints.client.commands import add_client_commands


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
    add_process_commands(commands)
    add_credit_commands(commands)
    add_operator_commands(commands)
    add_user_commands(commands)
    add_client_commands(commands)  # after the operators': `tasks` and `credits` without a sub-command are client calls
    return parser


def _fail(message: str, code: int) -> int:
    print(f"pixelmill: {message}", file=sys.stderr)
    return code
