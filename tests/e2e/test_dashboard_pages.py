"""The dashboard's pages over HTTP: upload, history, task page, files, live status, ledger, buying, headers."""

from __future__ import annotations

import json
import re
from uuid import UUID, uuid4

import pytest
from dependency_injector import providers

from adapters.memory.queue import MemoryTaskQueue
from application.ports.payment_gateway import Checkout, GatewayOrder, GatewayPayment
from domain.plans import DEFAULT_PLANS
from tests.e2e.conftest import png
from tests.e2e.dashboard_client import Site, Visitor, dashboard, task_id_of, text_of
from tests.e2e.polling import eventually
from tests.e2e.test_task_routes import truncated_jpeg

STARTER = DEFAULT_PLANS[0]


async def task_json(visitor: Visitor, task_id: str) -> dict[str, object]:
    task = await visitor.harness.container.get_task()(await visitor.user_id(), UUID(task_id))
    return {"status": str(task.status), "metadata": task.metadata, "operations": task.operations, "title": task.title}


async def completed(visitor: Visitor, task_id: str) -> None:
    await eventually(lambda: task_json(visitor, task_id), lambda t: t["status"] == "completed")


async def test_home_shows_the_balance_and_the_upload_form(visitor: Visitor) -> None:
    response = await visitor.get("/")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = text_of(response)
    assert "10 credits" in page
    assert 'action="/upload"' in response.text and 'enctype="multipart/form-data"' in response.text
    for label in ("Images", "Title", "Key", "Value", "Operation"):
        assert f">{label}</label>" in response.text or f'class="compact-label">{label}</span>' in response.text
    assert "Process image · 1 credit" in page


async def test_the_upload_form_charges_one_credit_and_opens_the_task(visitor: Visitor) -> None:
    response = await visitor.upload(
        title="Holiday",
        meta_key=["camera", "place"],
        meta_value=["X100V", "Goa"],
        **{"ops-0-op": "resize", "ops-0-width": "32", "ops-0-height": "20", "ops-0-fit": "cover", "ops-0-size": "999"},
        **{"ops-1-op": "flip", "ops-1-direction": "vertical", "ops-1-width": "5"},
    )

    assert response.status_code == 303
    task_id = task_id_of(response)
    task = await task_json(visitor, task_id)
    assert task["metadata"] == {"camera": "X100V", "place": "Goa"}
    assert [type(op).__name__ for op in task["operations"]] == ["Resize", "Flip"]  # type: ignore[attr-defined]
    assert await visitor.balance() == 9
    page = await visitor.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    assert "Resize to 32×20 (cover)" in text_of(page) and "Flip vertical" in text_of(page)


async def test_a_double_submitted_form_charges_once(visitor: Visitor) -> None:
    first = await visitor.upload(idempotency_key="form-123")
    second = await visitor.upload(idempotency_key="form-123")

    assert task_id_of(first) == task_id_of(second)
    assert await visitor.balance() == 9


@pytest.mark.parametrize(
    ("fields", "error_id", "message"),
    [
        ({"ops-0-op": "resize", "ops-0-width": "0", "ops-0-height": "10"}, "ops-0-width-error", "must be between 1 and 8192"),
        ({"ops-0-op": "blur", "ops-0-radius": "lots"}, "ops-0-radius-error", "must be a number"),
        ({"ops-0-op": "explode"}, "ops-0-op-error", "unknown operation"),
        ({"meta_key": ["", "a"], "meta_value": ["orphan", "b"]}, "metadata-error", "every value needs a key"),
        ({"meta_key": ["a", "a"], "meta_value": ["1", "2"]}, "metadata-error", "a appears twice"),
        ({"title": "   "}, "title-error", "must have 1 to 200 characters"),
    ],
)
async def test_upload_errors_are_shown_in_words_next_to_their_field_and_charge_nothing(
    visitor: Visitor, fields: dict[str, object], error_id: str, message: str
) -> None:
    response = await visitor.upload(**fields)  # type: ignore[arg-type]

    assert response.status_code == 422
    assert f'id="{error_id}"' in response.text
    assert message in text_of(response)
    assert await visitor.balance() == 10


