"""Every domain in one app, against real PostgreSQL and MariaDB servers.

URLs come from FIP_POSTGRES_URL and FIP_MARIADB_URL (SQLAlchemy async URLs of a
database the test may create databases next to). Without a URL the tests skip and
say why; with FIP_REQUIRE_DATABASES=1 (as .ci/run sets) a missing or unreachable
server fails the run instead. Each run works in a database of its own, dropped after.

The app carries everything that differs between databases: every domain with
tenancy and soft delete (audit events are append-only: tenancy alone), every
reference a foreign key, a renamed tenant column, and on PostgreSQL row-level
security with the audit triggers beside it. The per-domain test modules run their
domain on SQLite; this is where the servers see them all. The FastAPI routes are
left out: they send no SQL of their own (they call the repository), so their tests
run on SQLite (tests/test_api.py), and only svc-infra's routes meet the servers there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_database, render, rendered_pytest, run, tool

pytestmark = [pytest.mark.slow, pytest.mark.database]


# Every seed domain (budget snapshots and goal progress after what they refer to).
EXISTING = (
    "budgets",
    "goals",
    "budget_snapshots",
    "goal_progress",
    "net_worth",
    "documents",
    "recurring_patterns",
    "audit_events",
)
# The ledger, and holdings, which refer to its accounts: in the order references point.
LEDGER = ("categories", "bank_connections", "accounts", "transactions", "holdings")
# Row-level security is PostgreSQL's (its tests would skip on MariaDB): these meet it.
WITH_RLS = ("goals", "transactions", "audit_events", "bank_connections")


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def every_domain_app(server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp(f"every-domain-{server}")
    for domain in (*EXISTING, *LEDGER):
        rls = server == "postgresql" and domain in WITH_RLS
        render(
            app,
            domain=domain,
            include_tenant=True,
            include_soft_delete=domain != "audit_events",  # append-only: nothing to delete
            tenant_isolation="column+rls" if rls else "column",
            tenant_field="org_id" if domain == "net_worth" else "tenant_id",
        )
    return app


@pytest.fixture
def server_url(server: str) -> Iterator[str]:
    yield from fresh_database(server)


def test_every_domain_passes_its_rendered_tests_on_the_server(
    every_domain_app: Path, server_url: str
) -> None:
    result = rendered_pytest(every_domain_app, {"TEST_DATABASE_URL": server_url})

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout
    assert "failed" not in result.stdout


def test_every_domain_migrates_up_checks_clean_and_down_on_the_server(
    every_domain_app: Path, server_url: str
) -> None:
    env = {"DATABASE_URL": server_url}
    # Down after up after down: the triggers and policies go, and come back, cleanly.
    steps = (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"])
    for command in (*steps, ["downgrade", "base"]):
        result = run([tool("alembic"), *command], every_domain_app, env)
        assert result.returncode == 0, (command, result.stdout, result.stderr[-3000:])
