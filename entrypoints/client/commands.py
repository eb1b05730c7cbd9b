"""`pixelmill login | submit | tasks | credits`: the API from a terminal, with rich progress bars and tables."""

from __future__ import annotations

import argparse
import getpass
import json
import mimetypes
import socket
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from entrypoints.client.api import UPLOAD_TIMEOUT, ApiError, Client
from entrypoints.client.config import load_key, server_url, store_key
from entrypoints.client.operations import OperationSyntaxError, parse_op

BATCH_MAX = 20  # the API's bound on one batch
POLL_SECONDS = 0.5
TERMINAL = {"completed", "failed"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "AVIF": ".avif", "TIFF": ".tiff", "BMP": ".bmp"}

out = Console()
err = Console(stderr=True)


class ClientError(Exception):
    """One line for the user; exit code 1."""


def add_client_commands(commands: Any) -> None:
    """Add login and submit, and let `credits` and `tasks` without a sub-command ask the server."""
    login = commands.add_parser("login", help="store an API key for a Pixelmill server (asks for email and password)")
    _url_option(login)
    login.add_argument("--email", help="your account's email (asked when omitted)")
    login.add_argument("--api-key", help="store this existing pxm_ key instead of making a new one")
    login.set_defaults(run=_run(_login))

    submit = commands.add_parser("submit", help="upload images as tasks; --wait to follow them and download results")
    _url_option(submit)
    submit.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    submit.add_argument("--op", action="append", default=[], metavar="OP", help="resize=800x600, grayscale, format=webp:80 …")
    submit.add_argument("--title", default="pixelmill submit", help="title prefix; each file's task is numbered")
    submit.add_argument("--metadata", help="a JSON object stored with every task")
    submit.add_argument("--wait", action="store_true", help="wait for every task and download the results")
    submit.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="where results go (default .)")
    submit.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="give up waiting after this")
    submit.set_defaults(run=_run(_submit))

    for name, handler in (("credits", _credits), ("tasks", _tasks)):
        parser = commands.choices[name]
        for action in parser._actions:  # the operators' sub-commands stay; without one, the client answers
            if isinstance(action, argparse._SubParsersAction):
                action.required = False
        _url_option(parser)
        parser.set_defaults(run=_run(handler))
    commands.choices["tasks"].add_argument(
        "--status", choices=["queued", "processing", "completed", "failed"], help="only tasks in this status"
    )
    commands.choices["tasks"].add_argument("--limit", type=int, default=20, help="how many, newest first (1-100)")


def _url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="the Pixelmill server (default: $PIXELMILL_URL, else http://127.0.0.1:8000)")


