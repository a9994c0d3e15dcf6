"""Run inside a rendered app with budgets, goals and net_worth (tenancy and soft delete on).

A hostile caller against the rendered repositories, on tables the rendered
migrations created: look-alike tenants and users (case, trailing space, accents,
homoglyphs, invisible and control characters, over-long), forged page cursors,
arguments of the wrong type, and values past what a column holds. Every call must
end in a result that reveals nothing, the repository's own error, or the schema's
ValidationError; never a driver error, and never the victim tenant's rows.

Usage: python attack.py DATABASE_URL
Prints per domain: attempts, cross-tenant reads or writes, raw errors; exits 1 if
either count is not zero.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import importlib.util
import inspect
import json
import sys
import typing
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from engines import open_engine
from pydantic import ValidationError
from sqlalchemy import Connection, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

URL = sys.argv[1]
DOMAINS = {"budgets": "Budget", "goals": "Goal", "net_worth": "NetWorthSnapshot"}
TENANT, USER = "acme", "user-1"
LOOKALIKE_TENANTS = [
    "ACME",
    "Acme",
    "acme ",
    " acme",
    "acmé",
    "acme\u0301",  # e + combining accent
    "\u0430cme",  # Cyrillic a
    "acme\u200b",  # zero-width space
    "acme\x00",
    "acme\n",
    "acme%",
    "acm_",
    "",
    "a" * 65,
]
LOOKALIKE_USERS = ["USER-1", "user-1 ", "üser-1", "user-1\x00", "user_1", "", "u" * 65]
WRONG_IDS: list[Any] = ["not-a-uuid", 123, None, str(uuid.uuid4())]
WRONG_LIMITS: list[Any] = [0, -1, 501, 10**9, "5", True, 2.5, None]
CRUD = {
    *("create", "create_many", "get", "list", "count"),
    *("update", "delete", "restore", "purge"),
}


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


FORGED_CURSORS: list[Any] = [
    "",
    "not-a-cursor",
    "%%%%",
    "é",
    "a" * 10_000,
    _b64([]),
    _b64({}),
    _b64(None),
    _b64([1, 2, 3]),
    _b64(["2026-01-01", "not-a-uuid", False]),
    _b64(["2026-01-01", str(uuid.uuid4()), "false"]),
    _b64(["2026-01-01T00:00:00", str(uuid.uuid4()), False]),  # naive moment
    _b64([123, str(uuid.uuid4()), False]),
    _b64(["9999-99-99", str(uuid.uuid4()), False]),
    _b64(["2026-01-01", 42, False]),
    base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
    base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    123,
    b"bytes",
    ["list"],
]


class Tally:
    """What happened to each attempt."""

    def __init__(self, domain: str, base_error: type[Exception]) -> None:
        self.domain, self.base_error = domain, base_error
        self.attempts = self.breaches = self.raw = 0
        self.details: list[str] = []

    async def call(self, what: str, action: Callable[[], Awaitable[Any]]) -> Any:
        """Run one attack; a repository or schema error is a refusal, anything else is raw."""
        self.attempts += 1
        try:
            return await action()
        except (self.base_error, ValidationError):
            return None
        except Exception as error:  # noqa: BLE001 - counting what escapes is the point
            self.raw += 1
            self.details.append(f"raw {type(error).__name__} from {what}: {error!s:.200}")
            return None

    def breach(self, what: str) -> None:
        self.breaches += 1
        self.details.append(f"breach: {what}")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upgrade(connection: Connection, table: str) -> None:
    """Create the table with its own rendered migrations, in revision order."""
    modules = [_load(p) for p in sorted(Path("migrations/versions").glob(f"*_{table}*.py"))]
    waiting = {m.revision for m in modules}  # the first one revises another domain's
    with Operations.context(MigrationContext.configure(connection)):
        while modules:
            ready = next(m for m in modules if m.down_revision not in waiting)
            ready.upgrade()
            waiting.discard(ready.revision)
            modules.remove(ready)


def _finders(repository: type) -> list[str]:
    return [
        name
        for name, _ in inspect.getmembers(repository, inspect.iscoroutinefunction)
        if not name.startswith("_") and name not in CRUD and name != "require_row_level_security"
    ]


def _finder_arguments(method: Any) -> list[Any]:
    hints = typing.get_type_hints(method)
    values: list[Any] = []
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "self" or parameter.kind is not parameter.POSITIONAL_OR_KEYWORD:
            continue
        kind = hints[name]
        values.append(date(2026, 3, 15) if kind is date else next(iter(kind)))
    if len(values) == 2 and all(isinstance(v, date) for v in values):
        values = [date(2020, 1, 1), date(2030, 1, 1)]
    return values


async def _rows(sessions: async_sessionmaker[AsyncSession], table: Table) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        query = select(*table.columns).order_by(table.c.id)
        return [tuple(row) for row in await session.execute(query)]


async def attack(domain: str, entity: str) -> Tally:
    package = importlib.import_module(f"app.models.{domain}")
    conftest = importlib.import_module(f"tests.{domain}.conftest")
    values = getattr(conftest, next(n for n in dir(conftest) if n.endswith("_values")))
    model, repository_class = getattr(package, entity), getattr(package, f"{entity}Repository")
    create, update = getattr(package, f"{entity}Create"), getattr(package, f"{entity}Update", None)
    tally = Tally(domain, getattr(package, f"{entity}Error"))
    table: Table = model.__table__
    engine = open_engine(URL)
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.drop_all, tables=[table])
        await connection.run_sync(_upgrade, table.name)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        owner = repository_class(session)
        victims = [
            await owner.create(create.model_validate(values(i)), tenant_id=TENANT)
            for i in (1, 2, 3)
        ]
        await owner.delete(victims[2].id, tenant_id=TENANT, user_id=USER)
        await session.commit()
    before = await _rows(sessions, table)
    change = None
    if update is not None:
        change = update.model_validate(
            {k: v for k, v in values(42).items() if k in update.model_fields}
        )
    finders = _finders(repository_class)

    async def attempt(what: str, run: Callable[[Any], Awaitable[Any]]) -> Any:
        async with sessions() as session:
            result = await tally.call(what, lambda: run(repository_class(session)))
            await session.rollback()
            return result

    # Look-alike tenants, and look-alike users in the right tenant, against every method
    # that takes an id: get, update, delete, restore and purge.
    owners = [(tenant, USER) for tenant in LOOKALIKE_TENANTS]
    owners += [(TENANT, user) for user in LOOKALIKE_USERS]
    for tenant, user in owners:
        for victim in victims:
            for method in ("get", "update", "delete", "restore", "purge"):
                if method == "update" and change is None:
                    continue
                args = (victim.id, change) if method == "update" else (victim.id,)

                async def row_call(
                    repo: Any,
                    m: str = method,
                    a: tuple[Any, ...] = args,
                    owner: dict[str, str] = {"tenant_id": tenant, "user_id": user},  # noqa: B006
                ) -> Any:
                    return await getattr(repo, m)(*a, **owner)

                what = f"{method}(tenant={tenant!r}, user={user!r})"
                if await attempt(what, row_call) is not None:
                    tally.breach(f"{domain}.{what} reached a row")
    for tenant in LOOKALIKE_TENANTS:
        for user in (USER, *LOOKALIKE_USERS):
            await _reads(tally, attempt, domain, finders, tenant, user)
    for user in LOOKALIKE_USERS:
        await _reads(tally, attempt, domain, finders, TENANT, user)
    # Forged cursors, wrong ids and limits.
    for cursor in FORGED_CURSORS:
        page = await attempt(
            f"list(cursor={str(cursor)[:20]!r})",
            lambda repo, c=cursor: repo.list(tenant_id=TENANT, user_id=USER, cursor=c),
        )
        if page is not None:
            tally.breach(f"{domain}.list accepted a forged cursor {str(cursor)[:20]!r}")
    for row_id in WRONG_IDS:
        await attempt(
            f"get({row_id!r})", lambda repo, i=row_id: repo.get(i, tenant_id=TENANT, user_id=USER)
        )
    for limit in WRONG_LIMITS:
        page = await attempt(
            f"list(limit={limit!r})",
            lambda repo, n=limit: repo.list(tenant_id=TENANT, user_id=USER, limit=n),
        )
        if page is not None:
            tally.breach(f"{domain}.list accepted limit {limit!r}")
    await _values(tally, attempt, table, create, values)
    if await _rows(sessions, table) != before:
        tally.breach(f"{domain}: the victim's rows changed")
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.drop_all, tables=[table])
    await engine.dispose()
    return tally


async def _reads(
    tally: Tally, attempt: Any, domain: str, finders: list[str], tenant: str, user: str
) -> None:
    """list, count and every finder as (tenant, user): none may see the victim's rows."""
    if (tenant, user) == (TENANT, USER):
        return
    owner = {"tenant_id": tenant, "user_id": user}
    page = await attempt(f"list({owner})", lambda repo: repo.list(**owner, include_deleted=True))
    if page is not None and list(page.items):
        tally.breach(f"{domain}.list as {owner} saw rows")
    total = await attempt(f"count({owner})", lambda repo: repo.count(**owner, include_deleted=True))
    if total:
        tally.breach(f"{domain}.count as {owner} counted rows")
    for name in finders:

        async def find(repo: Any, n: str = name) -> Any:
            method = getattr(repo, n)
            return await method(*_finder_arguments(method), **owner)

        found = await attempt(f"{name}({owner})", find)
        if found:
            tally.breach(f"{domain}.{name} as {owner} found rows")


