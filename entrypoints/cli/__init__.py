"""The `pixelmill` command; `main` is its entry point (pyproject's [project.scripts])."""

from entrypoints.cli.main import main

__all__ = ["main"]
