"""HS256 JWTs with exp/iat/sub/jti/typ required; the kind is checked so tokens cannot stand in for each other."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from domain.errors import InvalidToken
from domain.tokens import Claims

_REQUIRED = ["exp", "iat", "sub", "jti", "typ"]


class JwtTokenIssuer:
    def __init__(self, secret: str, issuer: str = "pixelmill", leeway_seconds: int = 5) -> None:
        self._secret = secret
        self._issuer = issuer
        self._leeway = leeway_seconds

    def issue(self, claims: Claims) -> str:
        payload: dict[str, object] = {
            "typ": claims.kind,
            "sub": claims.subject,
            "jti": claims.token_id,
            "iat": int(claims.issued_at.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
            "iss": self._issuer,
        }
        if claims.family is not None:
            payload["fam"] = claims.family
        if claims.data is not None:
            payload["dat"] = claims.data
        return jwt.encode(payload, self._secret, algorithm="HS256")

    def read(self, token: str, kind: str, now: datetime) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED, "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("the token is invalid") from exc
        # Expiry is checked against the injected clock, not the wall clock, so tests can move time.
        expires_at = _instant(payload["exp"])
        issued_at = _instant(payload["iat"])
        if payload["typ"] != kind:
            raise InvalidToken("the token is of the wrong kind")
        if now.timestamp() > expires_at.timestamp() + self._leeway:
            raise InvalidToken("the token has expired")
        if issued_at.timestamp() > now.timestamp() + self._leeway:
            raise InvalidToken("the token is not yet valid")
        family = payload.get("fam")
        data = payload.get("dat")
        return Claims(
            kind=kind,
            subject=str(payload["sub"]),
            token_id=str(payload["jti"]),
            issued_at=issued_at,
            expires_at=expires_at,
            family=str(family) if family is not None else None,
            data=str(data) if data is not None else None,
        )


def _instant(claim: object) -> datetime:
    """A NumericDate claim; one no datetime can hold (1e300, -1e20, NaN, a string) makes the token invalid."""
    try:
        return datetime.fromtimestamp(int(claim), UTC)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise InvalidToken("the token is invalid") from exc
