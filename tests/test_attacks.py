"""A hostile caller against the rendered repositories, on SQLite, PostgreSQL and MariaDB.

tests/scripts/attack.py runs inside a rendered app: look-alike tenants and users,
forged cursors, wrong argument types and values past each column's limit, through
every repository method of every domain. It counts cross-tenant reads or writes and
errors that are neither the repository's own nor the schema's; both must be zero.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_database, run

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).with_name("scripts") / "attack.py"


@pytest.fixture
def app(three_domain_app: Path) -> Path:
    return three_domain_app


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/attack.db"
    else:
        yield from fresh_database(request.param)


def test_no_attack_crosses_a_tenant_or_raises_a_driver_error(app: Path, database_url: str) -> None:
    result = run([sys.executable, str(SCRIPT), database_url], app, {"PYTHONPATH": str(app)})
    print(result.stdout)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    total = re.search(r"total: (\d+) attempts, (\d+) cross-tenant, (\d+) raw errors", result.stdout)
    assert total is not None, result.stdout
    attempts, breaches, raw = map(int, total.groups())
    assert attempts >= 2000
    assert (breaches, raw) == (0, 0)
