"""Text no database stores faithfully is 422 naming its field before anything is charged, alike on every backend.

A lone surrogate in metadata used to charge a credit and then answer 500 (and the task list 500 forever after);
NUL, NaN, Infinity and 1e400 gave 500 on PostgreSQL and were accepted on SQLite.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Api, jpeg

HOSTILE_FIELDS = [
    ("title", {"title": "a\x00b"}),
    ("metadata", {"metadata": '{"note": "\\u0000"}'}),
    ("metadata", {"metadata": '{"note": "\\ud800"}'}),
    ("metadata", {"metadata": '{"\\udc00": "key"}'}),
    ("metadata", {"metadata": '{"deep": [{"x": ["\\ud83d"]}]}'}),
    ("metadata", {"metadata": '{"n": NaN}'}),
    ("metadata", {"metadata": '{"n": Infinity}'}),
    ("metadata", {"metadata": '{"n": -Infinity}'}),
    ("metadata", {"metadata": '{"n": [1e400]}'}),
    ("operations[0].text", {"operations": json.dumps([{"op": "watermark", "text": "a\x00"}])}),
]


@pytest.mark.parametrize(("field", "fields"), HOSTILE_FIELDS)
async def test_unstorable_task_fields_are_422_naming_the_field_and_charge_nothing(
    api: Api, field: str, fields: dict[str, str]
) -> None:
    user = await api.new_user()

    response = await user.submit(**fields)

    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert (await user.get("/api/v1/credits")).json()["balance"] == 10
    assert (await user.get("/api/v1/tasks")).json()["items"] == []
    assert (await user.get("/api/v1/credits/ledger")).json()["items"][0]["reason"] == "signup_bonus"


@pytest.mark.parametrize("email", ["ada\x00@example.com", "ada@exa\x00mple.com"])
async def test_a_nul_in_an_email_is_422_naming_the_field(api: Api, email: str) -> None:
    for route in ("/api/v1/auth/signup", "/api/v1/auth/login"):
        response = await api.http.post(route, json={"email": email, "password": "correct horse"})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "email"


def multipart(title: bytes, part_headers: bytes = b"") -> tuple[bytes, str]:
    boundary = "hostile-boundary"
    body = (
        b"--hostile-boundary\r\nContent-Disposition: form-data; name=\"title\"\r\n" + part_headers + b"\r\n" + title
        + b"\r\n--hostile-boundary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n"
        b"Content-Type: image/jpeg\r\n\r\n" + jpeg() + b"\r\n--hostile-boundary--\r\n"
    )  # fmt: skip
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("title", "part_headers"),
    [
        (b"\xff\xfe", b""),
        (b"\xed\xa0\x80", b""),  # a surrogate encoded as UTF-8: not UTF-8
        (b"title", b"Content-Type: text/plain; charset=no-such-charset\r\n"),
    ],
)
async def test_a_multipart_text_field_that_is_not_utf8_is_400(api: Api, title: bytes, part_headers: bytes) -> None:
    user = await api.new_user()
    body, content_type = multipart(title, part_headers)

    response = await user.post("/api/v1/tasks", content=body, headers={"content-type": content_type})

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (await user.get("/api/v1/credits")).json()["balance"] == 10
