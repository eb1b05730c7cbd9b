"""POST /upload/batch: the upload form with several files, sent by the page's script; answers in JSON.

The dashboard's twin of POST /api/v1/tasks/batch, on the cookie session (with the CSRF token in a header or the
form): the same fields as the one-file form, 1 to 20 `image` parts, all or nothing. Errors are problem+json, so
the script can put each one beside its file (`errors[].field` = `image[i]`) or its field.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.status_codes import HTTP_202_ACCEPTED

from application.use_cases.account import GetBalance
from application.use_cases.submit_batch import SubmitBatch
from domain.users import User
from entrypoints.http.dashboard import forms
from entrypoints.http.dashboard.uploads import batch_command, chosen_images, close_all
from entrypoints.http.rate_limits import RATE_LIMIT, SUBMIT
from entrypoints.http.schemas.tasks import TaskOut


class BatchUploadOut(msgspec.Struct):
    items: list[TaskOut]  # in file order
    balance: int  # after the charge, for the page's header


class BatchUploadController(Controller):

    @post("/upload/batch", status_code=HTTP_202_ACCEPTED, opt={RATE_LIMIT: SUBMIT}, summary="Submit several images")
    async def upload_batch(
        self, request: Request[Any, Any, Any], viewer: User, submit_batch: SubmitBatch, get_balance: GetBalance
    ) -> Response[BatchUploadOut]:
        """One credit per file in one transaction, or nothing charged; problem+json naming the file otherwise."""
        form = await request.form()
        key = str(form.get("idempotency_key") or "") or None  # a double click charges once
        images = chosen_images(form)  # refused whole before anything is read when there are none or too many
        try:
            fields = forms.UploadForm.read(form)
            fields.check()
            tasks = await submit_batch(await batch_command(viewer.id, fields, images, key))
        finally:
            await close_all(images)
        body = BatchUploadOut([TaskOut.of(task) for task in tasks], await get_balance(viewer.id))
        return Response(body, status_code=HTTP_202_ACCEPTED, headers={"Cache-Control": "no-store"})
