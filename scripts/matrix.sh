#!/usr/bin/env bash
# The rendered code at the lowest versions its requirements allow and at the newest:
# render three domains, install the rendered requirements each way with uv, and run
# the rendered tests and mypy --strict. (The test suite covers the versions in uv.lock.)
set -euo pipefail
template="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
uv() { python3 -m uv "$@"; }
(cd "$template" && uv sync --frozen --group dev --quiet)
copier="$template/.venv/bin/copier"

app="$scratch/app"
"$copier" copy --trust --defaults --quiet --data include_tenant=true --data include_soft_delete=true "$template" "$app"
"$copier" copy --trust --defaults --quiet --data domain=goals "$template" "$app"
"$copier" copy --trust --defaults --quiet --data domain=net_worth --data include_tenant=true "$template" "$app"

for resolution in lowest-direct highest; do
  venv="$scratch/venv-$resolution"
  uv venv --quiet --python 3.11 "$venv"
  for requirements in "$app"/.copier/requirements.*.txt; do
    uv pip install --quiet --python "$venv/bin/python" --resolution "$resolution" -r "$requirements"
  done
  uv pip install --quiet --python "$venv/bin/python" mypy
  echo "== $resolution: $("$venv/bin/python" -c 'import sqlalchemy, pydantic, alembic; print("SQLAlchemy", sqlalchemy.__version__, "Pydantic", pydantic.__version__, "Alembic", alembic.__version__)')"
  (cd "$app" && "$venv/bin/mypy" --strict --cache-dir "$scratch/mypy-$resolution" .)
  (cd "$app" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -W error::sqlalchemy.exc.SAWarning)
done
