"""Accept throughput: authenticated `POST /api/v1/tasks` with a 1024×768 JPEG of about 150 KB.

For each stack (`pixelmill serve` embedded; the production stack on PostgreSQL + Redis with 1 and with 2 API
processes, no worker running, so only acceptance is measured) and each concurrency, a bounded number of
uploads: accepted/s, p50/p95/p99 latency, errors, API CPU per accepted upload (utime+stime of the API
processes from /proc) and the API's peak RSS during the highest concurrency (VmHWM, reset just before it).

Embedded mode has no separate worker: the in-process worker processes what is accepted. There each level is
followed by draining the queue, and the CPU per upload is acceptance *plus* processing.

    .venv/bin/python bench/accept.py                       # the full run (~10 minutes)
    .venv/bin/python bench/accept.py --stacks production --apis 1 --concurrency 32 --count 3000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_client import Connection, multipart, raw_request, use_uvloop  # noqa: E402
from bench.images import photo_jpeg  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options, add_stack_options  # noqa: E402
from bench.procfs import cpu_seconds, mib, reset_peak_rss, status_kib  # noqa: E402
from bench.profiling import profiling  # noqa: E402
from bench.report import emit_json, latency_summary, table  # noqa: E402
from bench.run import BenchError, guarded, run_main  # noqa: E402
from bench.stacks import Api, Stack, parse_env, stack  # noqa: E402
from bench.users import User, new_users  # noqa: E402


GOAL = {"req_s": 470.0, "p99_ms": 100.0, "cpu_ms": 2.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", default="embedded,production", help="embedded, production or both (comma list)")
    parser.add_argument("--apis", default="1,2", help="API process counts to run on the production stack")
    parser.add_argument("--concurrency", default="1,8,32,128", help="concurrency levels, in order")
    parser.add_argument("--count", type=int, default=3000, help="uploads per level (default 3000)")
    parser.add_argument("--count-c1", type=int, default=500, help="uploads at concurrency 1 (default 500)")
    parser.add_argument("--warmup", type=int, default=200, help="uploads before the first level, not counted")
    parser.add_argument("--users", type=int, default=16, help="users the connections are spread over (default 16)")
    parser.add_argument("--image-kb", type=int, default=150, help="JPEG size to aim for (default 150 KB)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before one request is an error")
    parser.add_argument("--level-seconds", type=float, default=120.0, help="a level stops issuing after this")
    parser.add_argument("--baseline", action="store_true",
                        help="also measure GET /health and GET /api/v1/credits (the floor under an upload)")
    parser.add_argument("--profile", metavar="DIR", help="record each level's API processes with py-spy into DIR")
    add_run_options(parser, 1200.0)
    add_stack_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stacks = [kind.strip() for kind in args.stacks.split(",") if kind.strip()]
    levels = [int(level) for level in args.concurrency.split(",")]
    api_counts = [int(count) for count in args.apis.split(",")]
    configs = [(kind, apis) for kind in stacks for apis in ([1] if kind == "embedded" else api_counts)]
    info = machine(postgres="production" in stacks, redis="production" in stacks)
    print_machine(info)
    image = photo_jpeg(1024, 768, seed=7, target_bytes=args.image_kb * 1000)
    print(f"image: 1024×768 JPEG, {len(image):,} bytes; {args.users} users; default pipeline", flush=True)

    rows: list[dict[str, Any]] = []
    with guarded(args.max_seconds):
        use_uvloop()
        for kind, apis in configs:
            rows += run_config(kind, apis, levels, image, args)
    print()
    columns = ["stack", "route", "apis", "c", "n", "ok", "errors", "req_s", "p50_ms", "p95_ms", "p99_ms", "max_ms",
               "api_cpu_ms", "client_cpu_ms", "peak_rss_mib"]  # fmt: skip
    print(table(rows, columns))
    verdicts = goals(rows)
    for line in verdicts:
        print(line)
    emit_json(
        "accept",
        {"machine": info, "image_bytes": len(image), "users": args.users, "rows": rows, "goals": verdicts},
        args.json_out,
    )
    return 0


def run_config(kind: str, api_count: int, levels: list[int], image: bytes, args: argparse.Namespace) -> list[dict[str, Any]]:
    label = f"{kind} ×{api_count}"
    print(f"\n== {label}: starting", flush=True)
    total = args.warmup + sum(args.count_c1 if level == 1 else args.count for level in levels)
    with stack(kind, parse_env(args.env), keep=args.keep) as deployment:
        apis = deployment.serve_many(api_count)
        # Each connection keeps to one user, so one user may send a whole level: each gets enough for all of it.
        users = new_users(deployment, apis[0], args.users, credits=total + 10)
        content_type, body = multipart(
            {"title": "bench upload"}, {"image": ("photo.jpg", "image/jpeg", image)}
        )
        requests = {
            (api.port, index): raw_request(
                "POST", f"{api.url}/api/v1/tasks", body,
                {"Authorization": f"Bearer {user.token}", "Content-Type": content_type},
            )  # fmt: skip
            for api in apis
            for index, user in enumerate(users)
        }
        if args.warmup:
            asyncio.run(load(apis, users, requests, min(8, max(levels)), args.warmup, args))
            drain(deployment)
        rows = []
        if args.baseline:
            rows += baselines(kind, apis, users, args)
        for level in levels:
            count = args.count_c1 if level == 1 else args.count
            peak = level == max(levels)
            pids = [api.child.pid for api in apis]
            idle = wait_for_quiet(args.quiet) if args.quiet else None
            reset = all(reset_peak_rss(pid) for pid in pids) if peak else False
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            client_before = time.process_time()
            with profiling(pids, args.profile, f"accept-{kind}-{api_count}api-c{level}"):
                result = asyncio.run(load(apis, users, requests, level, count, args))
            client_cpu = time.process_time() - client_before
            drained = drain(deployment)
            cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
            ok = result["ok"]
            row = {
                "stack": kind,
                "route": "POST /api/v1/tasks",
                "apis": api_count,
                "c": level,
                "n": result["sent"],
                "ok": ok,
                "errors": sum(result["errors"].values()),
                "error_kinds": dict(result["errors"]),
                "req_s": round(ok / result["seconds"], 1) if result["seconds"] else None,
                **result["latency"],
                "api_cpu_ms": round(cpu * 1000 / ok, 2) if ok else None,
                "client_cpu_ms": round(client_cpu * 1000 / max(1, result["sent"]), 2),
                "seconds": round(result["seconds"], 2),
                "drain_seconds": drained,
                "peak_rss_mib": max(mib(status_kib(pid, "VmHWM")) or 0 for pid in pids) if peak else None,
                "peak_rss_reset": reset if peak else None,
                "idle_before": idle,
            }
            if kind == "embedded":
                row["note"] = "api_cpu_ms includes processing by the in-process worker"
            rows.append(row)
            print(
                f"{label} c={level}: {row['req_s']} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
                f"{row['errors']} errors, {row['api_cpu_ms']} ms API CPU/upload",
                flush=True,
            )
        check_ledger(deployment)
        return rows


def baselines(kind: str, apis: list[Api], users: list[User], args: argparse.Namespace) -> list[dict[str, Any]]:
    """What a request costs the API before any upload work: the framework alone (GET /health), and with the
    bearer check and one database read (GET /api/v1/credits, which also passes the rate-limit checks)."""
    rows = []
    for route, path, expect in (("GET /health", "/health", 200), ("GET /api/v1/credits", "/api/v1/credits", 200)):
        requests = {
            (api.port, index): raw_request(
                "GET", f"{api.url}{path}", headers={"Authorization": f"Bearer {user.token}"}
            )
            for api in apis
            for index, user in enumerate(users)
        }
        count = max(args.count, 10)
        asyncio.run(load(apis, users, requests, 16, max(1, count // 10), args, expect))
        pids = [api.child.pid for api in apis]
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        result = asyncio.run(load(apis, users, requests, 16, count, args, expect))
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        ok = result["ok"]
        rows.append({
            "stack": kind, "route": route, "apis": len(apis), "c": 16, "n": result["sent"], "ok": ok,
            "errors": sum(result["errors"].values()), "error_kinds": dict(result["errors"]),
            "req_s": round(ok / result["seconds"], 1) if result["seconds"] else None, **result["latency"],
            "api_cpu_ms": round(cpu * 1000 / ok, 3) if ok else None,
        })  # fmt: skip
        print(f"{kind} ×{len(apis)} baseline {route}: {rows[-1]['req_s']} req/s, {rows[-1]['api_cpu_ms']} ms API CPU",
              flush=True)  # fmt: skip
    return rows


async def load(
    apis: list[Api], users: list[User], requests: dict[tuple[int, int], bytes], concurrency: int, count: int,
    args: argparse.Namespace, expect: int = 202,
) -> dict[str, Any]:
    """`count` uploads over `concurrency` keep-alive connections spread round-robin over APIs and users."""
    remaining = count
    sent = 0
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    gate = asyncio.Event()
    deadline = 0.0

    async def connection(index: int) -> None:
        nonlocal remaining, sent
        api = apis[index % len(apis)]
        request = requests[(api.port, index % len(users))]
        conn = Connection("127.0.0.1", api.port)
        await conn.open()
        await gate.wait()
        try:
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                sent += 1
                started = time.perf_counter()
                try:
                    status, body = await conn.send(request, args.timeout)
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    continue
                if status == expect:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[str(status)] += 1
        finally:
            conn.close()

    workers = [asyncio.create_task(connection(index)) for index in range(concurrency)]
    await asyncio.sleep(0.05)  # every connection opens before the clock starts
    began = time.perf_counter()
    deadline = began + args.level_seconds
    gate.set()
    await asyncio.gather(*workers)
    seconds = time.perf_counter() - began
    return {"sent": sent, "ok": len(latencies), "errors": errors, "seconds": seconds,
            "latency": latency_summary(latencies)}  # fmt: skip


def drain(deployment: Stack, bound: float = 600.0) -> float | None:
    """Embedded mode: wait until the in-process worker has finished what was accepted. Seconds waited."""
    if deployment.kind != "embedded":
        return None
    began = time.monotonic()
    while deployment.sql("SELECT count(*) FROM tasks WHERE status IN ('queued', 'processing')")[0][0]:
        if time.monotonic() - began > bound:
            raise BenchError(f"the embedded worker did not drain the queue within {bound:.0f} s")
        time.sleep(0.2)
    return round(time.monotonic() - began, 2)


def check_ledger(deployment: Stack) -> None:
    """Every accepted upload charged exactly once: balance == sum(ledger) and one charge per task."""
    tasks = deployment.sql("SELECT count(*) FROM tasks")[0][0]
    charges = deployment.sql("SELECT count(*) FROM credit_ledger WHERE reason = 'task_charge'")[0][0]
    mismatched = deployment.sql(
        "SELECT count(*) FROM users u WHERE u.credits <> (SELECT coalesce(sum(delta), 0) FROM credit_ledger l "
        "WHERE l.user_id = u.id)"
    )[0][0]
    if tasks != charges or mismatched:
        raise BenchError(f"ledger mismatch: {tasks} tasks, {charges} charges, {mismatched} users off their ledger")


def goals(rows: list[dict[str, Any]]) -> list[str]:
    """The issue's goals for one production API process, each met or missed."""
    out = []
    one = {row["c"]: row for row in rows
           if row["stack"] == "production" and row["apis"] == 1 and row["route"] == "POST /api/v1/tasks"}  # fmt: skip
    if 32 in one:
        row = one[32]
        out.append(_verdict("accepted/s at c=32 (1 API)", row["req_s"], ">=", GOAL["req_s"]))
        out.append(_verdict("p99 at c=32 (1 API), ms", row["p99_ms"], "<", GOAL["p99_ms"]))
        out.append(_verdict("API CPU per upload at c=32, ms", row["api_cpu_ms"], "<=", GOAL["cpu_ms"]))
    if 128 in one:
        out.append(_verdict("errors at c=128 (1 API)", one[128]["errors"], "<=", 0))
    return out


def _verdict(name: str, value: float | None, op: str, goal: float) -> str:
    met = value is not None and {">=": value >= goal, "<": value < goal, "<=": value <= goal}[op]
    return f"goal {'MET ' if met else 'MISSED'}: {name} = {value} (goal {op} {goal:g})"


if __name__ == "__main__":
    run_main(main)
