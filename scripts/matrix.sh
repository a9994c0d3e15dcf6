#!/usr/bin/env bash
# The rendered code at the lowest versions its requirements allow and at the newest:
# render four domains, install the rendered requirements each way with uv, and run
# the rendered tests and mypy --strict; then on SQLAlchemy 2.1, which fin-infra 0.13's
# dependencies do not allow yet (see sqlalchemy_2_1). (The test suite covers uv.lock's
# versions.) The three legs are independent, so they run side by side, each in its own
# copy of the app, venv and mypy cache; each leg's output is printed when all are done.
set -euo pipefail
template="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
uv() { python3 -m uv "$@"; }
(cd "$template" && uv sync --frozen --group dev --quiet)
copier="$template/.venv/bin/copier"

app="$scratch/app"
"$copier" copy --trust --defaults --quiet --data include_tenant=true --data include_soft_delete=true --data api=fastapi "$template" "$app"
"$copier" copy --trust --defaults --quiet --data domain=goals "$template" "$app"
"$copier" copy --trust --defaults --quiet --data domain=net_worth --data include_tenant=true --data api=fastapi "$template" "$app"
# bank_connections brings sync_many (each database's upsert, typed differently by
# SQLAlchemy 2.0 and 2.1) and the encrypted token (cryptography's floor).
"$copier" copy --trust --defaults --quiet --data domain=bank_connections --data include_tenant=true --data include_soft_delete=true "$template" "$app"

# One leg: the rendered requirements at one resolution, then mypy and the tests.
at_resolution() {
  local resolution="$1" venv="$scratch/venv-$1" leg_app="$scratch/app-$1"
  cp -R "$app" "$leg_app"
  uv venv --quiet --python 3.11 "$venv"
  for requirements in "$leg_app"/.copier/requirements.*.txt; do
    uv pip install --quiet --python "$venv/bin/python" --resolution "$resolution" -r "$requirements"
  done
  uv pip install --quiet --python "$venv/bin/python" mypy
  echo "== $resolution: $("$venv/bin/python" -c 'import sqlalchemy, pydantic, alembic, fastapi, httpx; print("SQLAlchemy", sqlalchemy.__version__, "Pydantic", pydantic.__version__, "Alembic", alembic.__version__, "FastAPI", fastapi.__version__, "httpx", httpx.__version__)')"
  (cd "$leg_app" && "$venv/bin/mypy" --strict --cache-dir "$scratch/mypy-$resolution" .)
  (cd "$leg_app" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -W error::sqlalchemy.exc.SAWarning)
}

# fin-infra 0.13 caps SQLAlchemy below 2.1 (through svc-infra and
# fastapi-users-db-sqlalchemy), so "highest" stays on 2.0. The rendered code itself runs
# on 2.1: check it there with fin-infra's typed models installed without their
# dependencies (mypy reads them; the conversion tests import fin-infra's whole package,
# which cannot be installed next to SQLAlchemy 2.1 yet, so they are left out).
sqlalchemy_2_1() {
  local venv="$scratch/venv-sqlalchemy-2.1" leg_app="$scratch/app-sqlalchemy-2.1"
  cp -R "$app" "$leg_app"
  uv venv --quiet --python 3.11 "$venv"
  for requirements in "$leg_app"/.copier/requirements.*.txt; do
    grep -v '^fin-infra' "$requirements" >"$scratch/requirements-2.1.txt"
    uv pip install --quiet --python "$venv/bin/python" --resolution highest -r "$scratch/requirements-2.1.txt"
  done
  uv pip install --quiet --python "$venv/bin/python" "sqlalchemy[asyncio]>=2.1" mypy
  uv pip install --quiet --python "$venv/bin/python" --no-deps "fin-infra>=0.13"
  echo "== SQLAlchemy 2.1, fin-infra without its dependencies: $("$venv/bin/python" -c 'import sqlalchemy, pydantic; print("SQLAlchemy", sqlalchemy.__version__, "Pydantic", pydantic.VERSION)')"
  (cd "$leg_app" && "$venv/bin/mypy" --strict --cache-dir "$scratch/mypy-sqlalchemy-2.1" .)
  (cd "$leg_app" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -W error::sqlalchemy.exc.SAWarning --ignore-glob '*_fin_infra.py')
}

# Each leg in a subshell of its own (errexit holds there), its output in a log.
legs=(lowest-direct highest sqlalchemy-2.1)
pids=()
for leg in "${legs[@]}"; do
  if [ "$leg" = sqlalchemy-2.1 ]; then
    (sqlalchemy_2_1) >"$scratch/$leg.log" 2>&1 &
  else
    (at_resolution "$leg") >"$scratch/$leg.log" 2>&1 &
  fi
  pids+=("$!")
done
failed=0
for i in "${!legs[@]}"; do
  if wait "${pids[$i]}"; then outcome=passed; else outcome=FAILED; failed=1; fi
  cat "$scratch/${legs[$i]}.log"
  echo "== ${legs[$i]}: $outcome"
done
exit "$failed"
