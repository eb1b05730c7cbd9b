"""Orders' status rules, the proportional reversal of a refund, and webhook event ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.errors import InvalidTransition
from domain.orders import Order, OrderStatus
from domain.webhooks import event_id_of

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def an_order(credits: int = 50, amount: int = 9_900) -> Order:
    return Order(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), credits, amount, "INR", "sandbox", "order_x", NOW)


def test_a_created_order_is_paid_once() -> None:
    order = an_order()
    order.pay(NOW)

    assert (order.status, order.paid_at) == (OrderStatus.PAID, NOW)
    with pytest.raises(InvalidTransition):
        order.pay(NOW)
    with pytest.raises(InvalidTransition):
        order.fail(NOW)


def test_a_failed_order_can_still_be_paid_when_the_buyer_retries() -> None:
    order = an_order()
    order.fail(NOW)
    with pytest.raises(InvalidTransition):
        order.fail(NOW)

    order.pay(NOW)

    assert order.status is OrderStatus.PAID


def test_only_the_exact_amount_and_currency_pay_an_order() -> None:
    order = an_order()

    assert order.is_paid_in_full(9_900, "INR")
    assert order.is_paid_in_full(9_900, "inr")
    assert not order.is_paid_in_full(9_899, "INR")
    assert not order.is_paid_in_full(9_900, "USD")


@pytest.mark.parametrize(
    ("refunded_total", "reversed_so_far", "due"),
    [
        (9_900, 0, 50),  # a full refund takes back every credit
        (4_950, 0, 25),  # half
        (3_300, 0, 17),  # a third of 50 is 16.7: rounded up
        (6_600, 17, 17),  # a second third: 34 in all
        (9_900, 34, 16),  # the rest: never more than the 50 granted
        (20_000, 0, 50),  # more than was paid still takes back only what was granted
        (9_900, 50, 0),
        (0, 0, 0),
    ],
)
def test_a_refund_reverses_credits_in_proportion(refunded_total: int, reversed_so_far: int, due: int) -> None:
    assert an_order().credits_to_reverse(refunded_total, reversed_so_far) == due


def test_the_event_id_is_the_gateways_else_a_hash_of_the_body() -> None:
    assert event_id_of("evt_123", b"{}") == "evt_123"
    assert event_id_of(None, b"{}") == event_id_of("", b"{}") != event_id_of(None, b"{ }")
    assert event_id_of(None, b"{}").startswith("sha256:")
    long = event_id_of("x" * 300, b"{}")
    assert long.startswith("sha256-id:") and len(long) < 255
