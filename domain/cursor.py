"""Opaque list cursors: the position (created_at, id) of the last item seen."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

from domain.errors import FieldError, ValidationFailed


def encode_cursor(created_at: datetime, item_id: UUID) -> str:
    raw = f"{created_at.isoformat()}|{item_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """Raises ValidationFailed for anything this module did not write."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, item = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        when = datetime.fromisoformat(created)
        if when.tzinfo is None:
            raise ValueError("naive time")
        return when, UUID(item)
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ValidationFailed(FieldError("cursor", "is not a valid cursor")) from exc


def encode_seq_cursor(seq: int) -> str:
    """A position in a per-user sequence (the ledger's)."""
    return base64.urlsafe_b64encode(f"seq|{seq}".encode()).decode().rstrip("=")


def decode_seq_cursor(cursor: str) -> int:
    """Raises ValidationFailed for anything encode_seq_cursor did not write."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, seq = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if kind != "seq" or not seq.isdigit() or len(seq) > 18:
            raise ValueError("not a sequence cursor")
        return int(seq)
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ValidationFailed(FieldError("cursor", "is not a valid cursor")) from exc
