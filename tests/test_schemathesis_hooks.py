"""The contract test's schemathesis hook drops its one false report and nothing else."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.resources import PoolDraw

from tests.schemathesis_hooks import filter_failure

RESTORE = "POST /budgets/{budget_id}/restore"


def _draw(location: str, name: str) -> PoolDraw:
    return PoolDraw(location, name, "BudgetSnapshotRead", name, "POST /budget-snapshots", 201)


def _case(path: dict[str, Any], query: dict[str, Any], *draws: PoolDraw) -> SimpleNamespace:
    return SimpleNamespace(
        path_parameters=path, query=query, meta=SimpleNamespace(pool_draws=draws)
    )


def _answer(status: int, *locs: list[str]) -> SimpleNamespace:
    errors = [{"loc": loc, "msg": "invalid", "type": "uuid_parsing"} for loc in locs]
    body = {"type": "about:blank", "status": status, "errors": errors}
    return SimpleNamespace(status_code=status, content=json.dumps(body).encode())


def _kept(case: SimpleNamespace, answer: SimpleNamespace, failure: Any = None) -> bool:
    rejected = RejectedPositiveData(
        operation=RESTORE, message="Valid data", status_code=answer.status_code, allowed_statuses=[]
    )
    return bool(filter_failure(None, failure or rejected, case, answer))


def test_a_null_the_pool_sent_as_a_path_or_query_parameter_is_dropped() -> None:
    in_path = _case({"budget_id": "null"}, {}, _draw("path", "budget_id"))
    in_query = _case({}, {"limit": 5, "budget_id": "null"}, _draw("query", "budget_id"))

    assert not _kept(in_path, _answer(422, ["path", "budget_id"]))
    assert not _kept(in_query, _answer(422, ["query", "budget_id"]))


def test_every_other_rejection_of_valid_data_is_kept() -> None:
    pooled = _draw("path", "budget_id")
    an_id = _case({"budget_id": "2f1b8a54-5d0e-4c5f-9f43-1c3f3e0c7a11"}, {}, pooled)
    not_pooled = _case({"budget_id": "null"}, {})
    null = _case({"budget_id": "null"}, {"limit": 5}, pooled)

    assert _kept(an_id, _answer(422, ["path", "budget_id"]))
    assert _kept(not_pooled, _answer(422, ["path", "budget_id"]))
    assert _kept(null, _answer(422, ["path", "budget_id"], ["query", "limit"]))
    assert _kept(null, _answer(422, ["path", "budget_id"], ["body", "name"]))
    assert _kept(null, _answer(400, ["path", "budget_id"]))
    assert _kept(null, SimpleNamespace(status_code=422, content=b"not json"))


def test_other_kinds_of_failure_are_kept() -> None:
    null = _case({"budget_id": "null"}, {}, _draw("path", "budget_id"))
    other = SimpleNamespace(code="ST201")

    assert _kept(null, _answer(422, ["path", "budget_id"]), failure=other)
