"""schemathesis hooks of the HTTP contract test (tests/test_http_contract.py).

One hook, around a bug of schemathesis 4.32.5 (the newest): its resource pool keeps
the ids it sees in requests and responses to reuse in later ones, and it keeps a JSON
null too (a budget snapshot's ``budget_id`` when the snapshot has no budget). It then
sends that null as the text ``null`` in a path or query parameter, in the fuzzing and
stateful phases, and counts the request as schema-valid. The parameter is a UUID
whose schema has no null, so the server's 422 is right, and schemathesis reports it
as "Schema-valid request rejected".

``filter_failure`` drops that report, and only that one: a 422 whose errors name no
parameter but those schemathesis drew from its pool as ``null``. Any other rejection
of valid data, of any parameter or body, still fails the test.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

# What the pool sends for a JSON null it kept.
NULL_TEXT = ("null", None)


def nulls_from_the_pool(case: Any) -> set[tuple[str, str]]:
    """The parameters ``case`` took from the resource pool as null, as (location, name)."""
    sent = {"path": case.path_parameters or {}, "query": case.query or {}}
    draws = case.meta.pool_draws if case.meta is not None else ()
    return {
        (draw.location, draw.parameter_name)
        for draw in draws
        if draw.location in sent and sent[draw.location].get(draw.parameter_name) in NULL_TEXT
    }


def refused_parameters(body: bytes) -> set[tuple[str, str]] | None:
    """The (location, name) of each error of a 422 problem; None if one is not a parameter."""
    try:
        problem = json.loads(body)
    except ValueError:
        return None
    errors = problem.get("errors") if isinstance(problem, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    refused = set()
    for error in errors:
        loc = error.get("loc") if isinstance(error, dict) else None
        if not (isinstance(loc, list) and len(loc) == 2 and loc[0] in ("path", "query")):
            return None
        refused.add((str(loc[0]), str(loc[1])))
    return refused


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a 422 of the nulls schemathesis drew from its pool."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return True
    refused = refused_parameters(response.content)
    return refused is None or not refused <= nulls_from_the_pool(case)
