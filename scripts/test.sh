#!/usr/bin/env bash
# Runs every test: architecture contract, unit, contract, integration, e2e and browser.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