async def test_a_file_that_is_not_an_image_is_named_at_the_image_field(visitor: Visitor) -> None:
    response = await visitor.upload(image=b"%PDF-1.7 not an image", title="Contract")

    assert response.status_code == 415
    assert 'id="image-error"' in response.text
    assert 'value="Contract"' in response.text  # what was typed comes back
    assert await visitor.balance() == 10


async def test_with_no_credits_the_form_offers_buying_instead_of_submitting(site: Site, visitor: Visitor) -> None:
    for _ in range(10):
        assert (await visitor.upload()).status_code == 303

    home = await visitor.get("/")
    upload = await visitor.upload()

    assert 'data-testid="no-credits"' in home.text
    assert re.search(r'<a class="button button-primary" href="/buy">(<svg[^>]*>.*?</svg>)?Buy credits</a>', home.text)
    assert "Process image ·" not in home.text
    assert upload.status_code == 303
    assert upload.headers["location"] == "/buy?notice=no-credits"
    assert "You have no credits left" in text_of(await visitor.get(upload.headers["location"]))


async def test_history_lists_tasks_with_status_filters_and_pages(site: Site, visitor: Visitor) -> None:
    await site.harness.container.grant_credits()(visitor.email, 20)
    first = task_id_of(await visitor.upload(title="First"))
    await completed(visitor, first)
    for index in range(21):
        await visitor.upload(title=f"Later {index}")

    page_one = await visitor.get("/tasks")
    failed_only = await visitor.get("/tasks?status=failed")

    assert page_one.status_code == 200
    assert text_of(page_one).count("Later") == 20
    assert "First" not in text_of(page_one)
    cursor = page_one.text.split("cursor=")[1].split('"')[0]
    page_two = await visitor.get(f"/tasks?cursor={cursor}")
    assert "First" in text_of(page_two) and "Later 0" in text_of(page_two)
    assert f'src="/tasks/{first}/preview"' in page_two.text  # the small preview of a completed task, not the result
    assert "No failed tasks" in text_of(failed_only)
    assert (await visitor.get("/tasks?status=lost")).status_code in (400, 422)


async def test_history_asks_the_event_stream_about_running_tasks_only(site: Site, visitor: Visitor) -> None:
    done = task_id_of(await visitor.upload(title="Done"))
    await completed(visitor, done)
    site.harness.container.queue.override(providers.Object(MemoryTaskQueue()))  # no worker will take the next one
    waiting = task_id_of(await visitor.upload(title="Waiting"))

    page = await visitor.get("/tasks")

    assert (await task_json(visitor, waiting))["status"] == "queued"
    live = page.text.split('data-live-tasks="')[1].split('"')[0]
    assert live.split(",") == [waiting]


