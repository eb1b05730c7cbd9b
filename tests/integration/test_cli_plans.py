"""`pixelmill plans list|add|disable`, run in-process against a fresh SQLite file (no hand-written SQL, ever)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints.cli import main

STARTER = "7a3c5a10-52f1-4f5e-9c3b-5b1e00000050"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("PIXELMILL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PIXELMILL_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("PIXELMILL_LOG_LEVEL", "WARNING")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "x.db"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_seeds_the_default_plans(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "migrate")[0] == 0

    code, out, _ = run(capsys, "plans", "list")

    assert code == 0
    assert [line.split()[1] for line in out.splitlines()] == ["Starter", "Standard", "Pro"]
    assert f"{STARTER}  Starter" in out and "INR 99.00  active" in out


def test_plans_are_added_and_disabled_from_the_command_line(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "migrate")

    code, out, _ = run(capsys, "plans", "add", "Mega pack", "5000", "399900")
    assert code == 0 and "5000 credits for INR 3999.00" in out
    assert run(capsys, "plans", "disable", STARTER) == (0, f"disabled plan {STARTER}: it is no longer for sale\n", "")

    listed = run(capsys, "plans", "list")[1].splitlines()
    assert [line.split()[-1] for line in listed] == ["disabled", "active", "active", "active"]
    assert "Mega pack" in listed[-1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("plans", "add", "Starter", "10", "9900"), 1, "an active plan is already named 'Starter'"),
        (("plans", "add", "Cheap", "10", "50"), 2, "price: must be between 100"),
        (("plans", "add", "Odd", "10", "9900", "--currency", "RUPEE"), 2, "currency: must be a three-letter"),
        (("plans", "disable", "7a3c5a10-52f1-4f5e-9c3b-000000000000"), 1, "no active plan"),
    ],
)
def test_bad_plan_commands_fail_in_one_line(
    database: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, message: str
) -> None:
    run(capsys, "migrate")

    result, _, err = run(capsys, *args)

    assert result == code and message in err and len(err.strip().splitlines()) == 1


def test_plans_before_migrate_asks_for_migrate(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plans", "list")

    assert code == 1 and "run `pixelmill migrate` first" in err


def test_a_plan_id_that_is_no_uuid_is_bad_usage(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plans", "disable", "starter"])

    assert exited.value.code == 2 and "is not a plan id" in capsys.readouterr().err
