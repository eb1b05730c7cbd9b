"""compose.yaml and the Dockerfile: what `docker compose config` accepts, and what production needs of them.

There is no Docker engine here, so no image is built; `docker compose config` (or the standalone
`docker-compose`, which `make test` installs) validates and renders the compose file without one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrypoints.cli.processes import GRACEFUL_SHUTDOWN_SECONDS, WORKER_DRAIN_SECONDS

ROOT = Path(__file__).resolve().parents[2]
PIXELMILL_SERVICES = ("migrate", "api", "worker")


def compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    assert standalone, "neither `docker compose` nor `docker-compose` is installed (`make test` installs docker-compose as root)"
    return [standalone]


def compose_file() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def seconds(duration: str) -> int:
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert match and duration, duration
    return int(match[1] or 0) * 60 + int(match[2] or 0)


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), one list per FROM."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


@pytest.mark.slow
def test_docker_compose_config_accepts_the_compose_file(tmp_path: Path) -> None:
    for name in ("compose.yaml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")  # the operator's first step

    run = subprocess.run(
        [*compose_command(), "-f", "compose.yaml", "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert run.returncode == 0, run.stderr
    rendered = yaml.safe_load(run.stdout)
    assert set(rendered["services"]) == {"postgres", "redis", *PIXELMILL_SERVICES}
    for name in PIXELMILL_SERVICES:
        environment = rendered["services"][name]["environment"]
        assert environment["PIXELMILL_ENV"] == "production"
        assert environment["PIXELMILL_QUEUE_NAME"] == "pixelmill"  # the rest comes from .env


def test_compose_runs_the_production_stack_from_env() -> None:
    services = compose_file()["services"]

    assert set(services) == {"postgres", "redis", *PIXELMILL_SERVICES}
    for name in PIXELMILL_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["PIXELMILL_BROKER_URL"].startswith("redis://redis:")
        assert services[name]["environment"]["PIXELMILL_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["migrate"]["command"] == ["pixelmill", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["worker"]["command"][:2] == ["pixelmill", "worker"]


def test_compose_starts_api_and_workers_after_a_successful_migration_and_healthy_servers() -> None:
    services = compose_file()["services"]

    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_compose_checks_health_and_gives_shutdown_its_time() -> None:
    services = compose_file()["services"]

    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert any("/health/ready" in part for part in services["api"]["healthcheck"]["test"])
    assert seconds(services["api"]["stop_grace_period"]) > GRACEFUL_SHUTDOWN_SECONDS
    assert seconds(services["worker"]["stop_grace_period"]) > WORKER_DRAIN_SECONDS + 5  # drain, then close
    assert services["worker"]["init"] is True


def test_compose_workers_scale_and_share_the_blob_volume() -> None:
    compose = compose_file()
    worker = compose["services"]["worker"]

    assert "ports" not in worker and "container_name" not in worker  # `--scale worker=N` needs neither
    for name in PIXELMILL_SERVICES:
        assert "blobs:/srv/blobs" in compose["services"][name]["volumes"]
    assert "blobs" in compose["volumes"]


def test_the_dockerfile_builds_in_one_stage_and_runs_as_a_non_root_user_in_another() -> None:
    stages = dockerfile_stages()
    build, runtime = stages[0], stages[-1]

    assert len(stages) >= 2
    assert any("requirements.lock" in line and "pip install" in line for line in build)
    assert any(line.startswith("COPY --from=") for line in runtime)
    users = [line.split()[1] for line in runtime if line.upper().startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    runtime_text = " ".join(runtime)
    for tool in ("build-essential", "gcc", "apt-get install", "pip install"):
        assert tool not in runtime_text


def test_every_runtime_dependency_is_pinned_in_the_lock() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {
        line.split("==")[0].lower() for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line
    }
    names = {re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower() for requirement in dependencies}
    assert names <= pinned