async def test_the_event_stream_reports_each_task_until_it_is_done_then_ends(visitor: Visitor) -> None:
    first = task_id_of(await visitor.upload(title="One"))
    second = task_id_of(await visitor.upload(title="Two"))

    response = await visitor.http.get(f"/events?task={first}&task={second}&task={uuid4()}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block for block in response.text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    statuses = [json.loads(b.split("data: ", 1)[1]) for b in events if "event: status" in b]
    assert {t["id"] for t in statuses if t["status"] == "completed"} == {first, second}
    assert "event: end" in events[-1]


async def test_the_event_stream_needs_the_session_and_shows_nothing_of_other_users(site: Site, visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload())
    stranger = await site.visitor().sign_up()

    anonymous = await site.visitor().get(f"/events?task={task_id}")
    foreign = await stranger.http.get(f"/events?task={task_id}")

    assert anonymous.status_code == 303
    assert "event: status" not in foreign.text
    assert "event: end" in foreign.text


async def test_the_task_page_shows_both_images_their_info_and_the_actions(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload(image=png(40, 30), title="Logo", meta_key=["client"], meta_value=["ACME"]))
    await completed(visitor, task_id)

    page = await visitor.get(f"/tasks/{task_id}")
    source = await visitor.http.get(f"/tasks/{task_id}/source")
    result = await visitor.http.get(f"/tasks/{task_id}/result")
    download = await visitor.http.get(f"/tasks/{task_id}/result?download=1")

    words = text_of(page)
    assert f'src="/tasks/{task_id}/source"' in page.text and f'src="/tasks/{task_id}/result"' in page.text
    assert "PNG" in words and "40 × 30 px" in words and "client" in words and "ACME" in words
    assert "Resize to 1024×1024 (contain)" in words and "Grayscale" in words
    assert "Download" in words and "Share link" in words and "Delete for good" in words
    assert source.status_code == result.status_code == 200
    assert source.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == f'attachment; filename="pixelmill-{task_id[:8]}.png"'


async def test_a_failed_task_says_why_and_that_the_credit_came_back(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload(image=truncated_jpeg()))
    await eventually(lambda: task_json(visitor, task_id), lambda t: t["status"] == "failed")

    page = await visitor.get(f"/tasks/{task_id}")

    words = text_of(page)
    assert "This task failed." in words
    assert "Its credit was given back to you." in words
    assert "No result: the task failed." in words
    assert "Download" not in words and "Share link" not in words
    assert await visitor.balance() == 10


async def test_deleting_a_task_removes_it_and_its_page(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload(title="Gone soon"))
    await visitor.get(f"/tasks/{task_id}")

    response = await visitor.post(f"/tasks/{task_id}/delete")

    assert response.status_code == 303
    assert response.headers["location"] == "/tasks?notice=deleted"
    assert "The task and its images were deleted." in text_of(await visitor.get(response.headers["location"]))
    missing = await visitor.get(f"/tasks/{task_id}")
    assert missing.status_code == 404
    assert "Not found" in text_of(missing)
    assert await visitor.balance() == 9  # no refund


async def test_another_users_task_is_a_not_found_page_everywhere(site: Site, visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload())
    stranger = await site.visitor().sign_up()
    await stranger.get("/")

    for path in (f"/tasks/{task_id}", f"/tasks/{task_id}/source", f"/tasks/{task_id}/result"):
        assert (await stranger.http.get(path)).status_code == 404
    assert (await stranger.post(f"/tasks/{task_id}/delete")).status_code == 404
    assert (await visitor.get(f"/tasks/{task_id}")).status_code == 200


async def test_the_ledger_lists_every_movement_with_its_reason_and_link(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload())

    page = await visitor.get("/ledger")

    words = text_of(page)
    assert "Sign-up bonus" in words and "+10" in words
    assert "Task charge" in words and "−1" in words
    assert f'href="/tasks/{task_id}"' in page.text
    assert "Your balance is 9 credits" in words


async def test_the_buy_page_shows_the_plans_as_cards(visitor: Visitor) -> None:
    page = await visitor.get("/buy")

    words = text_of(page)
    for plan in DEFAULT_PLANS:
        assert f'name="plan_id" value="{plan.id}"' in page.text
        assert f"Buy {plan.name}" in words
    assert "₹99.00" in words and "50 credits" in words


async def test_buying_through_the_sandbox_checkout_adds_the_credits(visitor: Visitor) -> None:
    await visitor.get("/buy")

    to_checkout = await visitor.post("/buy", {"plan_id": str(STARTER.id)})

    assert to_checkout.status_code == 303
    checkout_url = to_checkout.headers["location"]
    assert checkout_url.startswith("/sandbox/checkout/") and "return_to=%2Forders%2F" in checkout_url
    checkout = await visitor.http.get(checkout_url)
    pay_action = checkout.text.split('<form method="post" action="')[1].split('"')[0]
    return_to = checkout.text.split('name="return_to" value="')[1].split('"')[0]
    back = await visitor.http.post(pay_action, data={"return_to": return_to})
    assert back.status_code == 303 and back.headers["location"].startswith("/orders/")
    order_page = await visitor.get(back.headers["location"])
    assert "Payment received: 50 credits were added to your balance, which is now 60." in text_of(order_page)
    ledger = await visitor.get("/ledger")
    assert "Purchase" in text_of(ledger) and "+50" in text_of(ledger)
    assert f'href="{back.headers["location"]}"' in ledger.text
    assert "paid" in text_of(await visitor.get("/buy"))


async def test_an_unknown_plan_is_a_page_in_words(visitor: Visitor) -> None:
    await visitor.get("/buy")

    unknown = await visitor.post("/buy", {"plan_id": str(uuid4())})
    garbage = await visitor.post("/buy", {"plan_id": "cheap"})

    assert unknown.status_code == 404
    assert garbage.status_code == 422 and "choose one of the plans" in text_of(garbage)


class RazorpayLike:
    """The gateway's side of Razorpay Checkout: an order, and signatures that are "good" or not."""

    name = "razorpay"

    async def create_order(self, order_id: object, amount: int, currency: str, description: str) -> GatewayOrder:
        checkout = Checkout("razorpay", "order_RZP123", amount, currency, "rzp_test_key", "Pixelmill", description)
        return GatewayOrder("order_RZP123", checkout)

    def verify_checkout(self, gateway_order_id: str, payment_id: str, signature: str) -> bool:
        return signature == "good"

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        return GatewayPayment(payment_id, 9_900, "INR", "captured", "order_RZP123")


async def test_with_razorpay_the_buy_page_opens_checkout_loaded_from_razorpay(site: Site, visitor: Visitor) -> None:
    site.harness.container.payment_gateway.override(providers.Object(RazorpayLike()))
    await visitor.get("/buy")

    response = await visitor.post("/buy", {"plan_id": str(STARTER.id)})

    assert response.status_code == 200
    assert '<script src="https://checkout.razorpay.com/v1/checkout.js" defer></script>' in response.text
    assert 'data-key="rzp_test_key"' in response.text and 'data-order-id="order_RZP123"' in response.text
    assert 'data-amount="9900"' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' https://checkout.razorpay.com" in csp
    assert "frame-src https://api.razorpay.com" in csp


async def test_checkouts_signed_result_pays_the_order_once_and_a_forged_one_nothing(site: Site, visitor: Visitor) -> None:
    site.harness.container.payment_gateway.override(providers.Object(RazorpayLike()))
    await visitor.get("/buy")
    checkout = await visitor.post("/buy", {"plan_id": str(STARTER.id)})
    order_page = checkout.text.split('data-return="')[1].split('"')[0]
    result = {"razorpay_order_id": "order_RZP123", "razorpay_payment_id": "pay_1"}

    forged = await visitor.post(f"{order_page}/verify", {**result, "razorpay_signature": "forged"})
    paid = await visitor.post(f"{order_page}/verify", {**result, "razorpay_signature": "good"})
    again = await visitor.post(f"{order_page}/verify", {**result, "razorpay_signature": "good"})

    assert forged.status_code == 400 and "That request did not work" in text_of(forged)
    assert paid.status_code == again.status_code == 303 and paid.headers["location"] == order_page
    assert "Payment received: 50 credits" in text_of(await visitor.get(order_page))
    assert await visitor.balance() == 60


async def test_only_the_page_that_opens_checkout_may_load_razorpay(site: Site, visitor: Visitor) -> None:
    for path in ("/", "/tasks", "/ledger", "/login", "/buy"):
        response = await visitor.http.get(path)
        assert "razorpay" not in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
    site.harness.container.payment_gateway.override(providers.Object(RazorpayLike()))
    checkout = await visitor.post("/buy", {"plan_id": str(STARTER.id)})
    unknown_plan = await visitor.post("/buy", {"plan_id": str(uuid4())})

    assert "https://checkout.razorpay.com" in checkout.headers["content-security-policy"]
    assert checkout.headers["cross-origin-opener-policy"] == "same-origin-allow-popups"
    assert "razorpay" not in unknown_plan.headers["content-security-policy"]


async def test_dashboard_pages_are_not_in_the_api_document(site: Site) -> None:
    document = (await site.visitor().http.get("/docs/openapi.json")).json()

    assert not [path for path in document["paths"] if not path.startswith(("/api/", "/health", "/metrics"))]


async def test_static_assets_are_served(site: Site) -> None:
    visitor = site.visitor()
    for name, media in (("dashboard.css", "text/css"), ("dashboard.js", "javascript"), ("razorpay.js", "javascript")):
        response = await visitor.http.get(f"/assets/{name}")
        assert response.status_code == 200
        assert media in response.headers["content-type"]


async def test_an_upload_over_the_limit_is_refused_with_the_limit_in_words() -> None:
    async with dashboard(max_upload_bytes=20_000) as site:
        visitor = await site.visitor().sign_up()

        response = await visitor.upload(image=truncated_jpeg() * 3)

        assert response.status_code == 413
        assert "An upload may be at most 19.5 KiB in all." in text_of(response)
        assert await visitor.balance() == 10


async def test_too_many_log_ins_get_a_page_that_says_when_to_retry() -> None:
    async with dashboard(rate_limit_auth=2) as site:
        visitor = site.visitor()
        await visitor.get("/login")
        for _ in range(2):
            await visitor.post("/login", {"email": "ada@example.com", "password": "guess number one"})

        response = await visitor.post("/login", {"email": "ada@example.com", "password": "guess number three"})

        assert response.status_code == 429
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert int(response.headers["retry-after"]) >= 1
        assert "Slow down a little" in text_of(response)


async def test_the_operation_picker_offers_every_operation_with_its_parameters(visitor: Visitor) -> None:
    page = (await visitor.get("/")).text
    for op in ("resize", "thumbnail", "grayscale", "rotate", "flip", "blur", "sharpen", "format", "crop", "pad", "watermark"):
        assert f'<option value="{op}"' in page, op
    for param in ("left", "top", "gravity", "color", "text", "position", "opacity", "lossless", "progressive"):
        assert f'name="ops-__i__-{param}"' in page, param
    assert 'name="ops-__i__-text" type="text"' in page and "<option>smart</option>" in page and "<option>avif</option>" in page


async def test_the_second_set_of_operations_can_be_picked_in_the_form(visitor: Visitor) -> None:
    response = await visitor.upload(
        title="Marked",
        **{"ops-0-op": "crop", "ops-0-left": "0", "ops-0-top": "0", "ops-0-width": "16", "ops-0-height": "16"},
        **{"ops-1-op": "resize", "ops-1-width": "8", "ops-1-height": "8", "ops-1-fit": "cover", "ops-1-gravity": "smart"},
        **{"ops-2-op": "pad", "ops-2-width": "10", "ops-2-height": "10", "ops-2-color": "#ff0000"},
        **{"ops-3-op": "watermark", "ops-3-text": "Ada", "ops-3-position": "north", "ops-3-opacity": "0.8", "ops-3-size": "6"},
        **{"ops-4-op": "format", "ops-4-format": "webp", "ops-4-lossless": "true", "ops-4-progressive": ""},
    )
    assert response.status_code == 303, response.text
    task_id = task_id_of(response)
    page = text_of(await visitor.get(f"/tasks/{task_id}"))
    assert "Crop 16×16 at (0, 0)" in page and "Pad to 10×10 with #ff0000" in page and "Watermark “Ada” at north" in page
