"""svc-infra's own CRUD routes over a rendered budgets model, next to the rendered wiring.

Run inside an app rendered with budgets, api=svc_infra, a tenant and soft delete. Prints
one line per behaviour, as measured: what svc-infra 1.22 does with add_sql_resources
alone, and what the rendered add_budget_routes answers to the same requests (the
caller being user-2 of tenant-b; the wired create sends no owner, which comes from auth).
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from svc_infra.api.fastapi.db.sql.add import add_sql_resources
from svc_infra.api.fastapi.db.sql.session import get_session
from svc_infra.db.sql.repository import SqlRepository
from svc_infra.db.sql.resource import SqlResource

from app.models.budgets import Budget, BudgetCreate, BudgetRead, BudgetUpdate
from app.models.budgets.budget_api import add_budget_routes

BODY = {
    "user_id": "user-1",
    "name": "Groceries",
    "type": "personal",
    "period": "monthly",
    "start_date": "2026-01-01",
    "end_date": "2026-01-31",
}


def _raw(app: FastAPI) -> None:
    """svc-infra's one call, as its docs show it."""
    resource = SqlResource(
        model=Budget,
        prefix="/budgets",
        read_schema=BudgetRead,
        create_schema=BudgetCreate,
        update_schema=BudgetUpdate,
        soft_delete=True,
        tenant_field="tenant_id",
    )
    add_sql_resources(app, [resource])


async def _tenant_b() -> str:
    return "tenant-b"


def _user_2() -> str:
    return "user-2"


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    engine = create_async_engine(f"sqlite+aiosqlite:///{folder}/routes.db")
    async with engine.begin() as connection:
        await connection.run_sync(Budget.metadata.create_all, tables=[Budget.__table__])
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def session() -> AsyncIterator[AsyncSession]:
        async with sessions() as db:
            yield db
            await db.commit()

    async with sessions() as db:
        data = BudgetCreate.model_validate(BODY).model_dump() | {"tenant_id": "tenant-a"}
        row = Budget(**data)
        db.add(row)
        await db.commit()
        row_id = row.id

    raw = FastAPI()
    _raw(raw)
    raw.dependency_overrides[get_session] = session
    wired = FastAPI()
    add_budget_routes(wired, _tenant_b, _user_2)
    wired.dependency_overrides[get_session] = session
    header = {"X-Tenant-Id": "tenant-a"}  # a client of tenant-b naming tenant-a
    for name, app in (("raw", raw), ("wired", wired)):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            url = f"/_sql/budgets/{row_id}"
            listed: Any = (await client.get("/_sql/budgets", headers=header)).json()
            print(f"{name}: list with X-Tenant-Id of another tenant: total {listed['total']}")
            found = await client.get(url, headers=header)
            print(f"{name}: get by id: {found.status_code}")
            deleted = await client.delete(url, headers=header)
            print(f"{name}: delete by id: {deleted.status_code}")
            body = BODY if name == "raw" else {k: v for k, v in BODY.items() if k != "user_id"}
            created = await client.post("/_sql/budgets", json=body, headers=header)
            print(f"{name}: create without the defaulted fields: {created.status_code}")
            owned = BODY | {"name": "Rent", "categories": {}}  # a whole budget, owner named
            named = await client.post("/_sql/budgets", json=owned, headers=header)
            print(f"{name}: create naming its owner: {named.status_code}")
            invalid = await client.post("/_sql/budgets", json=[owned], headers=header)
            echoed = "Rent" in invalid.text
            print(f"{name}: invalid body: {invalid.status_code}, input echoed: {echoed}")

    async with sessions() as db:
        other = Budget(**(data | {"tenant_id": "tenant-b", "name": "Other", "id": uuid.uuid4()}))
        db.add(other)
        await db.commit()
        repository = SqlRepository(model=Budget, soft_delete=True)
        gone = await repository.delete(db, other.id)  # "as tenant-a", without where=
        print(f"SqlRepository.delete without where= deletes another tenant's row: {gone}")
        await db.rollback()
    await engine.dispose()


asyncio.run(main())
