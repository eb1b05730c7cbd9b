"""Every benchmark in bench/ runs end to end in a tiny configuration, so none of them rots.

No figure is judged here (the machine may be busy); what is checked is that each script starts what it needs,
measures, prints its JSON, stops everything it started and leaves its books straight. The five run side by side, then memory and embedded
as subprocesses, each on its own PostgreSQL schema, Redis queue name and temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

BENCH = Path(__file__).resolve().parents[2] / "bench"
TINY = {
    "accept": ["--stacks", "embedded,production", "--apis", "2", "--concurrency", "1,4", "--count", "8",
               "--count-c1", "4", "--warmup", "2", "--users", "1", "--max-seconds", "60"],
    "process": ["--tasks", "6", "--images", "2", "--processes", "1", "--max-seconds", "60"],
    "big_images": ["--width", "800", "--height", "600", "--images", "1", "--rounds", "1", "--max-seconds", "60"],
    "latency": ["--stacks", "embedded,production", "--tasks", "2", "--warmup", "1", "--pause", "0",
                "--max-seconds", "60"],
    "webhooks": ["--orders", "6", "--users", "2", "--concurrency", "4", "--repeat-share", "0.5",
                 "--order-paid-share", "0.5", "--max-seconds", "60"],
}  # fmt: skip
# Run after the five above, so that seven scripts do not share 2 cores at once.
THEN = {
    "memory": ["--pipelines", "rotate45,webp", "--max-scale", "0.1", "--max-seconds", "60"],
    "embedded": ["--tasks", "1", "--width", "400", "--height", "300", "--idle-requests", "5", "--max-seconds", "60"],
}  # fmt: skip


def results_of(output: str) -> dict[str, Any]:
    lines = [line for line in output.splitlines() if line.startswith("JSON ")]
    assert len(lines) == 1, output
    return json.loads(lines[0][len("JSON ") :])  # type: ignore[no-any-return]


def run_side_by_side(scripts: dict[str, list[str]], bound: float) -> dict[str, str]:
    """Each script's output; all of them must exit 0 within `bound` seconds."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIXELMILL_")}
    started = time.monotonic()
    running = {
        name: subprocess.Popen(
            [sys.executable, str(BENCH / f"{name}.py"), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        for name, args in scripts.items()
    }
    outputs = {}
    try:
        for name, process in running.items():
            out, _ = process.communicate(timeout=max(1.0, bound - (time.monotonic() - started)))
            outputs[name] = out
            assert process.returncode == 0, f"bench/{name}.py exited with {process.returncode}:\n{out}"
    finally:
        for process in running.values():
            if process.poll() is None:
                process.terminate()  # the script stops its own children on SIGTERM
                process.wait(30)
    return outputs


def test_every_benchmark_runs_tiny_and_cleans_up() -> None:
    started = time.monotonic()
    outputs = run_side_by_side(TINY, 120)
    first_five = time.monotonic() - started
    outputs |= run_side_by_side(THEN, 120)
    results = {name: results_of(out) for name, out in outputs.items()}

    for result in results.values():
        assert result["machine"]["cores"] >= 1 and result["machine"]["pillow"]
    accept = results["accept"]["rows"]
    assert {(row["stack"], row["apis"], row["c"]) for row in accept} == {
        ("embedded", 1, 1), ("embedded", 1, 4), ("production", 2, 1), ("production", 2, 4)
    }
    assert all(row["errors"] == 0 and row["ok"] == row["n"] and row["api_cpu_ms"] for row in accept), accept
    assert [row["peak_rss_mib"] is not None for row in accept] == [False, True, False, True]
    assert "postgresql" in results["accept"]["machine"]

    pixelmill, bare = results["process"]["rows"]
    assert pixelmill["tasks_s"] > 0 and bare["tasks_s"] > 0 and results["process"]["ratio"] > 0
    assert pixelmill["peak_rss_mib"] > 0

    memory = results["memory"]["rows"]
    assert [row["pipeline"] for row in memory] == ["rotate45", "webp"]
    assert all(row["peak_rss_mib"] > 0 and row["within_budget"] for row in memory), memory
    idle, heavy = results["embedded"]["rows"]
    assert idle["requests"] == 5 and heavy["requests"] >= 1 and idle["errors"] == heavy["errors"] == 0

    big = {row["loop"]: row for row in results["big_images"]["rows"]}
    assert big["pixelmill"]["output"] == big["naive (lanczos)"]["output"] == "800×600 L"

    assert [(row["stack"], row["tasks"], row["lost"]) for row in results["latency"]["rows"]] == [
        ("embedded", 2, 0), ("production", 2, 0)
    ]

    webhooks = results["webhooks"]
    assert webhooks["errors"] == 0 and webhooks["ok"] == webhooks["deliveries"] > webhooks["orders"] == 6
    assert webhooks["books"] == {**webhooks["books"], "paid_orders": 6, "purchase_rows": 6, "double_grants": 0,
                                 "consistent": True}  # fmt: skip
    assert first_five < 90
