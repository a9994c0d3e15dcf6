"""docs/databases.md's way to empty every table between tests, run as the page prints it.

Apps whose own tests TRUNCATE every table break on MariaDB once the rendered foreign
keys exist. The page gives a function that empties them on every database; these tests
take that code block from the page, so the docs cannot drift from what was tested.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from tests.conftest import ROOT, fresh_database

pytestmark = pytest.mark.database

EmptyTables = Callable[[AsyncConnection, MetaData], Coroutine[Any, Any, None]]
HEADING = "### Apps whose tests empty every table"


def documented_empty_tables() -> EmptyTables:
    """The first Python block under the heading of docs/databases.md, executed."""
    page = (ROOT / "docs/databases.md").read_text()
    section = page[page.index(HEADING) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), "docs/databases.md", "exec"), namespace)  # noqa: S102
    function: EmptyTables = namespace["empty_tables"]
    return function


def tables_like_the_rendered_ones() -> MetaData:
    """An account, a transaction that references it, a category that references its parent."""
    metadata = MetaData()
    Table("accounts", metadata, Column("id", Integer, primary_key=True))
    Table(
        "transactions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("account_id", Integer, nullable=False),
        ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_tx_account", ondelete="CASCADE"
        ),
    )
    Table(
        "categories",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("parent_id", Integer),
        ForeignKeyConstraint(
            ["parent_id"], ["categories.id"], name="fk_cat_parent", ondelete="RESTRICT"
        ),
    )
    return metadata


async def _fill(connection: AsyncConnection, metadata: MetaData) -> None:
    tables = metadata.tables
    await connection.execute(tables["accounts"].insert(), [{"id": 1}, {"id": 2}])
    await connection.execute(tables["transactions"].insert(), [{"id": 1, "account_id": 1}])
    # The parent's id sorts first: a DELETE in id order meets it before its child.
    await connection.execute(tables["categories"].insert(), [{"id": 1, "parent_id": None}])
    await connection.execute(tables["categories"].insert(), [{"id": 2, "parent_id": 1}])


async def _rows(connection: AsyncConnection, metadata: MetaData) -> int:
    counts = [
        await connection.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables
    ]
    return sum(count or 0 for count in counts)


async def _scenario(url: str) -> tuple[str, int, int]:
    """What a plain TRUNCATE per table says, then the rows left before and after the fix."""
    metadata = tables_like_the_rendered_ones()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await _fill(connection, metadata)
        refused = ""
        if engine.dialect.name != "sqlite":
            try:
                async with engine.begin() as connection:
                    for table in metadata.sorted_tables:
                        await connection.execute(text(f"TRUNCATE TABLE {table.name}"))
            except DBAPIError as error:
                refused = str(error.orig)
        if engine.dialect.name in ("mysql", "mariadb"):
            # Children first is not enough: MariaDB checks a self-reference row by row.
            with pytest.raises(DBAPIError, match="a foreign key constraint fails"):
                async with engine.begin() as connection:
                    for table in reversed(metadata.sorted_tables):
                        await connection.execute(table.delete())
        async with engine.begin() as connection:
            before = await _rows(connection, metadata)
            await documented_empty_tables()(connection, metadata)
        async with engine.connect() as connection:
            after = await _rows(connection, metadata)
            if engine.dialect.name in ("mysql", "mariadb"):
                checks = await connection.scalar(text("SELECT @@foreign_key_checks"))
                assert checks == 1
        return refused, before, after
    finally:
        await engine.dispose()


def test_the_documented_function_empties_every_table_on_sqlite(tmp_path: Any) -> None:
    _, before, after = asyncio.run(_scenario(f"sqlite+aiosqlite:///{tmp_path}/app.db"))

    assert (before, after) == (5, 0)


@pytest.mark.parametrize("server", ["mariadb", "postgresql"])
def test_truncate_per_table_fails_and_the_documented_function_empties_every_table(
    server: str,
) -> None:
    for url in fresh_database(server):
        refused, before, after = asyncio.run(_scenario(url))

        assert "foreign key" in refused.lower()
        assert (before, after) == (5, 0)
