"""End to end: what a user downloads carries none of the metadata of what they uploaded."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.e2e.conftest import Api
from tests.e2e.test_task_routes import finished
from tests.unit.test_pillow_metadata import MARKER, source


@pytest.mark.parametrize(("upload", "output"), [("PNG", None), ("JPEG", "webp"), ("WEBP", "png")])
async def test_a_downloaded_result_carries_no_metadata_of_the_upload(api: Api, upload: str, output: str | None) -> None:
    user = await api.new_user()
    operations = [{"op": "grayscale"}] + ([{"op": "format", "format": output}] if output else [])
    submitted = await user.submit(source(upload), filename="private.img", operations=json.dumps(operations))
    assert submitted.status_code == 202, submitted.text
    task_id = submitted.json()["id"]
    assert (await finished(user, task_id))["status"] == "completed"

    result = await user.get(f"/api/v1/tasks/{task_id}/result")
    shared_url = (await user.post(f"/api/v1/tasks/{task_id}/share")).json()["url"]
    shared = await api.http.get("/" + shared_url.split("/", 3)[3])

    for download in (result, shared):
        assert download.status_code == 200
        assert MARKER.encode() not in download.content
        with Image.open(io.BytesIO(download.content)) as image:
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
            assert dict(image.getexif()) == {}
