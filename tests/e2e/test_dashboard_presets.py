"""The presets page: a pipeline named with the operation picker is listed in words, used by the API, and deleted."""

from __future__ import annotations

import pytest

from tests.e2e.dashboard_client import Site, Visitor, text_of

THUMBS = {"name": "web-thumbs", "ops-0-op": "thumbnail", "ops-0-size": "256", "ops-1-op": "grayscale"}


async def saved_presets(visitor: Visitor) -> dict[str, list[str]]:
    presets = (await visitor.harness.container.list_presets()(await visitor.user_id(), 50, None)).items
    return {p.name: [type(op).__name__ for op in p.operations] for p in presets}


async def test_a_preset_made_with_the_picker_is_listed_in_words_after_a_redirect(visitor: Visitor) -> None:
    await visitor.get("/presets")

    made = await visitor.post("/presets", THUMBS)

    assert made.status_code == 303 and made.headers["location"] == "/presets?notice=preset-saved"
    page = await visitor.get(made.headers["location"])
    assert "The preset was saved" in text_of(page)
    assert "web-thumbs" in text_of(page) and "Thumbnail, longest side 256 px → Grayscale" in text_of(page)
    assert list(await saved_presets(visitor)) == ["web-thumbs"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({**THUMBS, "name": "no spaces please"}, 'id="name-error"'),
        ({"name": "empty"}, 'id="operations-error"'),
        ({"name": "too-big", "ops-0-op": "thumbnail", "ops-0-size": "99999"}, 'id="ops-0-size-error"'),
        ({"name": "unknown", "ops-0-op": "explode"}, 'id="ops-0-op-error"'),
    ],
)
async def test_a_refused_preset_comes_back_with_its_rows_and_saves_nothing(
    visitor: Visitor, fields: dict[str, str], words: str
) -> None:
    await visitor.get("/presets")

    response = await visitor.post("/presets", fields)

    assert response.status_code == 422
    assert words in response.text and "That did not work" in text_of(response)
    assert await saved_presets(visitor) == {}


async def test_a_second_preset_with_the_same_name_is_refused_next_to_the_name(visitor: Visitor) -> None:
    await visitor.get("/presets")
    await visitor.post("/presets", THUMBS)
    await visitor.get("/presets")

    again = await visitor.post("/presets", {**THUMBS, "ops-1-op": "sharpen"})

    assert again.status_code == 409
    assert "you already have a preset named web-thumbs" in text_of(again)
    assert await saved_presets(visitor) == {"web-thumbs": ["Thumbnail", "Grayscale"]}


async def test_a_deleted_preset_leaves_the_list_and_another_users_is_a_404_page(site: Site, visitor: Visitor) -> None:
    await visitor.get("/presets")
    await visitor.post("/presets", THUMBS)
    other = await site.visitor().sign_up()
    await other.get("/presets")

    foreign = await other.post("/presets/web-thumbs/delete")
    deleted = await visitor.post("/presets/web-thumbs/delete")

    assert foreign.status_code == 404 and "text/html" in foreign.headers["content-type"]
    assert deleted.status_code == 303
    page = await visitor.get(deleted.headers["location"])
    assert "The preset was deleted" in text_of(page) and await saved_presets(visitor) == {}


async def test_the_presets_page_needs_a_login(site: Site) -> None:
    response = await site.visitor().get("/presets")

    assert response.status_code == 303 and response.headers["location"].startswith("/login")
