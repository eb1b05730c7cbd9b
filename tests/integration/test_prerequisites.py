"""`make test` checks what it needs outside .venv first, and says in one line each what is missing and how to get it.

Nothing is uninstalled here (other processes on the machine use these tools): the check runs with a PATH that
hides them, and without apt-get, which is how it sees a machine where it may not install anything.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "prerequisites.sh"
HIDDEN = {"chromium", "docker-compose", "docker", "apt-get"}
NOBODY = 65534
CHECK_SECONDS = 30  # PostgreSQL and Redis are up, so the check only looks; it must not wait or install


def path_without(hidden: set[str], into: Path, system_only: bool = False) -> str:
    """A PATH of one directory linking every command of the current PATH except the hidden ones (and, for another
    user, except what lives in root's home, which that user cannot open)."""
    into.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory) or (system_only and directory.startswith("/root")):
            continue
        for entry in os.scandir(directory):
            link = into / entry.name
            if entry.name in hidden or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(into)


def run_check(path: str, **user: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(CHECK)],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=CHECK_SECONDS,
        **user,  # type: ignore[call-overload]
    )


def test_missing_tools_each_get_one_line_with_their_install_command(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_check(path_without(HIDDEN, tmp_path / "bin"))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    chromium, compose = lines
    assert "Chromium" in chromium and "apt-get install -y chromium`" in chromium
    assert "docker-compose" in compose and "apt-get install -y docker-compose`" in compose
    assert "installing" not in result.stdout, "without apt-get it must not try to install"
    assert time.monotonic() - started < CHECK_SECONDS / 2, "it stops at once, without waiting for anything"


def test_without_root_the_lines_say_to_install_with_sudo() -> None:
    # As root, the check runs as `nobody`; otherwise it already runs as a user who cannot install.
    user = {"user": NOBODY, "group": NOBODY} if os.geteuid() == 0 else {}
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o755)  # `nobody` must reach the linked commands
        path = path_without({"chromium", "docker-compose", "docker"}, Path(scratch) / "bin", system_only=True)
        result = run_check(path, **user)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split("`")[1] for line in lines] == [
        "sudo apt-get install -y chromium",
        "sudo apt-get install -y docker-compose",
    ], lines
    assert "installing" not in result.stdout


def test_a_machine_with_everything_passes_the_check_silently(tmp_path: Path) -> None:
    result = run_check(path_without({"apt-get"}, tmp_path / "bin"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_make_test_runs_the_check_before_anything_else() -> None:
    recipe = (ROOT / "Makefile").read_text().split("\ntest:", 1)[1].split("\n\n", 1)[0]
    steps = [line.strip().lstrip("@") for line in recipe.splitlines()[1:] if line.strip()]
    assert steps[0] == "scripts/prerequisites.sh", steps
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get" not in ci, ".ci/run is a thin call of make test"
