"""Run inside a rendered app with bank connections (tenancy and soft delete on).

docs/ledger.md's key rotation, with the page's own snippet: rows of several tenants
and users (some soft-deleted, some without a token) written under one key, a new key
put first, the snippet run twice, the old key dropped, every row read back through the
repository. Any row that no longer reads, or reads another token, fails the run.

Usage: python key_rotation.py DATABASE_URL SNIPPET_FILE
Prints what the snippet prints on each run, then "rows: N, tokens: T, mismatches: M,
S rows/s in the first run"; exits 1 if a row reads back other than it was written.
"""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from engines import open_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models.bank_connections import (
    ANY_USER,
    BankConnection,
    BankConnectionCreate,
    BankConnectionRepository,
)
from app.models.bank_connections.bank_connection import TOKEN_KEYS

URL, SNIPPET = sys.argv[1], Path(sys.argv[2]).read_text()
ROWS = 3_000
TENANTS, USERS = ("acme", "globex", "initech"), ("user-1", "user-2")
Documented = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


def documented() -> Documented:
    """The page's snippet as the body of ``async def documented(sessions)``."""
    source = "async def documented(sessions):\n" + textwrap.indent(SNIPPET, "    ")
    namespace: dict[str, Any] = {}
    exec(compile(source, "docs/ledger.md", "exec"), namespace)  # noqa: S102
    function: Documented = namespace["documented"]
    return function


def item(i: int) -> BankConnectionCreate:
    token = None if i % 7 == 0 else f"access-sandbox-{i}"
    return BankConnectionCreate.model_validate(
        {
            "user_id": USERS[i % len(USERS)],
            "provider": "plaid",
            "provider_item_id": f"item-{i}",
            "institution_name": "First Platypus Bank",
            "access_token": token,
        }
    )


async def main() -> int:
    engine = open_engine(URL)
    table = BankConnection.metadata.tables["bank_connections"]
    async with engine.begin() as connection:
        await connection.run_sync(table.create)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    os.environ[TOKEN_KEYS] = old
    expected: dict[uuid.UUID, tuple[str, str | None]] = {}
    async with sessions() as session:
        repository = BankConnectionRepository(session)
        for t, tenant in enumerate(TENANTS):
            items = [item(i) for i in range(t, ROWS, len(TENANTS))]
            created = await repository.create_many(items, tenant_id=tenant)
            for each, sent in zip(created, items, strict=True):
                token = sent.access_token.get_secret_value() if sent.access_token else None
                expected[each.id] = (tenant, token)
        for row_id in list(expected)[:: ROWS // 10]:
            await repository.delete(row_id, tenant_id=expected[row_id][0], user_id=ANY_USER)
        await session.commit()

    os.environ[TOKEN_KEYS] = f"{new},{old}"
    run = documented()
    started = time.perf_counter()
    await run(sessions)
    elapsed = time.perf_counter() - started
    await run(sessions)
    os.environ[TOKEN_KEYS] = new

    mismatches = 0
    async with sessions() as session:
        repository = BankConnectionRepository(session)
        for row_id, (tenant, token) in expected.items():
            found = await repository.get(
                row_id, tenant_id=tenant, user_id=ANY_USER, include_deleted=True
            )
            mismatches += found.access_token != token
    async with engine.begin() as connection:
        await connection.run_sync(table.drop)
    await engine.dispose()
    tokens = sum(token is not None for _, token in expected.values())
    print(
        f"rows: {len(expected)}, tokens: {tokens}, mismatches: {mismatches}, "
        f"{len(expected) / elapsed:.0f} rows/s in the first run"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
