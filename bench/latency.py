"""End-to-end latency at low load: one task at a time, from sending `POST /api/v1/tasks` to seeing `completed`
on `GET /api/v1/tasks/{id}/events` (server-sent events, opened as soon as the task is accepted).

Besides the end-to-end p50/p99, each task's own timestamps split it up: accept (the POST's round trip), queue
(created_at → started_at: the broker and a worker's claim), process (started_at → finished_at: the pixels and
the two storage writes), notify (finished_at → the `completed` event arriving: the events stream's polling).

    .venv/bin/python bench/latency.py                      # 100 tasks on each stack (~1 minute)
    .venv/bin/python bench/latency.py --stacks production --tasks 300
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.images import photo_jpeg  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options, add_stack_options  # noqa: E402
from bench.report import emit_json, latency_summary, table  # noqa: E402
from bench.run import BenchError, guarded, run_main  # noqa: E402
from bench.stacks import REDIS_URL, Stack, parse_env, stack  # noqa: E402
from bench.users import new_users  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", default="embedded,production", help="embedded, production or both (comma list)")
    parser.add_argument("--tasks", type=int, default=100, help="tasks per stack, one at a time (default 100)")
    parser.add_argument("--warmup", type=int, default=5, help="tasks before measuring, not counted")
    parser.add_argument("--workers", type=int, default=1, help="worker processes on the production stack")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between tasks (default 0.05)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before one task counts as lost")
    add_run_options(parser, 900.0)
    add_stack_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stacks = [kind.strip() for kind in args.stacks.split(",") if kind.strip()]
    info = machine(postgres="production" in stacks, redis="production" in stacks)
    print_machine(info)
    image = photo_jpeg(1024, 768, seed=11, target_bytes=150_000)
    print(f"image: 1024×768 JPEG, {len(image):,} bytes; default pipeline; {args.tasks} tasks per stack", flush=True)
    rows = []
    with guarded(args.max_seconds):
        for kind in stacks:
            rows.append(run_stack(kind, image, args))
    print()
    print(table(rows, ["stack", "tasks", "lost", "p50_ms", "p95_ms", "p99_ms", "max_ms", "accept_p50_ms",
                              "queue_p50_ms", "process_p50_ms", "notify_p50_ms"]))  # fmt: skip
    emit_json("latency", {"machine": info, "image_bytes": len(image), "rows": rows}, args.json_out)
    return 0


def run_stack(kind: str, image: bytes, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {kind}: starting", flush=True)
    with stack(kind, parse_env(args.env), keep=args.keep) as deployment:
        api = deployment.serve()
        if kind == "production":
            start_workers(deployment, args.workers)
        [user] = new_users(deployment, api, 1, credits=args.tasks + args.warmup)
        headers = {"Authorization": f"Bearer {user.token}"}
        totals: list[float] = []
        parts: dict[str, list[float]] = {"accept": [], "queue": [], "process": [], "notify": []}
        lost = 0
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        with httpx.Client(base_url=api.url, headers=headers, timeout=args.timeout) as http:
            for index in range(args.warmup + args.tasks):
                try:
                    total, split = one_task(http, image, args.timeout)
                except (httpx.HTTPError, BenchError) as exc:
                    if index < args.warmup:
                        raise BenchError(f"a warm-up task failed: {exc}") from exc
                    lost += 1
                    print(f"lost a task: {exc}", file=sys.stderr)
                    continue
                if index >= args.warmup:
                    totals.append(total)
                    for name, seconds in split.items():
                        parts[name].append(seconds)
                time.sleep(args.pause)
        row = {
            "stack": kind,
            "tasks": len(totals),
            "lost": lost,
            "idle_before": idle,
            **latency_summary(totals),
            **{f"{name}_p50_ms": latency_summary(values)["p50_ms"] for name, values in parts.items()},
            **{f"{name}_p99_ms": latency_summary(values)["p99_ms"] for name, values in parts.items()},
        }
        print(f"{kind}: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms over {row['tasks']} tasks", flush=True)
        return row


def start_workers(deployment: Stack, processes: int) -> None:
    worker = deployment.worker(processes)
    # Ready when the consumer group has as many consumers as processes (each registers on its first read).
    import redis

    deadline = time.monotonic() + 60
    with redis.Redis.from_url(REDIS_URL) as client:
        while True:
            if not worker.alive():
                raise BenchError(f"pixelmill worker exited:\n{worker.tail()}")
            try:
                groups = client.xinfo_groups(deployment.queue_name)
                consumers = sum(group["consumers"] for group in groups)
            except redis.ResponseError:  # no stream yet
                consumers = 0
            if consumers >= processes:
                return
            if time.monotonic() > deadline:
                raise BenchError(f"the workers did not start reading within 60 s:\n{worker.tail()}")
            time.sleep(0.1)


def one_task(http: httpx.Client, image: bytes, timeout: float) -> tuple[float, dict[str, float]]:
    """Seconds from sending the upload to the `completed` event, and the parts of it."""
    began = time.time()
    accepted = http.post("/api/v1/tasks", data={"title": "latency"}, files={"image": ("p.jpg", image, "image/jpeg")})
    accepted_at = time.time()
    if accepted.status_code != 202:
        raise BenchError(f"submitting answered {accepted.status_code}: {accepted.text[:300]}")
    task_id = accepted.json()["id"]
    deadline = time.monotonic() + timeout
    with http.stream("GET", f"/api/v1/tasks/{task_id}/events") as events:
        if events.status_code != 200:
            raise BenchError(f"the events stream answered {events.status_code}")
        event = None
        for line in events.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "status":
                task = json.loads(line.split(":", 1)[1])
                if task["status"] == "completed":
                    seen = time.time()
                    return seen - began, _split(task, began, accepted_at, seen)
                if task["status"] == "failed":
                    raise BenchError(f"task {task_id} failed: {task['error']}")
            if time.monotonic() > deadline:
                break
    raise BenchError(f"task {task_id} not completed within {timeout:.0f} s")


def _split(task: dict[str, Any], began: float, accepted_at: float, seen: float) -> dict[str, float]:
    created, started, finished = (datetime.fromisoformat(task[key]).timestamp()
                                  for key in ("created_at", "started_at", "finished_at"))  # fmt: skip
    return {
        "accept": accepted_at - began,
        "queue": max(0.0, started - created),
        "process": max(0.0, finished - started),
        "notify": max(0.0, seen - finished),
    }


if __name__ == "__main__":
    run_main(main)
