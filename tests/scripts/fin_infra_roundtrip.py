"""Run inside a rendered app with budgets, goals and net_worth (tenancy and soft delete on).

Rows stored through the repositories and read back convert to fin-infra's own models
with ``to_fin_infra()`` and back with ``from_fin_infra()``, in Python mode (objects,
not JSON): every value comes back equal. Then a snapshot as fin-infra's aggregator
builds one (every category set, counts and providers filled) is stored and read back.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engines import open_engine
from fin_infra.budgets.models import Budget as FinBudget
from fin_infra.goals.models import Goal as FinGoal
from fin_infra.net_worth.models import NetWorthSnapshot as FinSnapshot
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.db.base import Base
from app.models.budgets import BudgetCreate, BudgetRead, BudgetRepository
from app.models.goals import GoalCreate, GoalRead, GoalRepository
from app.models.net_worth import (
    NetWorthSnapshotCreate,
    NetWorthSnapshotNotConvertible,
    NetWorthSnapshotRead,
    NetWorthSnapshotRepository,
)

TENANT = "tenant-a"
TABLES = ("budgets", "goals", "net_worth_snapshots")


def check(label: str, fin: Any, fin_model: type, back: Any, sent: Any) -> None:
    assert isinstance(fin, fin_model), type(fin)
    assert back.model_dump() == sent.model_dump(), (back, sent)
    print(f"{label}: ok {fin.id}")


async def main() -> None:
    engine = open_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        # Only these tables: the base's metadata may hold others.
        tables = [Base.metadata.tables[name] for name in TABLES]
        await connection.run_sync(Base.metadata.create_all, tables=tables)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        budget = BudgetCreate(
            user_id="u1",
            name="Food",
            type="household",
            period="monthly",
            categories={"groceries": Decimal("400.10"), "rent": Decimal("1500")},
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 31),
        )
        goal = GoalCreate(
            user_id="u1",
            name="Fund",
            type="savings",
            target_amount=Decimal("1000.50"),
            current_amount=Decimal("0.25"),
            deadline=date(2027, 6, 30),
        )
        snapshot = NetWorthSnapshotCreate(
            user_id="u1",
            snapshot_date=date(2026, 1, 1),
            total_assets=Decimal("10.20"),
            total_liabilities=Decimal("0.10"),
            total_net_worth=Decimal("10.10"),
            asset_breakdown={"cash": Decimal("0.20"), "investments": Decimal("10.00")},
            liability_breakdown={"credit_card": Decimal("0.10"), "mortgage": Decimal("0")},
        )
        stored_budget = await BudgetRepository(session).create(budget, tenant_id=TENANT)
        stored_goal = await GoalRepository(session).create(goal, tenant_id=TENANT)
        snapshots = NetWorthSnapshotRepository(session)
        stored_snapshot = await snapshots.create(snapshot, tenant_id=TENANT)
        await session.commit()

        fin_budget = BudgetRead.model_validate(stored_budget).to_fin_infra()
        check("Budget", fin_budget, FinBudget, BudgetCreate.from_fin_infra(fin_budget), budget)
        fin_goal = GoalRead.model_validate(stored_goal).to_fin_infra()
        check("Goal", fin_goal, FinGoal, GoalCreate.from_fin_infra(fin_goal), goal)
        fin_snapshot = NetWorthSnapshotRead.model_validate(stored_snapshot).to_fin_infra()
        # The breakdowns fill fin-infra's per-category fields; none is left at 0.0.
        assert (fin_snapshot.cash, fin_snapshot.investments) == (0.2, 10.0), fin_snapshot
        assert fin_snapshot.credit_cards == 0.1, fin_snapshot
        back = NetWorthSnapshotCreate.from_fin_infra(fin_snapshot)
        check("NetWorthSnapshot", fin_snapshot, FinSnapshot, back, snapshot)
        # fin-infra strips a snapshot's strings: a value it would change is refused.
        read = NetWorthSnapshotRead.model_validate(stored_snapshot)
        padded = read.model_copy(update={"user_id": "u1 "})
        try:
            padded.to_fin_infra()
        except NetWorthSnapshotNotConvertible as error:
            assert "user_id" in str(error), error
        else:
            raise AssertionError("a user_id fin-infra strips converted")

        # As fin-infra's aggregator builds one: every category given, most of them 0.0.
        aggregated = FinSnapshot(
            id="snapshot-1",
            user_id="u1",
            snapshot_date=datetime(2026, 2, 1, tzinfo=UTC),
            total_net_worth=55000.0,
            total_assets=60000.0,
            total_liabilities=5000.0,
            cash=10000.0,
            investments=45000.0,
            crypto=5000.0,
            real_estate=0.0,
            vehicles=0.0,
            other_assets=0.0,
            credit_cards=5000.0,
            mortgages=0.0,
            auto_loans=0.0,
            student_loans=0.0,
            personal_loans=0.0,
            lines_of_credit=0.0,
            asset_count=5,
            liability_count=1,
            providers=["plaid", "alpaca"],
        )
        new = NetWorthSnapshotCreate.from_fin_infra(aggregated)
        stored = await snapshots.create(new, tenant_id=TENANT)
        again = NetWorthSnapshotRead.model_validate(stored).to_fin_infra()
        dropped = {"id", "created_at", "asset_count", "liability_count", "providers"}
        assert again.model_dump(exclude=dropped) == aggregated.model_dump(exclude=dropped)
        print(f"NetWorthSnapshot from fin-infra: ok {again.id}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
