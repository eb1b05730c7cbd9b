"""The hexagon's layering as a test: dependencies point inward only (import-linter agrees, in scripts/test.sh)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {
    "litestar",
    "sqlalchemy",
    "taskiq",
    "taskiq_redis",
    "PIL",
    "redis",
    "jwt",
    "argon2",
    "razorpay",
    "dependency_injector",
    "msgspec",
}


def python_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute module a file imports, with its line; relative imports resolve inside the package."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.lineno, node.module or ""


def top(module: str) -> str:
    return module.split(".")[0]


def violations(layer: str, allowed) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files(layer)
        for line, module in imports(path)
        if not allowed(module)
    ]


@pytest.mark.parametrize("layer", ["domain", "application", "adapters"])
def test_each_layer_has_python_files_to_check(layer: str) -> None:
    assert python_files(layer), f"{layer}/ has no Python files: the walk below would check nothing"


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    def allowed(module: str) -> bool:
        return top(module) in sys.stdlib_module_names or top(module) == "domain"

    assert violations("domain", allowed) == []


def test_the_application_imports_no_adapter_entrypoint_or_framework() -> None:
    def allowed(module: str) -> bool:
        return top(module) not in {"adapters", "entrypoints"} | FRAMEWORKS

    assert violations("application", allowed) == []


def test_adapters_never_import_entrypoints() -> None:
    assert violations("adapters", lambda module: top(module) != "entrypoints") == []


def test_the_walk_catches_a_forbidden_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_root = tmp_path
    (fake_root / "domain").mkdir()
    (fake_root / "domain" / "bad.py").write_text("import json\nfrom sqlalchemy import select\nfrom . import values\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)

    found = violations("domain", lambda m: top(m) in sys.stdlib_module_names or top(m) == "domain")

    assert found == ["domain/bad.py:2 imports sqlalchemy"]
