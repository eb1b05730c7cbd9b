"""Webhooks: signed `payment.captured` deliveries at concurrency 16 with duplicates mixed in, then the books.

Users place orders over HTTP (`POST /api/v1/orders`, the sandbox gateway: no network); the benchmark then plays
Razorpay's servers and delivers a `payment.captured` event per order to `POST /api/v1/webhooks/razorpay`,
signed with HMAC-SHA256 of the raw body under the webhook secret. Mixed in: exact re-deliveries of the same
event (same event id), an `order.paid` event for the same payment (another event id that also tries to grant),
some of them sent back to back so they race on different connections. Reported: deliveries/s, p50/p99 latency,
non-200 answers, API CPU per delivery, and the books afterwards: every order paid, exactly one `purchase`
ledger row per order, every balance equal to its ledger's sum and to the credits bought.

    .venv/bin/python bench/webhooks.py                     # 400 orders, ~700 deliveries (~1 minute)
    .venv/bin/python bench/webhooks.py --orders 1000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import secrets
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.http_client import Connection, raw_request, use_uvloop  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options, add_stack_options  # noqa: E402
from bench.procfs import cpu_seconds  # noqa: E402
from bench.profiling import profiling  # noqa: E402
from bench.report import emit_json, latency_summary, table  # noqa: E402
from bench.run import BenchError, guarded, run_main  # noqa: E402
from bench.stacks import Stack, parse_env, stack  # noqa: E402
from bench.users import User, new_users  # noqa: E402


WEBHOOK = "/api/v1/webhooks/razorpay"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="production", choices=("production", "embedded"))
    parser.add_argument("--orders", type=int, default=400, help="orders paid (default 400)")
    parser.add_argument("--users", type=int, default=16, help="buyers the orders are spread over (default 16)")
    parser.add_argument("--concurrency", type=int, default=16, help="deliveries in flight (default 16)")
    parser.add_argument("--repeat-share", type=float, default=0.3, help="orders whose event is re-delivered")
    parser.add_argument("--order-paid-share", type=float, default=0.2, help="orders also sent order.paid")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before one delivery is an error")
    parser.add_argument("--profile", metavar="DIR", help="record the API process with py-spy into DIR")
    add_run_options(parser, 900.0)
    add_stack_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine(postgres=args.stack == "production", redis=args.stack == "production")
    print_machine(info)
    with guarded(args.max_seconds):
        use_uvloop()
        row = run(args)
    print()
    print(table([row], ["stack", "orders", "deliveries", "duplicates", "ok", "errors", "deliveries_s",
                               "p50_ms", "p95_ms", "p99_ms", "max_ms", "api_cpu_ms"]))  # fmt: skip
    books = row["books"]
    verdict = "no double grant" if books["double_grants"] == 0 and books["consistent"] else "DOUBLE GRANT OR DRIFT"
    print(f"books: {books['paid_orders']}/{row['orders']} orders paid, {books['purchase_rows']} purchase rows, "
          f"{books['double_grants']} orders granted twice, balances {'' if books['consistent'] else 'NOT '}"
          f"equal to the ledger and to what was bought: {verdict}")  # fmt: skip
    emit_json("webhooks", {"machine": info, **row}, args.json_out)
    return 0 if verdict == "no double grant" else 1


def run(args: argparse.Namespace) -> dict[str, Any]:
    extra = {"PIXELMILL_PAYMENT_GATEWAY": "sandbox", **parse_env(args.env)}
    with stack(args.stack, extra, keep=args.keep) as deployment:
        api = deployment.serve()
        users = new_users(deployment, api, args.users, credits=0)
        orders = place_orders(api.url, users, args.orders)
        deliveries, duplicates = plan_deliveries(orders, webhook_secret(deployment), args)
        print(f"{len(orders)} orders placed; delivering {len(deliveries)} events ({duplicates} duplicates) "
              f"at concurrency {args.concurrency}", flush=True)  # fmt: skip
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        pid = api.child.pid
        cpu_before = cpu_seconds(pid)
        with profiling([pid], args.profile, "webhooks"):
            result = asyncio.run(deliver_all(api.port, deliveries, args.concurrency, args.timeout))
        cpu = cpu_seconds(pid) - cpu_before
        books = check_books(deployment, api.url, users, orders)
    return {
        "stack": args.stack,
        "orders": len(orders),
        "deliveries": len(deliveries),
        "duplicates": duplicates,
        "ok": result["ok"],
        "errors": sum(result["errors"].values()),
        "error_kinds": dict(result["errors"]),
        "deliveries_s": round(len(deliveries) / result["seconds"], 1),
        **result["latency"],
        "api_cpu_ms": round(cpu * 1000 / len(deliveries), 2),
        "seconds": round(result["seconds"], 2),
        "idle_before": idle,
        "books": books,
    }


def webhook_secret(deployment: Stack) -> str:
    """The sandbox gateway's webhook secret, derived from the deployment's JWT secret as every process derives it."""
    from adapters.sandbox.gateway import derive_secret

    return derive_secret(deployment.env["PIXELMILL_JWT_SECRET"], "webhook")


def place_orders(url: str, users: list[User], count: int) -> list[dict[str, Any]]:
    """`count` orders of the cheapest plan, spread over the users, placed over HTTP."""

    async def place() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            plans = (await http.get("/api/v1/plans")).json()
            if not plans:
                raise BenchError("no credit plans for sale: GET /api/v1/plans is empty")
            plan = min(plans, key=lambda plan: plan["price"])
            semaphore = asyncio.Semaphore(8)

            async def one(index: int) -> dict[str, Any]:
                user = users[index % len(users)]
                async with semaphore:
                    response = await http.post(
                        "/api/v1/orders", json={"plan_id": plan["id"]}, headers={"Authorization": f"Bearer {user.token}"}
                    )
                if response.status_code != 201:
                    raise BenchError(f"placing an order answered {response.status_code}: {response.text[:300]}")
                return {**response.json(), "user": user.email}

            return list(await asyncio.gather(*(one(index) for index in range(count))))

    return asyncio.run(place())


def plan_deliveries(
    orders: list[dict[str, Any]], secret: str, args: argparse.Namespace
) -> tuple[list[bytes], int]:
    """Raw HTTP requests, as Razorpay would send them: one capture per order, plus duplicates. Groups of an order's
    deliveries stay together half the time, so that those copies are in flight at once."""
    rng = random.Random(args.seed)
    groups: list[list[bytes]] = []
    duplicates = 0
    for order in orders:
        payment_id = f"pay_bench_{secrets.token_hex(7)}"
        captured = signed_event("payment.captured", order, payment_id, secret)
        group = [captured]
        if rng.random() < args.repeat_share:
            copies = rng.choice((1, 2))
            group += [captured] * copies
            duplicates += copies
        if rng.random() < args.order_paid_share:
            group.append(signed_event("order.paid", order, payment_id, secret))
            duplicates += 1
        groups.append(group)
    rng.shuffle(groups)
    together: list[bytes] = []
    apart: list[bytes] = []
    for group in groups:
        if len(group) > 1 and rng.random() < 0.5:
            together.extend(group)  # adjacent: picked up by different connections at the same moment
        else:
            together.append(group[0])
            apart.extend(group[1:])
    rng.shuffle(apart)
    deliveries = []  # the stragglers are spread through the run, as a gateway's retries would be
    step = max(1, len(together) // max(1, len(apart)))
    for index, request in enumerate(together):
        deliveries.append(request)
        if index % step == step - 1 and apart:
            deliveries.append(apart.pop())
    deliveries.extend(apart)
    return deliveries, duplicates


def signed_event(kind: str, order: dict[str, Any], payment_id: str, secret: str) -> bytes:
    payment = {
        "id": payment_id, "entity": "payment", "amount": order["amount"], "currency": order["currency"],
        "status": "captured", "order_id": order["gateway_order_id"], "method": "upi", "captured": True,
        "notes": [], "error_description": None, "created_at": int(time.time()),
    }  # fmt: skip
    entities: dict[str, Any] = {"payment": {"entity": payment}}
    if kind == "order.paid":
        entities["order"] = {"entity": {
            "id": order["gateway_order_id"], "entity": "order", "amount": order["amount"],
            "amount_paid": order["amount"], "amount_due": 0, "currency": order["currency"], "status": "paid",
        }}  # fmt: skip
    body = json.dumps({
        "entity": "event", "account_id": "acc_bench", "event": kind, "contains": list(entities),
        "payload": entities, "created_at": int(time.time()),
    }, separators=(",", ":")).encode()  # fmt: skip
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return raw_request("POST", f"http://127.0.0.1{WEBHOOK}", body, {
        "Content-Type": "application/json",
        "X-Razorpay-Signature": signature,
        "X-Razorpay-Event-Id": f"evt_bench_{hashlib.sha256(body).hexdigest()[:16]}",
    })  # fmt: skip


async def deliver_all(port: int, deliveries: list[bytes], concurrency: int, timeout: float) -> dict[str, Any]:
    queue = list(reversed(deliveries))
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    gate = asyncio.Event()

    async def connection() -> None:
        conn = Connection("127.0.0.1", port)
        await conn.open()
        await gate.wait()
        try:
            while queue:
                request = queue.pop()
                started = time.perf_counter()
                try:
                    status, body = await conn.send(request, timeout)
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    continue
                if status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[f"{status} {body[:80]!r}"] += 1
        finally:
            conn.close()

    tasks = [asyncio.create_task(connection()) for _ in range(concurrency)]
    await asyncio.sleep(0.05)
    began = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - began
    return {"ok": len(latencies), "errors": errors, "seconds": seconds, "latency": latency_summary(latencies)}


def check_books(deployment: Stack, url: str, users: list[User], orders: list[dict[str, Any]]) -> dict[str, Any]:
    """Every order paid once, one purchase row per order, balances equal to the ledger and to what was bought."""
    paid = deployment.sql("SELECT count(*) FROM orders WHERE status = 'paid'")[0][0]
    purchases = deployment.sql("SELECT count(*) FROM credit_ledger WHERE reason = 'purchase'")[0][0]
    doubles = deployment.sql(
        "SELECT count(*) FROM (SELECT order_id FROM credit_ledger WHERE reason = 'purchase' "
        "GROUP BY order_id HAVING count(*) > 1) AS twice"
    )[0][0]
    bought = Counter[str]()
    for order in orders:
        bought[order["user"]] += order["credits"]
    consistent = True
    with httpx.Client(base_url=url, timeout=30) as http:
        for user in users:
            headers = {"Authorization": f"Bearer {user.token}"}
            balance = http.get("/api/v1/credits", headers=headers).json()["balance"]
            ledger = deployment.sql(
                "SELECT coalesce(sum(l.delta), 0), min(u.credits) FROM credit_ledger l JOIN users u ON u.id = l.user_id "
                "WHERE u.email = ?",
                user.email,
            )[0]
            signup = deployment.sql(
                "SELECT coalesce(sum(l.delta), 0) FROM credit_ledger l JOIN users u ON u.id = l.user_id "
                "WHERE u.email = ? AND l.reason <> 'purchase'",
                user.email,
            )[0][0]
            if not (balance == ledger[0] == ledger[1] == signup + bought[user.email]):
                consistent = False
                print(f"books: {user.email} has {balance}, ledger {ledger[0]}, bought {bought[user.email]}",
                      file=sys.stderr)  # fmt: skip
    return {"paid_orders": paid, "purchase_rows": purchases, "double_grants": doubles, "consistent": consistent,
            "events_recorded": deployment.sql("SELECT count(*) FROM webhook_events")[0][0]}  # fmt: skip


if __name__ == "__main__":
    run_main(main)
