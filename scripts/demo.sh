#!/usr/bin/env bash
# The main job, end to end: render the budgets domain with the defaults and its FastAPI
# routes (api=fastapi) into a scratch app, install what the rendered files ask for, and
# run the app's own tests on SQLite. docs/api.md shows how to serve the routes.
set -euo pipefail
template="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${1:-$(mktemp -d)}"

python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
uv() { python3 -m uv "$@"; }

# Copier's environment: copier plus what this template needs to render.
uv venv --quiet --python 3.11 "$scratch/copier"
uv pip install --quiet --python "$scratch/copier/bin/python" -r "$template/pyproject.toml"
"$scratch/copier/bin/copier" copy --trust --defaults --quiet --data api=fastapi "$template" "$scratch/app"

# The app's environment: only what the rendered requirements file lists.
uv venv --quiet --python 3.11 "$scratch/app/.venv"
uv pip install --quiet --python "$scratch/app/.venv/bin/python" -r "$scratch/app/.copier/requirements.budgets.txt"
cd "$scratch/app"
echo "Rendered into $scratch/app:"
find app migrations tests -name '*.py' | sort | sed 's/^/  /'
.venv/bin/python -m pytest -q -p no:cacheprovider
