"""Bodies of the account routes: reset, verification, password and address changes, leaving."""

from __future__ import annotations

from typing import Annotated

import msgspec

from entrypoints.http.schemas.auth import Email, Password

LinkToken = Annotated[str, msgspec.Meta(min_length=1, max_length=4096, description="the token from the mailed link")]


class EmailBody(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetConfirmBody(msgspec.Struct, forbid_unknown_fields=True):
    token: LinkToken
    password: Password


class TokenBody(msgspec.Struct, forbid_unknown_fields=True):
    token: LinkToken


class PasswordChangeBody(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(max_length=1024)]
    new_password: Password


class EmailChangeBody(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(max_length=1024)]
    email: Email


class PasswordBody(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(max_length=1024)]
