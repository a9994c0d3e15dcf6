"""The rendered repositories next to raw SQLAlchemy Core on the same engine, as ratios.

    python benchmarks/repository.py [repeats]

Renders goals and the ledger (tenancy on) into a scratch app, then times, alternating
the two sides `repeats` times (default 5) and printing medians and their ratio:

1. ``create_many`` of 10,000 goals (it returns them as ``GoalRead``) / Core ``insert``
   executemany of the same rows;
2. ``sync_many`` of 10,000 new transactions / the same Core insert, and the batch sent
   again (nothing changes) / a Core ``select`` of those rows by key;
3. ``get`` of 2,000 rows by id / Core ``select ... where id = ?``, built per call as
   a request builds it, and (for reference) built once with bind parameters;
4. a ``list`` page of 50 rows, 500 times / the same Core query, both ways;
5. PostgreSQL only (FIP_POSTGRES_URL): a keyset page of transactions 1,000,000 rows
   deep, in the middle of 2,000,000 (as many rows after it as before) / the first page.

Each side runs once untimed first (statement compilation, connection pool), then
``repeats`` times, alternating.

SQLite always; PostgreSQL and MariaDB when FIP_POSTGRES_URL / FIP_MARIADB_URL are set.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from copier import run_copy
from sqlalchemy import bindparam, func, insert, make_url, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
TENANT, USER = "tenant-a", "user-1"
ROWS = 10_000
DEEP = 1_000_000


def render_app(folder: Path) -> None:
    for domain in ("goals", "categories", "bank_connections", "accounts", "transactions"):
        run_copy(
            str(ROOT),
            folder,
            data={"domain": domain, "include_tenant": True},
            defaults=True,
            unsafe=True,
            quiet=True,
        )
    sys.path.insert(0, str(folder))


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    # Each run starts with no garbage left by the one before: otherwise a full
    # collection lands in whichever run happens to cross the threshold (+-15%).
    gc.collect()
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


class Bench:
    """One database: fresh tables, and pairs of timed actions on one engine."""

    def __init__(self, engine: AsyncEngine, repeats: int) -> None:
        self.engine = engine
        self.repeats = repeats
        for ledger in ("categories", "bank_connections", "accounts"):
            importlib.import_module(f"app.models.{ledger}")  # their tables, for the keys
        goals = importlib.import_module("app.models.goals")
        transactions = importlib.import_module("app.models.transactions")
        self.goals, self.transactions = goals, transactions
        self.metadata = goals.Goal.metadata

    async def reset(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(self.metadata.drop_all)
            await connection.run_sync(self.metadata.create_all)

    async def pair(
        self,
        label: str,
        ours: Callable[[], Awaitable[object]],
        core: Callable[[], Awaitable[object]],
        between: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        mine: list[float] = []
        raw: list[float] = []
        for side in (ours, core):  # warm up: compile the statements, fill the pool
            if between is not None:
                await between()
            await side()
        for _ in range(self.repeats):
            for side, times in ((ours, mine), (core, raw)):
                if between is not None:
                    await between()
                times.append(await timed(side))
        ours_s, core_s = statistics.median(mine), statistics.median(raw)
        print(
            f"  {label:<44} {ours_s * 1000:9.1f} ms  core {core_s * 1000:9.1f} ms  "
            f"ratio {ours_s / core_s:5.2f}x"
        )

    # --- data ---------------------------------------------------------------------

    def goal(self, i: int) -> Any:
        return self.goals.GoalCreate(
            user_id=USER,
            name=f"Goal {i}",
            type="savings",
            target_amount=Decimal("1000.00"),
            current_amount=Decimal("10.10"),
        )

    def transaction(self, i: int, account: uuid.UUID) -> Any:
        return self.transactions.TransactionCreate(
            user_id=USER,
            account_id=account,
            provider_transaction_id=f"txn-{i}",
            transaction_date=date(2026, 1, 1) + timedelta(days=i % 365),
            amount=Decimal("-12.34"),
            description="COFFEE",
            merchant_name="Coffee Roasters",
        )

    @staticmethod
    def as_row(item: Any, **extra: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        values: dict[str, Any] = item.model_dump() | extra
        return values | {
            "id": uuid.uuid4(),
            "tenant_id": TENANT,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }

    async def account(self) -> uuid.UUID:
        accounts = importlib.import_module("app.models.accounts")
        async with AsyncSession(self.engine) as session:
            created = await accounts.AccountRepository(session).create(
                accounts.AccountCreate(user_id=USER, name="Checking", type="checking"),
                tenant_id=TENANT,
            )
            account_id: uuid.UUID = created.id
            await session.commit()
            return account_id

    # --- measurements -------------------------------------------------------------

    async def run(self) -> None:
        await self.reset()
        goal_table = self.goals.Goal.__table__
        items = [self.goal(i) for i in range(ROWS)]

        async def create_many() -> None:
            async with AsyncSession(self.engine) as session:
                await self.goals.GoalRepository(session).create_many(items, tenant_id=TENANT)
                await session.commit()

        async def core_insert() -> None:
            rows = [self.as_row(item) for item in items]
            async with self.engine.begin() as connection:
                await connection.execute(insert(goal_table), rows)

        async def clear_goals() -> None:
            async with self.engine.begin() as connection:
                await connection.execute(goal_table.delete())

        await self.pair(f"create_many of {ROWS:,} goals", create_many, core_insert, clear_goals)

        account = await self.account()
        table = self.transactions.Transaction.__table__
        batch = [self.transaction(i, account) for i in range(ROWS)]

        async def sync_many() -> None:
            async with AsyncSession(self.engine) as session:
                repository = self.transactions.TransactionRepository(session)
                await repository.sync_many(batch, tenant_id=TENANT)
                await session.commit()

        async def core_transactions() -> None:
            rows = [self.as_row(item) for item in batch]
            async with self.engine.begin() as connection:
                await connection.execute(insert(table), rows)

        async def clear_transactions() -> None:
            async with self.engine.begin() as connection:
                await connection.execute(table.delete())

        await self.pair(
            f"sync_many of {ROWS:,} new transactions",
            sync_many,
            core_transactions,
            clear_transactions,
        )
        await clear_transactions()
        await sync_many()
        keys = [(TENANT, account, f"txn-{i}") for i in range(ROWS)]

        async def core_lookup() -> None:
            columns = tuple_(table.c.tenant_id, table.c.account_id, table.c.provider_transaction_id)
            async with self.engine.connect() as connection:
                for start in range(0, len(keys), 500):
                    query = select(table).where(columns.in_(keys[start : start + 500]))
                    (await connection.execute(query)).all()

        await self.pair(f"sync_many of the same {ROWS:,} again", sync_many, core_lookup)

        await clear_goals()
        await core_insert()
        async with self.engine.connect() as connection:
            ids = list((await connection.scalars(select(goal_table.c.id).limit(2000))).all())

        async def gets() -> None:
            async with AsyncSession(self.engine) as session:
                repository = self.goals.GoalRepository(session)
                for goal_id in ids:
                    await repository.get(goal_id, tenant_id=TENANT, user_id=USER)

        async def core_gets() -> None:
            async with self.engine.connect() as connection:
                for goal_id in ids:
                    query = select(goal_table).where(
                        goal_table.c.id == goal_id,
                        goal_table.c.tenant_id == TENANT,
                        goal_table.c.user_id == USER,
                    )
                    (await connection.execute(query)).first()

        await self.pair(f"get of {len(ids):,} goals by id", gets, core_gets)
        by_id = select(goal_table).where(
            goal_table.c.id == bindparam("id"),
            goal_table.c.tenant_id == bindparam("tenant"),
            goal_table.c.user_id == bindparam("user"),
        )

        async def core_gets_prebuilt() -> None:
            async with self.engine.connect() as connection:
                for goal_id in ids:
                    owner = {"tenant": TENANT, "user": USER}
                    (await connection.execute(by_id, {"id": goal_id} | owner)).first()

        await self.pair("  the same / Core's statement built once", gets, core_gets_prebuilt)

        async def pages() -> None:
            async with AsyncSession(self.engine) as session:
                repository = self.goals.GoalRepository(session)
                for _ in range(500):
                    await repository.list(tenant_id=TENANT, user_id=USER, limit=50)

        async def core_pages() -> None:
            # Built per page, as get's query is: a request names its own tenant and user.
            async with self.engine.connect() as connection:
                for _ in range(500):
                    query = (
                        select(goal_table)
                        .where(goal_table.c.tenant_id == TENANT, goal_table.c.user_id == USER)
                        .order_by(goal_table.c.created_at, goal_table.c.id)
                        .limit(51)
                    )
                    (await connection.execute(query)).all()

        await self.pair("500 list pages of 50 goals", pages, core_pages)
        page = (
            select(goal_table)
            .where(
                goal_table.c.tenant_id == bindparam("tenant_id"),
                goal_table.c.user_id == bindparam("user_id"),
            )
            .order_by(goal_table.c.created_at, goal_table.c.id)
            .limit(bindparam("limit"))
        )

        async def core_pages_prebuilt() -> None:
            async with self.engine.connect() as connection:
                for _ in range(500):
                    values = {"tenant_id": TENANT, "user_id": USER, "limit": 51}
                    (await connection.execute(page, values)).all()

        await self.pair("  the same / Core's statement built once", pages, core_pages_prebuilt)

    async def deep_page(self) -> None:
        """PostgreSQL: a keyset page 1,000,000 rows into 2,000,000, against the first page."""
        await self.reset()
        account = await self.account()
        async with self.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO transactions (id, tenant_id, user_id, account_id,"
                    " provider_transaction_id, transaction_date, amount, currency, pending,"
                    " version, created_at, updated_at)"
                    " SELECT gen_random_uuid(), :tenant, :user, :account, 'txn-' || n,"
                    " DATE '2000-01-01' + (n / 100), -1, 'USD', false, 1, now(), now()"
                    " FROM generate_series(1, :rows) AS n"
                ),
                {"tenant": TENANT, "user": USER, "account": account, "rows": 2 * DEEP},
            )
            await connection.execute(text("ANALYZE transactions"))
        repository_module = importlib.import_module(
            "app.models.transactions.transaction_repository"
        )
        model = self.transactions.Transaction
        async with AsyncSession(self.engine) as session:
            order = (model.transaction_date, model.id)
            deep_row = await session.scalar(
                select(model).order_by(*order).offset(DEEP - 1).limit(1)
            )
            cursor = repository_module._encode_cursor(deep_row, False)
            total = await session.scalar(select(func.count()).select_from(model))
        print(f"  ({total:,} transactions of one user)")

        async def first() -> None:
            async with AsyncSession(self.engine) as session:
                repository = self.transactions.TransactionRepository(session)
                for _ in range(50):
                    await repository.list(tenant_id=TENANT, user_id=USER, limit=50)

        async def deep() -> None:
            async with AsyncSession(self.engine) as session:
                repository = self.transactions.TransactionRepository(session)
                for _ in range(50):
                    await repository.list(tenant_id=TENANT, user_id=USER, limit=50, cursor=cursor)

        await self.pair(f"50 pages {DEEP:,} rows deep (vs the first)", deep, first)


async def _server_statement(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def main(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        render_app(Path(scratch) / "app")
        urls = {"sqlite": f"sqlite+aiosqlite:///{scratch}/bench.db"}
        for name, variable in (("postgresql", "FIP_POSTGRES_URL"), ("mariadb", "FIP_MARIADB_URL")):
            if os.environ.get(variable):
                urls[name] = os.environ[variable]
        for name, url in urls.items():
            database = f"fip_bench_{uuid.uuid4().hex[:8]}"
            if name != "sqlite":  # a database of its own, dropped afterwards
                await _server_statement(url, f"CREATE DATABASE {database}")
                url = str(make_url(url).set(database=database).render_as_string(False))
            engine = create_async_engine(url)
            print(f"{name}:")
            try:
                bench = Bench(engine, repeats)
                await bench.run()
                if name == "postgresql":
                    await bench.deep_page()
            finally:
                await engine.dispose()
                if name != "sqlite":
                    await _server_statement(urls[name], f"DROP DATABASE {database}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
