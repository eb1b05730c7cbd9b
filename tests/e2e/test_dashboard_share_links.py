"""Share links on the dashboard: made and revoked from the task page (post/redirect/get), listed with their expiry,
and the public page /s/<id> that anyone may open, or its 404 page once the link no longer works."""

from __future__ import annotations

import re

from tests.e2e.dashboard_client import Site, Visitor, task_id_of, text_of
from tests.e2e.test_dashboard_pages import completed

LINK = re.compile(r'type="url" value="http://testserver/s/([A-Za-z0-9_-]{12})"')


async def shared_task(visitor: Visitor, title: str = "Sunset") -> str:
    task_id = task_id_of(await visitor.upload(title=title))
    await completed(visitor, task_id)
    await visitor.get(f"/tasks/{task_id}")
    return task_id


async def share(visitor: Visitor, task_id: str, **fields: str) -> list[str]:
    """Post the share form, follow the redirect, and return the live links' ids the page lists."""
    response = await visitor.post(f"/tasks/{task_id}/share", {"lifetime": "604800", **fields})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/tasks/{task_id}?notice=shared#share-links"
    page = await visitor.get(response.headers["location"])
    return LINK.findall(page.text)


async def test_the_share_form_makes_a_link_listed_with_its_expiry_and_a_copy_button(visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    assert "No live share links." in text_of(await visitor.get(f"/tasks/{task_id}"))

    ids = await share(visitor, task_id)

    page = await visitor.get(f"/tasks/{task_id}")
    words = text_of(page)
    assert len(ids) == 1
    assert "(in 7 days)" in words and "Copy share link 1" in words and "Revoke share link 1" in words
    assert 'data-copy="share-url-1"' in page.text and "data-copy-status" in page.text
    assert f'action="/tasks/{task_id}/shares/{ids[0]}/revoke"' in page.text
    assert "shows before and after" not in words
    second = await share(visitor, task_id, lifetime="3600", show_original="1")
    assert len(second) == 2 and second[1] == ids[0]  # newest first
    words = text_of(await visitor.get(f"/tasks/{task_id}"))
    assert "(in 1 hour) · shows before and after" in words


async def test_the_public_page_shows_title_result_download_and_expiry_without_a_session(site: Site, visitor: Visitor) -> None:
    task_id = await shared_task(visitor, title="Harbour at dusk")
    (link_id,) = await share(visitor, task_id, lifetime="86400")
    stranger = site.visitor()

    page = await stranger.get(f"/s/{link_id}")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    words = text_of(page)
    assert "Harbour at dusk" in words and "in 1 day" in words and "Download" in words
    assert "Log in" in words and "Log out" not in words and visitor.email not in words  # no signed-in header
    assert f'src="/api/v1/shared/{link_id}"' in page.text and f'href="/api/v1/shared/{link_id}?download=true"' in page.text
    assert "data-before-after" not in page.text  # the owner did not allow it
    csp = page.headers["content-security-policy"]
    assert "img-src 'self'" in csp  # the result is served from this origin, so the policy lets the page show it
    image = await stranger.http.get(f"/api/v1/shared/{link_id}")
    download = await stranger.http.get(f"/api/v1/shared/{link_id}?download=true")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert "style-src 'unsafe-inline'" in image.headers["content-security-policy"]  # fits the window when opened alone
    assert download.headers["content-disposition"] == 'attachment; filename="pixelmill-shared.jpg"'


async def test_the_public_page_offers_before_and_after_when_the_owner_allows_it(site: Site, visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    (link_id,) = await share(visitor, task_id, show_original="1")

    page = await site.visitor().get(f"/s/{link_id}")

    assert "data-before-after" in page.text and 'aria-label="Share of the processed image shown"' in page.text
    assert f'src="/api/v1/shared/{link_id}/original"' in page.text
    original = await site.visitor().http.get(f"/api/v1/shared/{link_id}/original")
    assert original.status_code == 200 and original.content == (await visitor.http.get(f"/tasks/{task_id}/source")).content


async def test_a_revoked_link_is_a_404_page_at_once(site: Site, visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    (link_id,) = await share(visitor, task_id)
    assert (await site.visitor().get(f"/s/{link_id}")).status_code == 200

    response = await visitor.post(f"/tasks/{task_id}/shares/{link_id}/revoke")

    assert response.status_code == 303
    assert response.headers["location"] == f"/tasks/{task_id}?notice=share-revoked#share-links"
    words = text_of(await visitor.get(response.headers["location"]))
    assert "The share link was revoked" in words and "No live share links." in words
    gone = await site.visitor().get(f"/s/{link_id}", headers={"Accept": "text/html"})
    assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html")
    assert "Not found" in text_of(gone) and "Back to Pixelmill" in text_of(gone)
    assert (await site.visitor().http.get(f"/api/v1/shared/{link_id}")).status_code == 404


async def test_unknown_hostile_and_deleted_links_are_404_pages(site: Site, visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    (link_id,) = await share(visitor, task_id)
    await visitor.post(f"/tasks/{task_id}/delete")
    stranger = site.visitor()
    for share_id in (link_id, "AAAAAAAAAAAA", "x" * 5000, "%00", "abc%00defghij", "..%2F..%2Fetc", "%ED%A0%80"):
        page = await stranger.get(f"/s/{share_id}", headers={"Accept": "text/html"})
        assert page.status_code == 404, (share_id[:40], page.status_code)
        assert "Not found" in text_of(page), share_id[:40]


async def test_another_users_task_cannot_be_shared_nor_its_links_revoked(site: Site, visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    (link_id,) = await share(visitor, task_id)
    mallory = await site.visitor().sign_up()

    assert (await mallory.post(f"/tasks/{task_id}/share", {"lifetime": "3600"})).status_code == 404
    assert (await mallory.post(f"/tasks/{task_id}/shares/{link_id}/revoke")).status_code == 404
    assert (await site.visitor().get(f"/s/{link_id}")).status_code == 200


async def test_a_lifetime_not_offered_is_refused_and_nothing_is_made(visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    for lifetime in ("5", "abc", "999999999999999999999"):
        response = await visitor.post(f"/tasks/{task_id}/share", {"lifetime": lifetime})
        assert response.status_code == 422, lifetime
    assert "No live share links." in text_of(await visitor.get(f"/tasks/{task_id}"))


async def test_the_form_is_replaced_by_a_note_at_ten_live_links(visitor: Visitor) -> None:
    task_id = await shared_task(visitor)
    for _ in range(10):
        await share(visitor, task_id)
    page = await visitor.get(f"/tasks/{task_id}")
    assert "the most allowed: revoke one to make another" in text_of(page)
    assert f'action="/tasks/{task_id}/share"' not in page.text
    assert (await visitor.post(f"/tasks/{task_id}/share", {"lifetime": "3600"})).status_code == 409
