"""Randomised checks of the rendered repository, run inside a rendered app.

- A hypothesis state machine drives BudgetRepository (create, rename, delete,
  restore, purge, page through lists) beside an in-memory model and checks that
  they agree after every step: on SQLite and PostgreSQL.
- Seeded random attempts by one tenant on another's rows through every method of
  every domain's repository: none succeeds, no row changes. On all three databases.

The scripts print their counts (repository calls, attempts); run with -s to see them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_database, run

pytestmark = pytest.mark.slow
SCRIPTS = Path(__file__).with_name("scripts")
MACHINE_EXAMPLES, MACHINE_STEPS = 25, 30
ISOLATION_ATTEMPTS, ISOLATION_SEED = 400, 20261121


@pytest.fixture
def app(three_domain_app: Path) -> Path:
    return three_domain_app


def _database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
    else:
        yield from fresh_database(kind)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _database(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def machine_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _database(request.param, tmp_path)


def _script(app: Path, name: str, *args: object) -> str:
    result = run(
        [sys.executable, str(SCRIPTS / name), *map(str, args)], app, {"PYTHONPATH": str(app)}
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    print(result.stdout)
    return result.stdout


def test_the_repository_agrees_with_a_model_after_every_step(
    app: Path, machine_database_url: str
) -> None:
    output = _script(
        app, "repository_machine.py", machine_database_url, MACHINE_EXAMPLES, MACHINE_STEPS
    )

    calls = int(re.search(r"repository calls checked: (\d+)", output).group(1))  # type: ignore[union-attr]
    assert calls > MACHINE_EXAMPLES * MACHINE_STEPS


def test_no_tenant_reaches_another_tenants_rows(app: Path, database_url: str) -> None:
    output = _script(app, "tenant_isolation.py", database_url, ISOLATION_ATTEMPTS, ISOLATION_SEED)

    assert f"total: {3 * ISOLATION_ATTEMPTS} attempts, all blocked, no row changed" in output
