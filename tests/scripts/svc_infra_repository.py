"""Run inside a rendered app without our repository: svc-infra's SqlRepository drives the model."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from svc_infra.db.sql.repository import SqlRepository

from app.models.budgets import Budget, BudgetCreate, BudgetRead


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    table: Table = Budget.metadata.tables["budgets"]
    async with engine.begin() as connection:
        await connection.run_sync(Budget.metadata.create_all, tables=[table])
    repository = SqlRepository(model=Budget, soft_delete=True)
    mine = [Budget.tenant_id == "t1"]
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        data = BudgetCreate(
            user_id="u1",
            name="Food",
            type="household",
            period="monthly",
            categories={"groceries": Decimal("400.10")},
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 31),
        )
        created = await repository.create(session, data.model_dump() | {"tenant_id": "t1"})
        read = BudgetRead.model_validate(created)
        assert read.categories == {"groceries": Decimal("400.10")}, read
        assert await repository.get(session, created.id, where=[Budget.tenant_id == "t2"]) is None
        assert await repository.count(session, where=mine) == 1
        assert await repository.delete(session, created.id, where=mine)
        assert await repository.get(session, created.id, where=mine) is None
        assert await repository.count(session, where=mine) == 0
        print("SqlRepository: ok")


if __name__ == "__main__":
    asyncio.run(main())
