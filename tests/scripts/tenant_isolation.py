"""Run inside a rendered app with budgets, goals and net_worth (tenancy and soft delete on).

Seeded random attempts on one user's rows, live and soft-deleted, by another tenant and
by another user of the same tenant,
through every repository method: reads must come back empty or not found, writes
must raise not found, and the other tenant's rows must be byte for byte unchanged.
Usage: python tenant_isolation.py DATABASE_URL ATTEMPTS_PER_DOMAIN SEED
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import random
import sys
import typing
from datetime import date
from enum import Enum
from typing import Any

from engines import open_engine
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

URL, ATTEMPTS, SEED = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
DOMAINS = {"budgets": "Budget", "goals": "Goal", "net_worth": "NetWorthSnapshot"}
OWNER, INTRUDER, USER = "tenant-a", "tenant-b", "user-1"
# Another tenant (with the victim's user id), and another user of the victim's tenant.
INTRUDERS = ((INTRUDER, USER), (OWNER, "user-2"))
ROW_METHODS = ("get", "update", "delete", "restore", "purge")
CRUD = {
    *("create", "create_many", "get", "list", "count"),
    *("update", "delete", "restore", "purge"),
}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _finders(repository: type) -> list[str]:
    return [
        name
        for name, _ in inspect.getmembers(repository, inspect.iscoroutinefunction)
        if not name.startswith("_") and name not in CRUD
    ]


def _arguments(method: Any) -> list[Any]:
    """Positional arguments for a finder: a day, a range, or an enum member."""
    hints = typing.get_type_hints(method)
    values: list[Any] = []
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "self" or parameter.kind is not parameter.POSITIONAL_OR_KEYWORD:
            continue
        kind = hints[name]
        values.append(
            date(2026, 3, 15)
            if kind is date
            else next(iter(kind))
            if issubclass(kind, Enum)
            else None
        )
    if len(values) == 2 and all(isinstance(v, date) for v in values):
        values = [date(2020, 1, 1), date(2030, 1, 1)]
    return values


async def _snapshot(
    sessions: async_sessionmaker[AsyncSession], table: Table
) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        return [
            tuple(row) for row in await session.execute(select(*table.columns).order_by(table.c.id))
        ]


async def attack(domain: str, entity: str, rng: random.Random) -> tuple[int, int]:
    package = importlib.import_module(f"app.models.{domain}")
    values = getattr(
        importlib.import_module(f"tests.{domain}.conftest"), f"{_snake(entity)}_values"
    )
    model, repository_class = getattr(package, entity), getattr(package, f"{entity}Repository")
    create, update = getattr(package, f"{entity}Create"), getattr(package, f"{entity}Update", None)
    not_found = getattr(package, f"{entity}NotFound")
    table: Table = model.metadata.tables[model.__tablename__]
    engine = open_engine(URL)
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.drop_all, tables=[table])
        await connection.run_sync(table.metadata.create_all, tables=[table])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        owner = repository_class(session)
        rows = [
            await owner.create(create.model_validate(values(i)), tenant_id=OWNER)
            for i in range(1, 7)
        ]
        for row in rows[:3]:
            await owner.delete(row.id, tenant_id=OWNER, user_id=USER)
        await session.commit()
    before = await _snapshot(sessions, table)
    change = None
    if update is not None:
        change = update.model_validate(
            {k: v for k, v in values(42).items() if k in update.model_fields}
        )
    finders = _finders(repository_class)
    attempts = blocked = 0
    methods = [
        m for m in (*ROW_METHODS, "list", "count", *finders) if m != "update" or change is not None
    ]
    for _ in range(ATTEMPTS):
        method = rng.choice(methods)
        row = rng.choice(rows)
        tenant, user = rng.choice(INTRUDERS)
        attempts += 1
        async with sessions() as session:
            intruder = repository_class(session)
            if method in ROW_METHODS:
                args = (row.id, change) if method == "update" else (row.id,)
                try:
                    await getattr(intruder, method)(*args, tenant_id=tenant, user_id=user)
                except not_found:
                    blocked += 1
                else:
                    raise AssertionError(f"{domain}.{method} reached {USER}'s row as {user}")
            elif method == "list":
                page = await intruder.list(tenant_id=tenant, user_id=user, include_deleted=True)
                assert list(page.items) == [], f"{domain}.list leaked rows"
                blocked += 1
            elif method == "count":
                assert (
                    await intruder.count(tenant_id=tenant, user_id=user, include_deleted=True) == 0
                )
                blocked += 1
            else:
                found = await getattr(intruder, method)(
                    *_arguments(getattr(intruder, method)), tenant_id=tenant, user_id=user
                )
                assert not found, f"{domain}.{method} leaked rows"
                blocked += 1
            await session.commit()
    assert await _snapshot(sessions, table) == before, f"{domain}: the owner's rows changed"
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.drop_all, tables=[table])
    await engine.dispose()
    return attempts, blocked


async def main() -> None:
    rng = random.Random(SEED)
    total = 0
    for domain, entity in DOMAINS.items():
        attempts, blocked = await attack(domain, entity, rng)
        assert attempts == blocked
        total += attempts
        print(f"{domain}: {attempts} attempts, {blocked} blocked")
    print(f"total: {total} attempts, all blocked, no row changed")


if __name__ == "__main__":
    asyncio.run(main())
