"""The second set of operations over HTTP: accepted, processed, stored; invalid ones refused before any charge."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.e2e.conftest import Api, jpeg
from tests.e2e.test_task_routes import finished, ledger_reconciles


async def test_crop_pad_watermark_and_avif_run_end_to_end(api: Api) -> None:
    user = await api.new_user()
    operations = [
        {"op": "crop", "left": 8, "top": 8, "width": 48, "height": 32},
        {"op": "resize", "width": 32, "height": 32, "fit": "cover", "gravity": "smart"},
        {"op": "pad", "width": 40, "height": 40, "color": "#ff0000"},
        {"op": "watermark", "text": "Ada", "size": 10},
        {"op": "format", "format": "avif", "quality": 50},
    ]
    response = await user.submit(jpeg(64, 48), operations=json.dumps(operations))
    assert response.status_code == 202, response.text
    task = response.json()
    assert task["operations"][1] == {"op": "resize", "width": 32, "height": 32, "fit": "cover", "gravity": "smart"}
    assert task["operations"][3] == {"op": "watermark", "text": "Ada", "position": "southeast", "opacity": 0.5, "size": 10}

    done = await finished(user, task["id"])
    assert done["status"] == "completed", done["error"]
    assert (done["result"]["format"], done["result"]["width"], done["result"]["height"]) == ("AVIF", 40, 40)
    result = await user.get(f"/api/v1/tasks/{task['id']}/result")
    assert result.headers["content-type"] == "image/avif"
    image = Image.open(io.BytesIO(result.content)).convert("RGB")
    red, green, blue = image.getpixel((20, 1))  # the pad's band above the 32×32 image
    assert red > 200 and green < 60 and blue < 60


async def test_a_crop_box_outside_the_image_is_422_and_charges_nothing(api: Api) -> None:
    user = await api.new_user()
    operations = [{"op": "crop", "left": 60, "top": 0, "width": 10, "height": 10}]
    response = await user.submit(jpeg(64, 48), operations=json.dumps(operations))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["operations[0]"]
    assert (await user.get("/api/v1/tasks")).json()["items"] == []
    assert await ledger_reconciles(user) == 10


async def test_invalid_new_fields_name_themselves(api: Api) -> None:
    user = await api.new_user()
    operations = [
        {"op": "resize", "width": 5, "height": 5, "gravity": "smart"},
        {"op": "pad", "width": 5, "height": 5, "color": "red"},
        {"op": "format", "format": "jpeg", "lossless": True},
    ]
    response = await user.submit(jpeg(64, 48), operations=json.dumps(operations))
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"operations[0].gravity", "operations[1].color", "operations[2].lossless"}
    assert await ledger_reconciles(user) == 10


def gif_animation() -> bytes:
    frames = [Image.new("RGB", (40, 20), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0)
    return out.getvalue()


async def test_an_animated_gif_becomes_an_animated_webp_with_its_frames(api: Api) -> None:
    user = await api.new_user()
    operations = [{"op": "resize", "width": 20, "height": 20}, {"op": "format", "format": "webp"}]
    response = await user.submit(gif_animation(), operations=json.dumps(operations))
    assert response.status_code == 202, response.text
    assert response.json()["source"]["frames"] == 3
    done = await finished(user, response.json()["id"])
    assert done["status"] == "completed", done["error"]
    assert (done["result"]["format"], done["result"]["width"], done["result"]["frames"]) == ("WEBP", 20, 3)
    result = await user.get(f"/api/v1/tasks/{done['id']}/result")
    assert Image.open(io.BytesIO(result.content)).n_frames == 3


async def test_a_heic_phone_photo_is_accepted_and_becomes_a_jpeg(api: Api) -> None:
    user = await api.new_user()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 128, 255)).save(out, "HEIF")
    response = await user.submit(out.getvalue(), operations=json.dumps([{"op": "grayscale"}]))
    assert response.status_code == 202, response.text
    assert response.json()["source"]["format"] == "HEIF"
    done = await finished(user, response.json()["id"])
    assert (done["result"]["format"], done["result"]["width"], done["result"]["height"]) == ("JPEG", 64, 48)
    source = await user.get(f"/api/v1/tasks/{done['id']}/source")
    assert source.headers["content-type"] == "image/heif"


async def test_a_completed_task_has_a_small_webp_preview_for_its_owner_only(api: Api) -> None:
    user, other = await api.new_user(), await api.new_user()
    operations = [{"op": "resize", "width": 400, "height": 100, "fit": "fill"}]
    response = await user.submit(jpeg(64, 48), operations=json.dumps(operations))
    done = await finished(user, response.json()["id"])
    assert done["status"] == "completed", done["error"]

    preview = await user.get(f"/api/v1/tasks/{done['id']}/preview")
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(preview.content))
    assert (image.format, image.size) == ("WEBP", (320, 80))
    assert (await other.get(f"/api/v1/tasks/{done['id']}/preview")).status_code == 404
