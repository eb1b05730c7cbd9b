"""`pixelmill login`, `submit --wait`, `tasks` and `credits` against a running `pixelmill serve`."""

from __future__ import annotations

import io
import os
import random
import stat
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from testbed.environment import CHEAP_ARGON2, PIXELMILL, clean_env
from tests.support.server import serving

pytestmark = pytest.mark.slow

CREDENTIALS = {"email": "ada@example.com", "password": "correct horse"}


def image_file(path: Path, fmt: str, size: tuple[int, int] = (640, 480)) -> Path:
    Image.new("RGB", size, "teal").save(path, fmt)
    return path


def truncated_jpeg(path: Path) -> Path:
    """The header probe passes, the decode cannot: the task fails in the worker."""
    out = io.BytesIO()
    Image.frombytes("RGB", (64, 64), random.Random(0).randbytes(64 * 64 * 3)).save(out, "JPEG")
    path.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])
    return path


def client(config: Path, *args: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env({"XDG_CONFIG_HOME": str(config), "COLUMNS": "200"})
    return subprocess.run(
        [str(PIXELMILL), *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_login_then_submit_wait_downloads_every_result_and_exits_zero(tmp_path: Path) -> None:
    config, work = tmp_path / "config", tmp_path / "work"
    work.mkdir()
    photos = [image_file(work / "a.jpg", "JPEG"), image_file(work / "b.png", "PNG", (300, 900))]
    with serving(tmp_path, CHEAP_ARGON2) as base:
        assert httpx.post(f"{base}/api/v1/auth/signup", json=CREDENTIALS).status_code == 201

        login = client(config, "login", "--url", base, "--email", CREDENTIALS["email"], stdin="correct horse\n", cwd=work)
        assert login.returncode == 0, login.stderr
        stored = config / "pixelmill" / "credentials.json"
        assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
        assert stored.read_text().count("pxm_") == 1

        submitted = client(
            config, "submit", "--url", base, *map(str, photos),
            "--op", "resize=200x200", "--op", "grayscale", "--op", "format=webp:80", "--wait", "--out", "results",
            cwd=work,
        )  # fmt: skip
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr
        assert "completed" in submitted.stdout and "Uploading" in submitted.stderr

        for name, size in (("a.webp", (200, 150)), ("b.webp", (67, 200))):
            with Image.open(work / "results" / name) as result:
                assert (result.format, result.size) == ("WEBP", size)
                red, green, blue = result.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
                assert abs(red - green) <= 2 and abs(green - blue) <= 2  # grayscale (WebP stores it as RGB)

        credits = client(config, "credits", "--url", base, cwd=work)
        assert credits.returncode == 0 and "8 credits" in credits.stdout, credits.stderr
        tasks = client(config, "tasks", "--url", base, "--status", "completed", cwd=work)
        assert tasks.returncode == 0 and tasks.stdout.count("completed") == 2, tasks.stdout


def test_submit_wait_exits_non_zero_when_a_task_fails_and_says_why(tmp_path: Path) -> None:
    config, work = tmp_path / "config", tmp_path / "work"
    work.mkdir()
    good, broken = image_file(work / "good.jpg", "JPEG"), truncated_jpeg(work / "broken.jpg")
    good_bytes = good.read_bytes()
    with serving(tmp_path, CHEAP_ARGON2) as base:
        assert httpx.post(f"{base}/api/v1/auth/signup", json=CREDENTIALS).status_code == 201
        client(config, "login", "--url", base, "--email", CREDENTIALS["email"], stdin="correct horse\n", cwd=work)

        submitted = client(config, "submit", "--url", base, str(good), str(broken), "--wait", cwd=work)

        assert submitted.returncode == 1, submitted.stdout + submitted.stderr
        assert "failed" in submitted.stdout and "truncated" in submitted.stdout
        assert (work / "good.jpg").read_bytes() == good_bytes  # the source is never overwritten
        with Image.open(work / "good-result.jpg") as result:
            assert result.mode == "L"


def test_client_commands_without_a_login_or_with_a_bad_op_fail_in_one_line(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    photo = image_file(work / "a.jpg", "JPEG")

    not_logged_in = client(tmp_path, "credits", "--url", "http://127.0.0.1:9", cwd=work)
    bad_op = client(tmp_path, "submit", "--url", "http://127.0.0.1:9", str(photo), "--op", "explode", cwd=work)

    assert not_logged_in.returncode == 1 and "pixelmill login" in not_logged_in.stderr
    assert bad_op.returncode == 1 and "unknown operation" in bad_op.stderr
