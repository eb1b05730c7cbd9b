"""Embedded responsiveness: the p99 of `GET /api/v1/credits` on `pixelmill serve` (embedded mode: SQLite, the
worker inside the server) while five heavy-but-legal tasks run, against the same requests with nothing running.

The heavy tasks: 4000×3000 JPEGs with `blur 50`, `blur 50`, `sharpen` (a few seconds of pixels each, within the
default memory budget). The API is read one request at a time over a keep-alive connection, every
`--interval` seconds, from the first upload until the last task is finished.

    .venv/bin/python bench/embedded.py                     # five heavy tasks (~1 minute)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.http_client import Connection, raw_request  # noqa: E402
from bench.images import photo_jpeg  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options, add_stack_options  # noqa: E402
from bench.report import emit_json, latency_summary, table  # noqa: E402
from bench.run import BenchError, guarded, run_main  # noqa: E402
from bench.stacks import parse_env, stack  # noqa: E402
from bench.users import new_users  # noqa: E402


HEAVY = json.dumps([{"op": "blur", "radius": 50}, {"op": "blur", "radius": 50}, {"op": "sharpen"}])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=5, help="heavy tasks running at once (default 5)")
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--idle-requests", type=int, default=300, help="requests measured with nothing running")
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between requests (default 0.02)")
    parser.add_argument("--drain-seconds", type=float, default=600.0, help="bound on the heavy tasks")
    add_run_options(parser, 900.0)
    add_stack_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print_machine(info)
    image = photo_jpeg(args.width, args.height, seed=5)
    print(f"{args.tasks} heavy tasks: {args.width}×{args.height} JPEG ({len(image):,} bytes), {HEAVY}", flush=True)
    with guarded(args.max_seconds), stack("embedded", parse_env(args.env), keep=args.keep) as deployment:
        api = deployment.serve()
        [user] = new_users(deployment, api, 1, credits=args.tasks + 1)
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        rows = [asyncio.run(measure(api.port, user.token, image, args, heavy=False))]
        rows.append(asyncio.run(measure(api.port, user.token, image, args, heavy=True)))
        rows[0]["idle_before"] = idle
    print()
    print(table(rows, ["phase", "requests", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "seconds"]))
    emit_json("embedded", {"machine": info, "image_bytes": len(image), "rows": rows}, args.json_out)
    return 0


async def measure(port: int, token: str, image: bytes, args: argparse.Namespace, heavy: bool) -> dict[str, Any]:
    """Latencies of GET /api/v1/credits, one at a time; with `heavy`, from the uploads until the tasks end."""
    read = raw_request("GET", f"http://127.0.0.1:{port}/api/v1/credits", headers={"Authorization": f"Bearer {token}"})
    connection = Connection("127.0.0.1", port)
    latencies: list[float] = []
    errors = 0
    started = time.monotonic()
    pending: asyncio.Task[None] | None = None
    if heavy:
        pending = asyncio.create_task(asyncio.to_thread(run_heavy_tasks, port, token, image, args))
    while (pending is not None and not pending.done()) or (pending is None and len(latencies) < args.idle_requests):
        began = time.perf_counter()
        try:
            status, _ = await connection.send(read, timeout=30)
        except (OSError, TimeoutError):
            status = 0
        if status == 200:
            latencies.append(time.perf_counter() - began)
        else:
            errors += 1
        await asyncio.sleep(args.interval)
    if pending is not None:
        await pending  # raises what the heavy tasks raised
    connection.close()
    row = {"phase": f"{args.tasks} heavy tasks running" if heavy else "nothing running", "requests": len(latencies),
           "errors": errors, "seconds": round(time.monotonic() - started, 1), **latency_summary(latencies)}  # fmt: skip
    print(f"{row['phase']}: p99 {row['p99_ms']} ms over {row['requests']} requests", flush=True)
    return row


def run_heavy_tasks(port: int, token: str, image: bytes, args: argparse.Namespace) -> None:
    """Upload the heavy tasks, then wait until every one is finished (completed or failed)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
        ids = []
        for index in range(args.tasks):
            answer = http.post("/api/v1/tasks", data={"title": f"heavy {index}", "operations": HEAVY},
                               files={"image": ("p.jpg", image, "image/jpeg")})  # fmt: skip
            if answer.status_code != 202:
                raise BenchError(f"submitting answered {answer.status_code}: {answer.text[:300]}")
            ids.append(answer.json()["id"])
        deadline = time.monotonic() + args.drain_seconds
        while ids:
            statuses = {task_id: http.get(f"/api/v1/tasks/{task_id}").json()["status"] for task_id in ids}
            failed = [task_id for task_id, status in statuses.items() if status == "failed"]
            if failed:
                raise BenchError(f"a heavy task failed: {http.get(f'/api/v1/tasks/{failed[0]}').json()['error']}")
            ids = [task_id for task_id, status in statuses.items() if status != "completed"]
            if time.monotonic() > deadline:
                raise BenchError(f"{len(ids)} heavy tasks still unfinished after {args.drain_seconds:.0f} s")
            time.sleep(0.5)


if __name__ == "__main__":
    run_main(main)
