"""Processing throughput and overhead: N queued tasks with the default pipeline drained by `pixelmill worker`,
beside a bare Pillow loop doing the same decode, operations and encode on the same images with the same number
of processes.

Pixelmill: the production stack (PostgreSQL + Redis). The tasks are submitted over HTTP while no worker runs,
the API is stopped, then `pixelmill worker --workers P` drains the queue. Throughput is N over the time from the
first claim (min started_at) to the last completion (max finished_at), read from the database.

Bare: a multiprocessing pool of P processes, started before the clock, each reading an image file, decoding,
applying the default pipeline exactly as Pixelmill's processor does it (a draft decode of the luma plane,
resize into 1024×1024, grayscale, JPEG at quality 85) and writing the result file.

    .venv/bin/python bench/process.py                      # 500 tasks, 2 processes (~1 minute)
    .venv/bin/python bench/process.py --tasks 200 --width 4000 --height 3000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_client import Connection, multipart, raw_request, use_uvloop  # noqa: E402
from bench.images import photo_jpeg  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options, add_stack_options  # noqa: E402
from bench.procfs import children, cpu_seconds, mib, status_kib  # noqa: E402
from bench.profiling import profiling  # noqa: E402
from bench.report import emit_json, table  # noqa: E402
from bench.run import BenchError, child_signals, guarded, run_main  # noqa: E402
from bench.stacks import Stack, parse_env, stack  # noqa: E402
from bench.users import new_users  # noqa: E402
from testbed.children import Child  # noqa: E402


GOAL_RATIO = 0.85
BOX = (1024, 1024)  # the default pipeline: resize contain 1024×1024, then grayscale


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=500, help="tasks to drain (default 500)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="worker processes (default: cores)")
    parser.add_argument("--images", type=int, default=8, help="distinct source images, used in turn (default 8)")
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--image-kb", type=int, default=150, help="JPEG size to aim for at 1024×768 (scaled by area)")
    parser.add_argument("--drain-seconds", type=float, default=600.0, help="bound on the workers' drain")
    parser.add_argument("--skip-bare", action="store_true", help="only the Pixelmill side")
    parser.add_argument("--profile", metavar="DIR", help="record the worker processes with py-spy into DIR")
    add_run_options(parser, 1200.0)
    add_stack_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine(postgres=True, redis=True)
    print_machine(info)
    target = int(args.image_kb * 1000 * args.width * args.height / (1024 * 768))
    images = [photo_jpeg(args.width, args.height, seed, target) for seed in range(args.images)]
    print(f"{args.tasks} tasks, {args.processes} processes, {len(images)} images of {args.width}×{args.height} "
          f"({sum(map(len, images)) // len(images):,} bytes on average), default pipeline", flush=True)  # fmt: skip
    with guarded(args.max_seconds):
        use_uvloop()
        pixelmill = run_pixelmill(images, args)
        bare = None if args.skip_bare else run_bare(images, args)
    rows = [pixelmill] + ([bare] if bare else [])
    ratio = round(pixelmill["tasks_s"] / bare["tasks_s"], 3) if bare and bare["tasks_s"] else None
    print()
    print(table(rows, ["what", "processes", "tasks", "seconds", "tasks_s", "cpu_ms_per_task",
                              "pixel_cpu_ms_per_task", "peak_rss_mib"]))  # fmt: skip
    verdict = None
    if ratio is not None:
        met = ratio >= GOAL_RATIO
        verdict = f"goal {'MET ' if met else 'MISSED'}: Pixelmill / bare = {ratio} (goal >= {GOAL_RATIO})"
        print(verdict)
    emit_json(
        "process",
        {"machine": info, "tasks": args.tasks, "processes": args.processes, "image": [args.width, args.height],
         "image_bytes": [len(image) for image in images], "rows": rows, "ratio": ratio, "goal": verdict},
        args.json_out,
    )  # fmt: skip
    return 0


# ------------------------------------------------------------------------------------------------------ Pixelmill


def run_pixelmill(images: list[bytes], args: argparse.Namespace) -> dict[str, Any]:
    extra = {"PIXELMILL_WORKER_CONCURRENCY": "4", **parse_env(args.env)}
    with stack("production", extra, keep=args.keep) as deployment:
        api = deployment.serve()
        [user] = new_users(deployment, api, 1, credits=args.tasks)
        began = time.monotonic()
        asyncio.run(submit_all(api.port, user.token, images, args.tasks))
        print(f"submitted {args.tasks} tasks in {time.monotonic() - began:.1f} s; draining with "
              f"{args.processes} worker processes", flush=True)  # fmt: skip
        deployment.stop_apis()
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        supervisor = deployment.worker(args.processes)
        workers = wait_for_workers(supervisor, args.processes)
        cpu, pixel_cpu, measured = wait_until_done(
            deployment, args.tasks, args.drain_seconds, supervisor, workers, args.profile
        )
        peaks = [status_kib(pid, "VmHWM") for pid in workers]
        first, last, seconds = deployment.sql(
            "SELECT min(started_at), max(finished_at), "
            "EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM tasks"
        )[0]
        failed = deployment.sql("SELECT count(*) FROM tasks WHERE status <> 'completed'")[0][0]
        retried = deployment.sql("SELECT count(*) FROM tasks WHERE attempts > 1")[0][0]
        if failed:
            errors = deployment.sql("SELECT error, count(*) FROM tasks WHERE status <> 'completed' GROUP BY error")
            raise BenchError(f"{failed} tasks did not complete: {errors}")
        seconds = float(seconds)
        deployment.stop_workers()
    return {
        "what": "pixelmill worker",
        "processes": args.processes,
        "tasks": args.tasks,
        "seconds": round(seconds, 2),
        "tasks_s": round(args.tasks / seconds, 1) if seconds else None,
        "cpu_ms_per_task": round(cpu * 1000 / measured, 2) if measured else None,
        "pixel_cpu_ms_per_task": round(pixel_cpu * 1000 / measured, 2) if measured else None,
        "peak_rss_mib": mib(max((peak or 0) for peak in peaks)),
        "peak_rss_mib_each": [mib(peak) for peak in peaks],
        "retried": retried,
        "idle_before": idle,
        "first_claim": str(first),
        "last_completion": str(last),
    }


async def submit_all(port: int, token: str, images: list[bytes], count: int, concurrency: int = 8) -> None:
    requests = []
    for index, image in enumerate(images):
        content_type, body = multipart(
            {"title": f"bench {index}"}, {"image": (f"photo-{index}.jpg", "image/jpeg", image)}
        )
        requests.append(raw_request(
            "POST", f"http://127.0.0.1:{port}/api/v1/tasks", body,
            {"Authorization": f"Bearer {token}", "Content-Type": content_type},
        ))  # fmt: skip
    queue = list(range(count))

    async def sender() -> None:
        connection = Connection("127.0.0.1", port)
        try:
            while queue:
                index = queue.pop()
                status, body = await connection.send(requests[index % len(requests)], 60)
                if status != 202:
                    raise BenchError(f"submitting answered {status}: {body[:300]!r}")
        finally:
            connection.close()

    await asyncio.gather(*(sender() for _ in range(min(concurrency, count))))


def wait_for_workers(supervisor: Child, processes: int, timeout: float = 60.0) -> list[int]:
    """The pids of the taskiq worker processes under `pixelmill worker` once they are all up."""
    deadline = time.monotonic() + timeout
    while True:
        if not supervisor.alive():
            raise BenchError(f"pixelmill worker exited:\n{supervisor.tail()}")
        found = children(supervisor.pid)
        if len(found) >= processes:
            return found
        if time.monotonic() > deadline:
            raise BenchError(f"only {len(found)} of {processes} worker processes after {timeout:.0f} s")
        time.sleep(0.05)


def wait_until_done(
    deployment: Stack, count: int, bound: float, supervisor: Child, workers: list[int], profile: str | None
) -> tuple[float, float, int]:
    """Wait for every task to finish. Returns the CPU seconds the worker processes, and apart the pixel processes
    below them, spent on the tasks done after the first tenth (by then every process has started up and warmed),
    and how many those were; py-spy, if asked, records that same stretch."""
    began = time.monotonic()
    mark: tuple[float, dict[int, float], int] | None = None
    with contextlib.ExitStack() as recording:
        while True:
            done = deployment.sql("SELECT count(*) FROM tasks WHERE status IN ('completed', 'failed')")[0][0]
            if mark is None and done >= max(1, count // 10):
                mark = sum(cpu_seconds(pid) for pid in workers), _pixel_cpu(workers), done
                recording.enter_context(profiling(workers, profile, "process-worker", settle=0))
            if done >= count:
                assert mark is not None
                pixels = _pixel_cpu(workers)
                pixel_seconds = sum(seconds - mark[1].get(pid, 0.0) for pid, seconds in pixels.items())
                return sum(cpu_seconds(pid) for pid in workers) - mark[0], pixel_seconds, done - mark[2]
            if not supervisor.alive():
                raise BenchError(f"pixelmill worker exited:\n{supervisor.tail()}")
            if time.monotonic() - began > bound:
                raise BenchError(f"only {done} of {count} tasks done after {bound:.0f} s")
            time.sleep(0.1)


def _pixel_cpu(workers: list[int]) -> dict[int, float]:
    """CPU seconds so far of every process below the workers (the pixel processes and their fork server), by pid."""
    found: dict[int, float] = {}
    below = [child for pid in workers for child in children(pid)]
    while below:
        pid = below.pop()
        with contextlib.suppress(OSError):
            found[pid] = cpu_seconds(pid)
            below += children(pid)
    return found


# ----------------------------------------------------------------------------------------------------------- bare


def bare_task(paths: tuple[str, str]) -> tuple[float, float]:
    """The default pipeline as Pixelmill's processor runs it: a draft decode (luma only, scaled down when the
    image is bigger than the box), resize into the box, grayscale, JPEG at quality 85."""
    from PIL import Image

    started = time.time()
    source, target = paths
    with Image.open(BytesIO(Path(source).read_bytes())) as image:
        width, height = image.size
        scale = min(BOX[0] / width, BOX[1] / height, 1.0)
        size = max(1, round(width * scale)), max(1, round(height * scale))
        image.draft("L" if image.mode == "RGB" else image.mode, size)  # a colour JPEG decodes its luma alone
        image.load()
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        image = image.convert("L")
        out = BytesIO()
        image.save(out, "JPEG", quality=85)
    Path(target).write_bytes(out.getvalue())
    return started, time.time()


def run_bare(images: list[bytes], args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pixelmill-bench-bare-") as directory:
        root = Path(directory)
        sources = []
        for index, image in enumerate(images):
            path = root / f"source-{index}.jpg"
            path.write_bytes(image)
            sources.append(path)
        jobs = [(str(sources[i % len(sources)]), str(root / f"result-{i}.jpg")) for i in range(args.tasks)]
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        context = multiprocessing.get_context("fork")
        with context.Pool(args.processes, initializer=child_signals) as pool:
            pool.map(bare_task, jobs[: args.processes * 2])  # every process has imported Pillow and decoded once
            cpu_before = _pool_cpu(pool)
            times = pool.map(bare_task, jobs, chunksize=1)
            cpu = _pool_cpu(pool) - cpu_before
            peak = max(status_kib(process.pid, "VmHWM") or 0 for process in pool._pool)  # type: ignore[attr-defined]
    seconds = max(end for _, end in times) - min(start for start, _ in times)
    return {
        "what": "bare Pillow",
        "processes": args.processes,
        "tasks": args.tasks,
        "seconds": round(seconds, 2),
        "tasks_s": round(args.tasks / seconds, 1) if seconds else None,
        "cpu_ms_per_task": round(cpu * 1000 / args.tasks, 2),
        "peak_rss_mib": mib(peak),
        "idle_before": idle,
    }


def _pool_cpu(pool: Any) -> float:
    return sum(cpu_seconds(process.pid) for process in pool._pool)


if __name__ == "__main__":
    run_main(main)