async def _values(
    tally: Tally, attempt: Any, table: Table, create: Any, values: Callable[..., dict[str, Any]]
) -> None:
    """Values past each column's limit: refused by the schema or stored exactly, never raw."""
    texts = [
        c
        for c in table.columns
        if type(c.type).__name__ == "ExactString" and c.name in create.model_fields
    ]
    amounts = [c.name for c in table.columns if type(c.type).__name__ == "Money"]
    cases: list[dict[str, Any]] = []
    for column in texts:
        length = column.type.length
        for text in (
            "x" * (length + 1),
            "nul\x00",
            "lone\ud800",
            "emoji \U0001f4b8 ok",
            "é" * length,
        ):
            cases.append({column.name: text})
    for name in amounts:
        for amount in (
            "1e15",
            "999999999999999.99999",
            "0.00001",
            "NaN",
            "-Infinity",
            "-0",
            "-0.0000",
        ):
            cases.append({name: Decimal(amount)})
    for i, overrides in enumerate(cases, start=100):
        fields = values(i) | overrides

        async def store(repo: Any, f: dict[str, Any] = fields) -> Any:
            row = create.model_validate(f)
            created = await repo.create(row, tenant_id=TENANT)
            return row, await repo.get(created.id, tenant_id=TENANT, user_id=created.user_id)

        stored = await attempt(f"create({list(overrides)})", store)
        if stored is not None:
            sent, found = stored
            if create.model_validate(found) != sent:
                tally.breach(f"{table.name}: {list(overrides)} did not read back as sent")

        # The bulk path returns read schemas built from what it sent: they must equal
        # what the database then holds.
        async def store_many(repo: Any, f: dict[str, Any] = fields) -> Any:
            (returned,) = await repo.create_many([create.model_validate(f)], tenant_id=TENANT)
            found = await repo.get(returned.id, tenant_id=TENANT, user_id=returned.user_id)
            return type(returned).model_validate(found) == returned  # before the rollback

        same = await attempt(f"create_many({list(overrides)})", store_many)
        if same is False:
            tally.breach(f"{table.name}: create_many returned other {list(overrides)}")

        # The same value with the schema skipped: stored, or the repository's own error.
        async def store_unchecked(repo: Any, f: dict[str, Any] = fields) -> Any:
            return await repo.create(create.model_construct(**f), tenant_id=TENANT)

        await attempt(f"create_unchecked({list(overrides)})", store_unchecked)

        # The bulk path binds the same values without the unit of work.
        async def create_many_unchecked(repo: Any, f: dict[str, Any] = fields) -> Any:
            return await repo.create_many([create.model_construct(**f)], tenant_id=TENANT)

        await attempt(f"create_many_unchecked({list(overrides)})", create_many_unchecked)


async def main() -> None:
    failed = False
    total = [0, 0, 0]
    for domain, entity in DOMAINS.items():
        tally = await attack(domain, entity)
        print(
            f"{domain}: {tally.attempts} attempts, {tally.breaches} cross-tenant, {tally.raw} raw errors"
        )
        for line in tally.details[:20]:
            print("  " + line)
        total = [total[0] + tally.attempts, total[1] + tally.breaches, total[2] + tally.raw]
        failed = failed or bool(tally.breaches or tally.raw)
    print(f"total: {total[0]} attempts, {total[1]} cross-tenant, {total[2]} raw errors")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    asyncio.run(main())
