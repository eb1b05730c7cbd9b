"""Crash recovery for real: `pixelmill serve` and two `pixelmill worker` processes on PostgreSQL and Redis.

Workers are killed with SIGKILL while they work and restarted; Redis is cut away from every process while tasks
are submitted. Whatever happens, every accepted task completes, is charged once and refunded never, and the
ledger adds up. `pytest -s` prints the figures. The kills come at fixed points of progress (every TASKS/(KILLS+2)
tasks completed, with a task held), not at random moments, so every run kills exactly KILLS times mid-work.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from redis.asyncio import Redis

from testbed.children import Child
from tests.support.stack import REDIS_URL, Stack, User, new_user, production_stack
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

TASKS = 200
KILLS = 6
# Kill while work is under way, spread over the run: after 25, 50, ... 150 of the 200 tasks completed.
KILL_MILESTONES = [TASKS * (kill + 1) // (KILLS + 2) for kill in range(KILLS)]
SIGNUP_BONUS = 10
OPERATIONS = json.dumps([{"op": "blur", "radius": 2}, {"op": "thumbnail", "size": 128}, {"op": "grayscale"}])
# Short enough that the test drains in seconds: a dead worker's task is taken over once its lease runs out,
# and the sweeper re-sends what waited too long. Attempts are not what this test limits, so they are generous.
FAST_RECOVERY = {
    "task_lease_seconds": 2,
    "queue_redelivery_seconds": 4,
    "sweep_interval_seconds": 1,
    "sweep_queued_after_seconds": 2,
    "task_max_attempts": 20,
    "worker_concurrency": 4,
}


def jpeg(seed: int) -> bytes:
    image = Image.linear_gradient("L").resize((480, 360)).convert("RGB")
    image.paste((seed % 256, 90, 160), (0, 0, 48, 36))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


async def submit(user: User, seed: int) -> httpx.Response:
    return await user.http.post(
        "/api/v1/tasks",
        headers=user.headers,
        data={"title": f"task {seed}", "operations": OPERATIONS},
        files={"image": (f"{seed}.jpg", jpeg(seed), "image/jpeg")},
    )


async def until(probe: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        assert time.monotonic() < deadline, f"{what} after {timeout} s"
        await asyncio.sleep(0.05)


async def count(stack: Stack, status: str) -> int:
    return int((await stack.query("SELECT count(*) FROM tasks WHERE status = :s", s=status))[0][0])


def report(title: str, figures: dict[str, object], lines: Sequence[str] = ()) -> None:
    print(f"\n[{title}] " + ", ".join(f"{name}={value}" for name, value in figures.items()), flush=True)
    for line in lines:
        print(f"  {line}", flush=True)


async def assert_each_task_done_once(stack: Stack, user: User, task_ids: set[str], granted: int) -> None:
    """Completed, charged exactly once, never refunded, result downloadable, and the ledger adds up."""
    statuses = dict(await stack.query("SELECT id::text, status FROM tasks"))
    assert set(statuses) == task_ids
    assert {task_id for task_id, status in statuses.items() if status != "completed"} == set()

    charges = await stack.query(
        "SELECT task_id::text, count(*) FROM credit_ledger WHERE reason = 'task_charge' GROUP BY task_id"
    )
    assert dict(charges) == dict.fromkeys(task_ids, 1)
    assert await stack.query("SELECT task_id FROM credit_ledger WHERE reason = 'task_refund'") == []

    for task_id in task_ids:
        result = await user.http.get(f"/api/v1/tasks/{task_id}/result", headers=user.headers)
        assert result.status_code == 200 and result.content, (task_id, result.status_code)

    balance = (await user.http.get("/api/v1/credits", headers=user.headers)).json()["balance"]
    ((ledger_sum, rows, credits),) = await stack.query(
        "SELECT sum(l.delta), count(*), u.credits FROM credit_ledger l JOIN users u ON u.id = l.user_id "
        "WHERE u.email = :email GROUP BY u.credits",
        email=user.email,
    )
    assert balance == ledger_sum == credits == SIGNUP_BONUS + granted - len(task_ids)
    assert rows == 2 + len(task_ids)  # the signup bonus, the grant, one charge per task


async def stream_figures(stack: Stack, tasks: int) -> dict[str, int]:
    """What went through the stream: task ids sent more than once (by the sweeper) and sweep jobs."""
    async with Redis.from_url(REDIS_URL) as redis:
        entries = await redis.xrange(stack.queue_name)
    names = [json.loads(fields[b"data"])["task_name"] for _, fields in entries]
    return {
        "task_messages_resent_by_sweeper": names.count("pixelmill.process_task") - tasks,
        "sweep_jobs_kicked": names.count("pixelmill.sweep"),
    }


async def test_workers_killed_while_they_work_lose_no_task_and_charge_none_twice(tmp_path: Path) -> None:
    # 200 submissions in seconds are this test's point, not a rate limit's.
    async with production_stack(tmp_path, **FAST_RECOVERY, rate_limit_allowlist="127.0.0.1") as stack:
        _, url = await stack.serve()
        workers: list[Child] = [stack.worker("worker-a"), stack.worker("worker-b")]
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            user = await new_user(stack, http, TASKS)
            started = time.monotonic()
            gate = asyncio.Semaphore(8)

            async def submit_one(n: int) -> str:
                async with gate:
                    response = await submit(user, n)
                assert response.status_code == 202, response.text
                return str(response.json()["id"])

            submitting = asyncio.gather(*(submit_one(n) for n in range(TASKS)))
            kills: list[str] = []

            async def working_past(milestone: int) -> bool:
                if submitting.done():
                    submitting.result()  # a refused submission fails the test here, not as a stall
                return await count(stack, "completed") >= milestone and await count(stack, "processing") > 0

            for milestone in KILL_MILESTONES:
                await until(partial(working_past, milestone), 60, f"no task held past {milestone} completed")
                held, done = await count(stack, "processing"), await count(stack, "completed")
                victim = min(range(len(workers)), key=lambda i: workers[i].started)  # the one up longest
                workers[victim].kill()
                kills.append(f"SIGKILL {workers[victim].name}: {held} tasks processing, {done} done")
                workers[victim] = stack.worker(f"{workers[victim].name.split('#')[0]}#{len(kills)}")

            task_ids = set(await submitting)
            submitted = time.monotonic()
            await until(lambda: _completed_are(stack, TASKS), 90, "tasks still unfinished")
            drained = time.monotonic()

            await assert_each_task_done_once(stack, user, task_ids, granted=TASKS)
            ((attempts, run_again),) = await stack.query(
                "SELECT sum(attempts), count(*) FILTER (WHERE attempts > 1) FROM tasks"
            )
            report(
                "crash recovery",
                {
                    "tasks": TASKS,
                    "kills": len(kills),
                    "tasks_taken_over_after_a_kill": run_again,
                    "claims_beyond_the_first": attempts - TASKS,
                    **await stream_figures(stack, TASKS),
                    "submission_seconds": round(submitted - started, 1),
                    "seconds_until_all_completed": round(drained - started, 1),
                    "drain_seconds_after_last_submission": round(drained - submitted, 1),
                },
                kills,
            )
            assert len(kills) == KILLS, kills


async def _completed_are(stack: Stack, expected: int) -> bool:
    return await count(stack, "completed") == expected


# During the outage, submissions meet Redis first in the rate limiter (its counters live there: 503, nothing
# charged) or, for an allowlisted client, only at the enqueue after the commit (202, the task waits as queued).
RATE_LIMITS = {
    "counted in Redis": ({"rate_limit_submit_burst": 1000, "rate_limit_submit_sustained": 1000}, 503),
    "allowlisted": ({"rate_limit_allowlist": "127.0.0.1"}, 202),
}


@pytest.mark.parametrize("rate_limits", RATE_LIMITS)
async def test_redis_cut_away_during_submission_loses_no_accepted_task_and_charges_no_refused_one(
    tmp_path: Path, rate_limits: str
) -> None:
    limits, status_during_outage = RATE_LIMITS[rate_limits]
    target = urlsplit(REDIS_URL)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    port = await proxy.start()
    settings = {**FAST_RECOVERY, "rate_limit_allowlist": "", **limits}
    try:
        async with production_stack(tmp_path, broker_url=f"redis://127.0.0.1:{port}/0", **settings) as stack:
            _, url = await stack.serve()
            stack.worker("worker-a")
            stack.worker("worker-b")
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                user = await new_user(stack, http, 100)
                responses: dict[str, list[httpx.Response]] = {}
                started = time.monotonic()

                responses["before"] = [await submit(user, n) for n in range(10)]
                await proxy.cut()
                cut = time.monotonic()
                ready = await http.get("/health/ready")
                responses["during"] = [await submit(user, n) for n in range(10, 20)]
                await proxy.restore()
                restored = time.monotonic()
                responses["after"] = [await submit(user, n) for n in range(20, 30)]

                statuses = {phase: {r.status_code for r in batch} for phase, batch in responses.items()}
                assert statuses == {"before": {202}, "during": {status_during_outage}, "after": {202}}
                assert ready.status_code == 503 and ready.json()["checks"]["queue"] != "ok"
                everything = [response for batch in responses.values() for response in batch]
                accepted = {str(r.json()["id"]) for r in everything if r.status_code == 202}
                assert {r.json()["status"] for r in everything if r.status_code == 202} == {"queued"}

                await until(lambda: _completed_are(stack, len(accepted)), 60, "accepted tasks still unfinished")
                drained = time.monotonic()
                # A refused submission charged nothing: the ledger holds exactly the accepted tasks.
                await assert_each_task_done_once(stack, user, accepted, granted=100)
                report(
                    f"redis outage, rate limits {rate_limits}",
                    {
                        "submitted": len(everything),
                        "accepted": len(accepted),
                        "refused_503": len(everything) - len(accepted),
                        "outage_seconds": round(restored - cut, 1),
                        "drain_seconds_after_restore": round(drained - restored, 1),
                        "total_seconds": round(drained - started, 1),
                    },
                )
    finally:
        await proxy.close()
