"""Run inside a rendered app: stored rows, read back, validate into fin-infra's models."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from fin_infra.budgets.models import Budget as FinBudget
from fin_infra.goals.models import Goal as FinGoal
from fin_infra.net_worth.models import NetWorthSnapshot as FinSnapshot
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db.base import Base
from app.models.budgets import BudgetCreate, BudgetRead, BudgetRepository
from app.models.goals import GoalCreate, GoalRead, GoalRepository
from app.models.net_worth import (
    NetWorthSnapshotCreate,
    NetWorthSnapshotRead,
    NetWorthSnapshotRepository,
)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with async_sessionmaker(engine)() as session:
        budget = await BudgetRepository(session).create(
            BudgetCreate(
                user_id="u1",
                name="Food",
                type="household",
                period="monthly",
                categories={"groceries": Decimal("400.10")},
                start_date=date(2026, 1, 1),
                end_date=date(2026, 1, 31),
            )
        )
        goal = await GoalRepository(session).create(
            GoalCreate(user_id="u1", name="Fund", type="savings", target_amount=Decimal("1000.50"))
        )
        snapshot = await NetWorthSnapshotRepository(session).create(
            NetWorthSnapshotCreate(
                user_id="u1",
                snapshot_date=date(2026, 1, 1),
                total_assets=Decimal("10.20"),
                total_liabilities=Decimal("0.10"),
                total_net_worth=Decimal("10.10"),
            )
        )
        pairs = [
            (BudgetRead.model_validate(budget), FinBudget),
            (GoalRead.model_validate(goal), FinGoal),
            (NetWorthSnapshotRead.model_validate(snapshot), FinSnapshot),
        ]
        for read, fin_model in pairs:
            fin = fin_model.model_validate(read.model_dump(mode="json"))
            print(f"{fin_model.__name__}: ok {fin.id}")


if __name__ == "__main__":
    asyncio.run(main())
