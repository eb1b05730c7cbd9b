"""`.env.example` lists every setting, and only real ones."""

from __future__ import annotations

from pathlib import Path

from entrypoints.settings import PREFIX, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def example_variables() -> dict[str, str]:
    lines = [line for line in EXAMPLE.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_env_example_names_every_setting_and_nothing_else() -> None:
    names = {name.removeprefix(PREFIX).lower() for name in example_variables()}
    assert names == set(Settings.__struct_fields__)


def test_env_example_values_are_the_defaults() -> None:
    filled = {k: v for k, v in example_variables().items() if v}
    assert load_settings(filled) == Settings()
