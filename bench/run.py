"""A benchmark script's run: the children it started, stopped whatever happens, its time bound and exit code."""

from __future__ import annotations

import atexit
import contextlib
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from testbed.children import Child, spawn

class BenchError(Exception):
    """An expected failure: printed as one line, exit code 1."""


_CHILDREN: list[Child] = []


def start(name: str, args: Sequence[str], *, cwd: Path, env: dict[str, str], log_dir: Path) -> Child:
    """A child in its own process group (Ctrl-C reaches only us; we stop it), logging to <log_dir>/<name>.log."""
    child = spawn(name, args, cwd=cwd, env=env, log_dir=log_dir)
    _CHILDREN.append(child)
    return child


def forget(child: Child) -> None:
    """A child stopped by its caller: no longer ours to stop."""
    _CHILDREN.remove(child)


def stop_all(grace: float = 15.0) -> None:
    while _CHILDREN:
        _CHILDREN.pop().stop(grace)


@contextlib.contextmanager
def guarded(max_seconds: float) -> Iterator[None]:
    """The script's run: SIGTERM/SIGHUP act like Ctrl-C, a hard stop after max_seconds (+60 s for the clean-up),
    and every child is stopped on the way out whatever happened."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    def overrun(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"the benchmark ran over its {max_seconds:.0f} s bound")

    # SIGINT too: a shell starts a background job with it ignored, and `kill -INT` must still stop the run cleanly.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, overrun)
    signal.alarm(int(max_seconds) + 60)
    atexit.register(stop_all, 2.0)
    try:
        yield
    finally:
        signal.alarm(0)
        stop_all()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def child_signals() -> None:
    """In a forked helper (a multiprocessing pool): the parent handles Ctrl-C and SIGTERM and ends the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)


def run_main(main: Any) -> None:
    """Exit codes: 0 done, 1 failed (one line on stderr), 130 interrupted."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("interrupted: every process this benchmark started is stopped", file=sys.stderr)
        code = 130
    except (BenchError, TimeoutError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        code = 1
    sys.exit(code or 0)
