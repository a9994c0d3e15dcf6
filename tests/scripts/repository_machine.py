"""Run inside a rendered app (budgets, tenancy and soft delete on).

A hypothesis state machine drives BudgetRepository beside a plain in-memory model of
what it should hold, and checks after every step that the two agree: what every
tenant and user sees page by page, in order, with and without deleted rows, and
every row's version. Calls on other tenants' rows and on deleted rows are part of
the mix. Usage: python repository_machine.py DATABASE_URL EXAMPLES STEPS
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from engines import open_engine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models.budgets import (
    Budget,
    BudgetConflict,
    BudgetCreate,
    BudgetNotFound,
    BudgetRepository,
    BudgetUpdate,
)

URL, EXAMPLES, STEPS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
TENANTS = ("tenant-a", "tenant-b")
USERS = ("user-1", "user-2")
NAMES = ("rent", "food", "fun")
TABLE = Budget.metadata.tables["budgets"]
LOOP = asyncio.new_event_loop()
ENGINE = open_engine(URL)

SESSIONS = async_sessionmaker(ENGINE, expire_on_commit=False)
steps_run = 0


async def _create_table() -> None:
    async with ENGINE.begin() as connection:
        await connection.run_sync(TABLE.metadata.create_all, tables=[TABLE])


@dataclass
class Expected:
    tenant: str
    user: str
    name: str
    start: date
    deleted: bool = False
    version: int = 1


class RepositoryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.session: AsyncSession = SESSIONS()
        self.repository = BudgetRepository(self.session)
        self.rows: dict[uuid.UUID, Expected] = {}
        self.run(self.session.execute(delete(Budget)))

    def run(self, awaitable: Any) -> Any:
        global steps_run
        steps_run += 1
        result = LOOP.run_until_complete(awaitable)
        LOOP.run_until_complete(self.session.commit())
        return result

    def teardown(self) -> None:
        LOOP.run_until_complete(self.session.close())

    def _pick(self, pick: int) -> uuid.UUID:
        """A known row, chosen by position (ids are random, positions are not)."""
        return list(self.rows)[pick % len(self.rows)]

    def _taken(self, tenant: str, user: str, name: str, but: uuid.UUID | None = None) -> bool:
        return any(
            (r.tenant, r.user, r.name) == (tenant, user, name) and row_id != but
            for row_id, r in self.rows.items()
        )

    @rule(
        tenant=st.sampled_from(TENANTS),
        user=st.sampled_from(USERS),
        name=st.sampled_from(NAMES),
        day=st.integers(0, 5),
    )
    def create(self, tenant: str, user: str, name: str, day: int) -> None:
        start = date(2026, 1, 1) + timedelta(days=day)
        data = BudgetCreate(
            user_id=user,
            name=name,
            type="personal",
            period="monthly",
            categories={"all": Decimal("0.10")},
            start_date=start,
            end_date=start + timedelta(days=30),
        )
        duplicate = self._taken(tenant, user, name)
        try:
            row = self.run(self.repository.create(data, tenant_id=tenant))
        except BudgetConflict:
            assert duplicate, "conflict without a duplicate"
            return
        assert not duplicate, "a duplicate unique key was accepted"
        self.rows[row.id] = Expected(tenant, user, name, start)

    @precondition(lambda self: self.rows)
    @rule(
        pick=st.integers(0, 99),
        tenant=st.sampled_from(TENANTS),
        user=st.sampled_from(USERS),
        name=st.sampled_from(NAMES),
    )
    def rename(self, pick: int, tenant: str, user: str, name: str) -> None:
        row_id = self._pick(pick)
        row = self.rows[row_id]
        visible = (row.tenant, row.user) == (tenant, user) and not row.deleted
        changes = BudgetUpdate(name=name)
        try:
            updated = self.run(
                self.repository.update(row_id, changes, tenant_id=tenant, user_id=user)
            )
        except BudgetNotFound:
            assert not visible, "a visible row was not found"
            return
        except BudgetConflict:
            assert self._taken(tenant, row.user, name, but=row_id)
            return
        assert visible, "another owner's or a deleted row was updated"
        if name != row.name:
            row.version += 1
        row.name = name
        assert updated.version == row.version

    @precondition(lambda self: self.rows)
    @rule(
        pick=st.integers(0, 99),
        tenant=st.sampled_from(TENANTS),
        user=st.sampled_from(USERS),
        action=st.sampled_from(("delete", "restore", "purge")),
    )
    def change_state(self, pick: int, tenant: str, user: str, action: str) -> None:
        row_id = self._pick(pick)
        row = self.rows[row_id]
        allowed = (row.tenant, row.user) == (tenant, user) and {
            "delete": not row.deleted,
            "restore": row.deleted,
            "purge": True,
        }[action]
        try:
            self.run(getattr(self.repository, action)(row_id, tenant_id=tenant, user_id=user))
        except BudgetNotFound:
            assert not allowed, f"{action} of a row it may change raised not found"
            return
        assert allowed, f"{action} changed a row it may not"
        if action == "purge":
            del self.rows[row_id]
        else:
            row.deleted = action == "delete"
            row.version += 1

    @invariant()
    def every_reader_sees_exactly_its_rows_in_order(self) -> None:
        for tenant in TENANTS:
            for user in USERS:
                for include_deleted in (False, True):
                    mine = [
                        (r.start, i)
                        for i, r in self.rows.items()
                        if (r.tenant, r.user) == (tenant, user)
                        and (include_deleted or not r.deleted)
                    ]
                    seen = self._all_pages(tenant, user, include_deleted)
                    assert [row.id for row in seen] == [i for _, i in sorted(mine)]
                    assert all(row.version == self.rows[row.id].version for row in seen)

    def _all_pages(self, tenant: str, user: str, include_deleted: bool) -> list[Budget]:
        rows: list[Budget] = []
        cursor = None
        for _ in range(100):
            page = self.run(
                self.repository.list(
                    tenant_id=tenant,
                    user_id=user,
                    include_deleted=include_deleted,
                    limit=2,
                    cursor=cursor,
                )
            )
            rows += page.items
            cursor = page.next_cursor
            if cursor is None:
                return rows
        raise AssertionError("pagination did not end")


def main() -> None:
    LOOP.run_until_complete(_create_table())
    try:
        run_state_machine_as_test(
            RepositoryMachine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        LOOP.run_until_complete(ENGINE.dispose())
    print(f"repository calls checked: {steps_run}")


if __name__ == "__main__":
    main()
