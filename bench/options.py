"""The command-line options every benchmark script shares."""

from __future__ import annotations

import argparse


def add_run_options(parser: argparse.ArgumentParser, max_seconds: float, *, quiet: bool = True) -> None:
    """--quiet (unless the script has no measurement to wait for), --max-seconds and --json-out."""
    if quiet:
        parser.add_argument("--quiet", type=float, default=0.0, metavar="SECONDS",
                            help="before each measurement wait up to this long for the machine to be 85%% idle")  # fmt: skip
    parser.add_argument("--max-seconds", type=float, default=max_seconds, help="the whole run's bound")
    parser.add_argument("--json-out", help="also write the JSON to this file")


def add_stack_options(parser: argparse.ArgumentParser) -> None:
    """--env and --keep, for the scripts that start a Pixelmill stack."""
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra environment variable for the Pixelmill processes (repeatable)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the run's directory (logs) for a look")
