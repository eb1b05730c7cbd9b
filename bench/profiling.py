"""py-spy profiles of the measured processes, and their hottest functions."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench.run import BenchError, forget, start

@contextlib.contextmanager
def profiling(pids: Sequence[int], out_dir: str | None, name: str, settle: float = 0.5) -> Iterator[None]:
    """py-spy (GIL holders only, so what is shown is Python CPU; a developer's tool, not a dependency: `pip install py-spy`) records the processes meanwhile,
    as collapsed stacks (`<name>-<pid>.txt`, for flamegraph.pl or speedscope) with a summary of the hottest
    functions printed afterwards."""
    if not out_dir:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise BenchError("--profile needs py-spy: .venv/bin/pip install py-spy")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    recorders = []
    for pid in pids:
        out = Path(out_dir) / f"{name}-{pid}.txt"
        recorder = start(
            f"py-spy-{pid}", [spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--gil",
                              "--output", str(out), "--nonblocking"],
            cwd=Path.cwd(), env=dict(os.environ), log_dir=Path(out_dir),
        )  # fmt: skip
        recorders.append((recorder, out))
    time.sleep(settle)  # py-spy attaches
    try:
        yield
    finally:
        for recorder, out in recorders:
            if recorder.alive():
                os.kill(recorder.pid, signal.SIGINT)  # py-spy writes its file on SIGINT
            deadline = time.monotonic() + 30
            while recorder.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            recorder.stop(1)
            forget(recorder)
            if out.exists():
                print(f"profile {out}:\n{hot_functions(out)}", flush=True)


def hot_functions(collapsed: Path, top: int = 25) -> str:
    """The functions most often on the stack (inclusive share) and at its top (self share) in py-spy's output."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = [frame.split(" (")[0] + " " + frame.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                  for frame in stack.split(";")]  # fmt: skip
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
    if not total:
        return "  (no samples)"
    lines = [f"  {total} samples; inclusive:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in sorted(inclusive.items(), key=lambda i: -i[1])[:top]]
    lines.append("  self:")
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in sorted(own.items(), key=lambda i: -i[1])[:top]]
    return "\n".join(lines)