def _run(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (ApiError, ClientError, OperationSyntaxError) as exc:
            err.print(f"pixelmill: {exc}", style="red", highlight=False)
            return 1

    return run


def _authenticated(args: argparse.Namespace) -> Client:
    url = server_url(args.url)
    key = load_key(url)
    if not key:
        raise ClientError(f"not logged in to {url}: run `pixelmill login --url {url}` (or set PIXELMILL_API_KEY)")
    return Client(url, key)


def _login(args: argparse.Namespace) -> int:
    url = server_url(args.url)
    key = args.api_key
    if not key:
        email = args.email or input("Email: ")
        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        with Client(url) as anonymous:
            tokens = anonymous.json("POST", "/api/v1/auth/login", json={"email": email, "password": password})
        with Client(url, tokens["access_token"]) as session:
            name = f"pixelmill CLI on {socket.gethostname()}"[:100]
            key = session.json("POST", "/api/v1/api-keys", json={"name": name})["key"]
    with Client(url, key) as client:
        balance = client.json("GET", "/api/v1/credits")["balance"]  # the key works
    path = store_key(url, key)
    out.print(f"Logged in to {url}; the API key is in {path} (readable by you only). Balance: {balance} credits.")
    return 0


def _credits(args: argparse.Namespace) -> int:
    with _authenticated(args) as client:
        out.print(f"{client.json('GET', '/api/v1/credits')['balance']} credits")
    return 0


def _tasks(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"limit": args.limit}
    if args.status:
        params["status"] = args.status
    with _authenticated(args) as client:
        page = client.json("GET", "/api/v1/tasks", params=params)
    table = Table("id", "title", "status", "source", "result", "created")
    for task in page["items"]:
        result = task["result"]
        table.add_row(
            task["id"], task["title"], task["status"], _size(task["source"]),
            _size(result) if result else (task["error"] or "—"), task["created_at"],
        )  # fmt: skip
    out.print(table)
    return 0


def _submit(args: argparse.Namespace) -> int:
    operations = [parse_op(op) for op in args.op]
    for path in args.paths:
        if not path.is_file():
            raise ClientError(f"{path} is not a file")
    with _authenticated(args) as client:
        tasks = _upload(client, args, operations)
        if not args.wait:
            for path, task in tasks:
                out.print(f"{path}: task {task['id']} {task['status']}")
            return 0
        finished = _wait(client, args, tasks)
    _summary(finished)
    return 1 if any(task["status"] != "completed" for _, task, _ in finished) else 0


def _upload(client: Client, args: argparse.Namespace, operations: list[dict[str, Any]]) -> list[tuple[Path, dict[str, Any]]]:
    fields: dict[str, str] = {"title": args.title}
    if operations:
        fields["operations"] = json.dumps(operations)
    if args.metadata:
        fields["metadata"] = args.metadata
    accepted: list[tuple[Path, dict[str, Any]]] = []
    with _progress() as progress:
        uploading = progress.add_task("Uploading", total=len(args.paths))
        for start in range(0, len(args.paths), BATCH_MAX):
            group = args.paths[start : start + BATCH_MAX]
            files = [("image", (p.name, p.read_bytes(), mimetypes.guess_type(p.name)[0] or "application/octet-stream")) for p in group]
            answer = client.json("POST", "/api/v1/tasks/batch", data=fields, files=files, timeout=UPLOAD_TIMEOUT)
            accepted += list(zip(group, answer["items"]))
            progress.advance(uploading, len(group))
    return accepted


def _wait(
    client: Client, args: argparse.Namespace, tasks: list[tuple[Path, dict[str, Any]]]
) -> list[tuple[Path, dict[str, Any], Path | None]]:
    """Poll each unfinished task until all are done or the timeout; download each result as soon as it is ready."""
    args.out.mkdir(parents=True, exist_ok=True)
    current = {task["id"]: (path, task) for path, task in tasks}
    saved: dict[str, Path | None] = {}
    deadline = time.monotonic() + args.timeout
    with _progress() as progress:
        waiting = progress.add_task("Processing", total=len(tasks))
        while len(saved) < len(tasks) and time.monotonic() < deadline:
            for task_id, (path, _) in list(current.items()):
                if task_id in saved:
                    continue
                task = client.json("GET", f"/api/v1/tasks/{task_id}")
                current[task_id] = (path, task)
                if task["status"] in TERMINAL:
                    saved[task_id] = _download(client, args.out, path, task) if task["status"] == "completed" else None
                    progress.advance(waiting)
            if len(saved) < len(tasks):
                time.sleep(POLL_SECONDS)
    return [(path, task, saved.get(task_id)) for task_id, (path, task) in current.items()]


def _download(client: Client, directory: Path, source: Path, task: dict[str, Any]) -> Path:
    extension = EXTENSIONS.get(task["result"]["format"], ".bin")
    target = directory / (source.stem + extension)
    attempt = 1
    while target.exists():  # never overwrite: the source itself may sit there
        target = directory / f"{source.stem}-result{'' if attempt == 1 else f'-{attempt}'}{extension}"
        attempt += 1
    target.write_bytes(client.call("GET", f"/api/v1/tasks/{task['id']}/result").content)
    return target


def _summary(finished: list[tuple[Path, dict[str, Any], Path | None]]) -> None:
    table = Table("file", "task", "status", "result")
    for path, task, saved in finished:
        status = task["status"] if task["status"] in TERMINAL else f"{task['status']} (timed out)"
        style = "green" if status == "completed" else "red"
        table.add_row(str(path), task["id"], f"[{style}]{status}[/{style}]", str(saved) if saved else (task["error"] or "—"))
    out.print(table)


def _progress() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err, transient=False)


def _size(info: dict[str, Any]) -> str:
    return f"{info['format']} {info['width']}×{info['height']}"
