"""The rendered tests of every domain, against real PostgreSQL and MariaDB servers.

URLs come from FIP_POSTGRES_URL and FIP_MARIADB_URL (SQLAlchemy async URLs of a
database the test may create databases next to). Without a URL the tests skip and
say why; with FIP_REQUIRE_DATABASES=1 (as .ci/run sets) a missing or unreachable
server fails the run instead. Each run works in a database of its own, dropped after.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import render, rendered_pytest

pytestmark = [pytest.mark.slow, pytest.mark.database]

SERVERS = {"postgresql": "FIP_POSTGRES_URL", "mariadb": "FIP_MARIADB_URL"}


async def _execute(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(params=list(SERVERS))
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database on the server, dropped when the test ends."""
    variable = SERVERS[request.param]
    server_url = os.environ.get(variable)
    required = os.environ.get("FIP_REQUIRE_DATABASES") == "1"
    if not server_url:
        if required:
            pytest.fail(
                f"{variable} is not set, and FIP_REQUIRE_DATABASES=1 requires {request.param}"
            )
        pytest.skip(f"{variable} is not set: no {request.param} server to test against")
    name = f"fip_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_execute(server_url, f"CREATE DATABASE {name}"))
    except OSError as error:
        if required:
            pytest.fail(f"{request.param} at {variable} is unreachable: {error}")
        pytest.skip(f"{request.param} at {variable} is unreachable: {error}")
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(server_url, f"DROP DATABASE {name}"))


def test_every_domain_passes_its_rendered_tests_on_the_server(
    tmp_path: Path, database_url: str
) -> None:
    for domain in ("budgets", "goals", "net_worth"):
        render(tmp_path, domain=domain, include_tenant=True, include_soft_delete=True)

    result = rendered_pytest(tmp_path, {"TEST_DATABASE_URL": database_url})

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout
    assert "failed" not in result.stdout
