#!/usr/bin/env bash
# The rendered code at the lowest versions its requirements allow and at the newest:
# render four domains, install the rendered requirements each way with uv, and run
# the rendered tests and mypy --strict; then on SQLAlchemy 2.1, which fin-infra 0.13's
# dependencies do not allow yet (see sqlalchemy_2_1). fin-infra is optional
# (.copier/requirements.<domain>.fin-infra.txt): each leg runs the tests first without
# it (its conversion tests skip), then installs it and runs those. (The test suite
# covers uv.lock's versions.) The three legs are independent, so they run side by side,
# each in its own copy of the app, venv and mypy cache; each leg's output is printed
# when all are done.
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

# One leg: the rendered requirements at one resolution and the tests, then fin-infra and
# its conversion tests, then mypy (at SQLAlchemy 2.0.42 at least: earlier stubs leave a
# few calls untyped, though the code runs on the floor the requirements state).
at_resolution() {
  local resolution="$1" venv="$scratch/venv-$1" leg_app="$scratch/app-$1"
  local -a install=(uv pip install --quiet --python "$venv/bin/python" --resolution "$resolution")
  cp -R "$app" "$leg_app"
  uv venv --quiet --python 3.11 "$venv"
  for requirements in "$leg_app"/.copier/requirements.*.txt; do
    case "$requirements" in *.fin-infra.txt) continue ;; esac
    "${install[@]}" -r "$requirements"
  done
  echo "== $resolution: $("$venv/bin/python" -c 'import sqlalchemy, pydantic, alembic, fastapi, httpx, pytest, pytest_asyncio; print("SQLAlchemy", sqlalchemy.__version__, "Pydantic", pydantic.__version__, "Alembic", alembic.__version__, "FastAPI", fastapi.__version__, "httpx", httpx.__version__, "pytest", pytest.__version__, "pytest-asyncio", pytest_asyncio.__version__)')"
  (cd "$leg_app" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -W error::sqlalchemy.exc.SAWarning)
  for requirements in "$leg_app"/.copier/requirements.*.fin-infra.txt; do
    "${install[@]}" -r "$requirements"
  done
  echo "== $resolution, with fin-infra: $("$venv/bin/python" -c 'import sqlalchemy, pydantic; from importlib.metadata import version; print("fin-infra", version("fin-infra"), "SQLAlchemy", sqlalchemy.__version__, "Pydantic", pydantic.__version__)')"
  (cd "$leg_app" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -W error::sqlalchemy.exc.SAWarning -rs $(find . -name 'test_*_fin_infra.py' | sort))
  "${install[@]}" "sqlalchemy[asyncio]>=2.0.42"
  uv pip install --quiet --python "$venv/bin/python" mypy
  (cd "$leg_app" && "$venv/bin/mypy" --strict --cache-dir "$scratch/mypy-$resolution" .)
}

# fin-infra 0.13 caps SQLAlchemy below 2.1 (through svc-infra and
# fastapi-users-db-sqlalchemy), so "highest" runs the tests on 2.1 and then, with
# fin-infra, goes back to 2.0 for its conversion tests and mypy. mypy on 2.1 is here,
# with fin-infra's typed models installed without their
# dependencies (mypy reads them; the conversion tests import fin-infra's whole package,
# which cannot be installed next to SQLAlchemy 2.1 yet, so they are left out).
sqlalchemy_2_1() {
  local venv="$scratch/venv-sqlalchemy-2.1" leg_app="$scratch/app-sqlalchemy-2.1"
  cp -R "$app" "$leg_app"
  uv venv --quiet --python 3.11 "$venv"
  for requirements in "$leg_app"/.copier/requirements.*.txt; do
    case "$requirements" in *.fin-infra.txt) continue ;; esac
    uv pip install --quiet --python "$venv/bin/python" --resolution highest -r "$requirements"
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
