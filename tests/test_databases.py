"""The rendered tests of every domain, against real PostgreSQL and MariaDB servers.

URLs come from FIP_POSTGRES_URL and FIP_MARIADB_URL (SQLAlchemy async URLs of a
database the test may create databases next to). Without a URL the tests skip and
say why; with FIP_REQUIRE_DATABASES=1 (as .ci/run sets) a missing or unreachable
server fails the run instead. Each run works in a database of its own, dropped after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import render, rendered_pytest, run, tool

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


def test_every_domain_passes_its_rendered_tests_on_the_server(
    tmp_path: Path, database_url: str
) -> None:
    # Row-level security is PostgreSQL's; its tests would skip on MariaDB.
    rls = "column+rls" if database_url.startswith("postgresql") else "column"
    # The ledger in the order its references point, so every reference is a key.
    for domain in (*EXISTING, *LEDGER):
        render(
            tmp_path,
            domain=domain,
            include_tenant=True,
            include_soft_delete=domain != "audit_events",  # append-only: nothing to delete
            tenant_isolation=rls if domain in ("goals", "transactions") else "column",
        )

    result = rendered_pytest(tmp_path, {"TEST_DATABASE_URL": database_url})

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout
    assert "failed" not in result.stdout


def test_the_ledger_migrates_up_checks_clean_and_down_on_the_server(
    tmp_path: Path, database_url: str
) -> None:
    # Accounts first: its key to connections comes from `copier update` later, in
    # test_relations.py; here every key is made at creation, in one chain.
    for domain in LEDGER:
        render(tmp_path, domain=domain, include_tenant=True)
    env = {"DATABASE_URL": database_url}

    for command in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
        result = run([tool("alembic"), *command], tmp_path, env)
        assert result.returncode == 0, (command, result.stdout, result.stderr[-3000:])
