"""Credit plans: what a buyer can order, priced in minor units (paise for INR)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from domain.errors import FieldError, ValidationFailed

NAME_MAX = 100
MIN_PRICE = 100  # Razorpay refuses orders under one unit of the currency (INR 1.00)
MAX_PRICE = 100_000_000
MAX_CREDITS = 1_000_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Plan:
    id: UUID
    name: str
    credits: int
    price: int
    currency: str
    created_at: datetime
    active: bool = True

    @property
    def description(self) -> str:
        return f"{self.name}: {self.credits} credits"


def new_plan(plan_id: UUID, name: str, credits: int, price: int, currency: str, now: datetime) -> Plan:
    """A plan an operator adds; raises ValidationFailed naming every bad field."""
    name = name.strip()
    currency = currency.strip().upper()
    errors = []
    if not 1 <= len(name) <= NAME_MAX:
        errors.append(FieldError("name", f"must have 1 to {NAME_MAX} characters"))
    if not 1 <= credits <= MAX_CREDITS:
        errors.append(FieldError("credits", f"must be between 1 and {MAX_CREDITS}"))
    if not MIN_PRICE <= price <= MAX_PRICE:
        errors.append(FieldError("price", f"must be between {MIN_PRICE} and {MAX_PRICE} minor units"))
    if not _CURRENCY.match(currency):
        errors.append(FieldError("currency", "must be a three-letter ISO 4217 code such as INR"))
    if errors:
        raise ValidationFailed(errors)
    return Plan(plan_id, name, credits, price, currency, now)


def format_price(price: int, currency: str) -> str:
    """9900 INR reads 'INR 99.00': every currency we sell in has two decimals."""
    return f"{currency} {price // 100}.{price % 100:02d}"


# Seeded by migrations/versions/0002_billing.py with these very ids; the in-memory store starts with them too.
SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_PLANS = (
    Plan(UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00000050"), "Starter", 50, 9_900, "INR", SEEDED_AT),
    Plan(UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00000200"), "Standard", 200, 29_900, "INR", SEEDED_AT),
    Plan(UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00001000"), "Pro", 1000, 99_900, "INR", SEEDED_AT),
)
