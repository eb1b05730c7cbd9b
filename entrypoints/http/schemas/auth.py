"""Auth bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from application.use_cases.session_tokens import Tokens
from domain.users import User

Password = Annotated[str, msgspec.Meta(description="8 to 1024 characters", examples=["a long passphrase"])]
Email = Annotated[str, msgspec.Meta(max_length=320, examples=["ada@example.com"])]


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class RefreshBody(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(max_length=4096)]


class UserOut(msgspec.Struct):
    id: UUID
    email: str
    credits: int
    created_at: datetime
    email_verified: bool = False

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            credits=user.credits,
            created_at=user.created_at,
            email_verified=user.email_verified,
        )


class TokensOut(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int

    @classmethod
    def of(cls, tokens: Tokens) -> TokensOut:
        return cls(tokens.access_token, tokens.refresh_token, tokens.token_type, tokens.expires_in)
