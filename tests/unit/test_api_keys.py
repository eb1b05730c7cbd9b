"""API keys on the fakes: created with a secret shown once, stored hashed, scoped, revoked at once, bounded."""

from __future__ import annotations

import re

import pytest

from adapters.security.secrets import HmacSecretMinter
from application.use_cases.api_keys import CreateApiKey, ListApiKeys, RevokeApiKey
from application.use_cases.resolve_bearer import ResolveBearer
from domain.api_keys import ALL_SCOPES, MAX_LIVE_KEYS, Scope
from domain.errors import ApiKeyNotFound, InvalidToken, TooManyApiKeys, ValidationFailed
from tests.unit.conftest import SECRET, Bootstrap


class Keys:
    def __init__(self, app: Bootstrap) -> None:
        self.minter = HmacSecretMinter(SECRET)
        self.create = CreateApiKey(app.uow, self.minter, app.clock, app.ids)
        self.list = ListApiKeys(app.uow)
        self.revoke = RevokeApiKey(app.uow, app.clock)
        self.resolve = ResolveBearer(app.uow, self.minter, app.authenticate, app.clock)


@pytest.fixture
def keys(app: Bootstrap) -> Keys:
    return Keys(app)


async def test_a_new_key_is_pxm_and_at_least_32_url_safe_characters_and_has_every_scope_by_default(
    app: Bootstrap, keys: Keys
) -> None:
    user = await app.user()
    new = await keys.create(user.id, "ci", None)

    assert re.fullmatch(r"pxm_[A-Za-z0-9_-]{32,}", new.secret)
    assert new.key.prefix == new.secret[:12]
    assert set(new.key.scopes) == ALL_SCOPES


async def test_the_store_keeps_a_keyed_hash_never_the_key(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    new = await keys.create(user.id, "ci", None)

    stored = app.database.state.api_keys[new.key.id]
    assert new.secret not in repr(stored)
    assert stored.key_hash == HmacSecretMinter(SECRET).digest(new.secret)
    assert stored.key_hash != HmacSecretMinter("another-server-secret-of-32-characters!").digest(new.secret)


async def test_a_key_resolves_to_its_owner_with_its_scopes(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    new = await keys.create(user.id, "reader", ["tasks:read", "credits:read"])

    principal = await keys.resolve(new.secret)

    assert principal.user_id == user.id
    assert principal.scopes == {Scope.TASKS_READ, Scope.CREDITS_READ}
    assert principal.is_api_key


async def test_an_access_token_resolves_to_every_scope_and_is_not_a_key(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    tokens = await app.login(user)

    principal = await keys.resolve(tokens.access_token)

    assert principal.user_id == user.id and principal.scopes == ALL_SCOPES and not principal.is_api_key


async def test_a_revoked_key_stops_working_on_the_next_request(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    new = await keys.create(user.id, "ci", None)
    await keys.resolve(new.secret)

    await keys.revoke(user.id, new.key.id)

    with pytest.raises(InvalidToken):
        await keys.resolve(new.secret)
    assert (await keys.list(user.id, 20, None)).items == []


@pytest.mark.parametrize("credential", ["pxm_", "pxm_" + "A" * 43, "pxm_not-a-key"])
async def test_an_unknown_key_is_invalid(app: Bootstrap, keys: Keys, credential: str) -> None:
    with pytest.raises(InvalidToken):
        await keys.resolve(credential)


async def test_another_users_key_cannot_be_revoked(app: Bootstrap, keys: Keys) -> None:
    owner, other = await app.user(), await app.user()
    new = await keys.create(owner.id, "ci", None)

    with pytest.raises(ApiKeyNotFound):
        await keys.revoke(other.id, new.key.id)
    assert (await keys.resolve(new.secret)).user_id == owner.id


async def test_last_used_at_is_written_at_most_once_a_minute(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    new = await keys.create(user.id, "ci", None)
    first_use = app.clock.now()

    await keys.resolve(new.secret)
    app.clock.advance(59)
    await keys.resolve(new.secret)
    assert app.database.state.api_keys[new.key.id].last_used_at == first_use

    app.clock.advance(1)
    await keys.resolve(new.secret)
    assert app.database.state.api_keys[new.key.id].last_used_at == app.clock.now()


async def test_a_user_has_at_most_twenty_live_keys_and_revoking_one_frees_a_place(app: Bootstrap, keys: Keys) -> None:
    user = await app.user()
    created = [await keys.create(user.id, f"key {i}", None) for i in range(MAX_LIVE_KEYS)]

    with pytest.raises(TooManyApiKeys):
        await keys.create(user.id, "one too many", None)
    await keys.revoke(user.id, created[0].key.id)
    await keys.create(user.id, "now it fits", None)


@pytest.mark.parametrize(
    ("name", "scopes"), [("", None), ("   ", None), ("x" * 101, None), ("ci", []), ("ci", ["tasks:admin"])]
)
async def test_a_bad_name_or_scope_is_refused(app: Bootstrap, keys: Keys, name: str, scopes: list[str] | None) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed):
        await keys.create(user.id, name, scopes)
