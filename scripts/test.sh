#!/usr/bin/env bash
# This repository's checks: lint and types of the template's own code, the docs, then
# the test suite (pytest arguments pass through, e.g. -m "not slow" for the fast part).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
# Compiled once here: the suite starts hundreds of Python processes (copier, alembic,
# the rendered tests), and where PYTHONDONTWRITEBYTECODE is set each of them would
# otherwise compile SQLAlchemy, Pydantic and FastAPI from source again (2.9 s -> 0.9 s).
python3 -m uv sync --frozen --group dev --quiet --compile-bytecode
run() { python3 -m uv run --frozen --no-sync "$@"; }

run ruff format --check extensions tests benchmarks scripts
run ruff check extensions tests benchmarks scripts
run mypy
NO_MKDOCS_2_WARNING=1 run mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
# Two workers; --dist loadgroup keeps the tests of one rendered app on one worker, and
# tests/conftest.py hands out the slow tests first (see "Scheduling" there).
run python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder --durations=15 "$@"
