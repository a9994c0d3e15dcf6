"""Audit events (issue 11): an append-only log, and what the catalogue grew for it.

``append_only: true`` renders a repository with no update, delete, restore or purge, a
router with no PATCH or DELETE, and a migration whose triggers refuse UPDATE and DELETE
on PostgreSQL, MariaDB and SQLite. The answers that would add a way to change or hide
a row (soft delete, svc-infra's repository or routes) are refused before any file is
written. The slow tests render the domain and run every check on the result, on each
database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from copier.errors import UserMessageError

from extensions import catalogue
from extensions import questions as q
from extensions.api import finder_routes, operation_ids
from extensions.catalogue import load_domain
from extensions.fin_infra_block import conversion
from extensions.testcases import finder_cases
from tests.answer_helpers import snapshot
from tests.conftest import render
from tests.test_seed_domains import (
    _lint_and_type_check,
    _passes_every_check,
    _rendered_tests_pass,
)

PACKAGE = "app/models/audit_events"
TENANT = {"include_tenant": True}


def _patched(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> None:
    """The audit events catalogue entry with ``changes``, as load_domain reads it."""
    raw = catalogue._raw("audit_events") | changes
    monkeypatch.setattr(catalogue, "_raw", lambda key: raw)


# The catalogue entry ------------------------------------------------------------------


def test_an_audit_event_says_who_did_what_to_which_row_and_when() -> None:
    events = load_domain("audit_events")

    assert [(f.name, f.kind, f.nullable) for f in events.fields] == [
        ("user_id", "str", False),
        ("actor_id", "str", False),
        ("action", "enum", False),
        ("resource_type", "str", False),
        ("resource_id", "str", False),
        ("before", "json", True),
        ("after", "json", True),
        ("occurred_at", "datetime", False),
        ("request_id", "str", True),
    ]
    assert events.field("action").values == (
        "create",
        "update",
        "delete",
        "restore",
        "purge",
        "login",
        "export",
        "other",
    )
    assert events.sort_key == "occurred_at"
    assert conversion(events) is None


def test_audit_events_are_append_only_and_so_immutable() -> None:
    events = load_domain("audit_events")

    assert (events.append_only, events.immutable) == (True, True)
    assert not events.change
    assert not events.sync_key
    assert events.tree_parent is None


def test_audit_events_have_a_keyset_index_behind_each_query() -> None:
    events = load_domain("audit_events", tenant_field="tenant_id")

    assert events.unique_constraints == []
    assert [i.columns for i in events.indexes] == [
        ("tenant_id", "user_id", "occurred_at", "id"),
        ("tenant_id", "user_id", "resource_type", "resource_id", "occurred_at", "id"),
        ("tenant_id", "user_id", "actor_id", "occurred_at", "id"),
    ]


def test_a_resources_history_matches_its_type_and_id_together() -> None:
    events = load_domain("audit_events")
    (case,) = [c for c in finder_cases(events) if c.finder.name == "get_by_resource"]
    (route,) = [r for r in finder_routes(events) if r.name == "get_by_resource"]

    assert case.args == ['"budgets"', '"Corner Bakery"']
    assert case.match == {"resource_type": '"budgets"', "resource_id": '"Corner Bakery"'}
    assert case.miss == {"resource_type": '"goals"', "resource_id": '"Corner Bakery"'}
    text = "Annotated[str, Query(min_length=1, max_length={})]"  # the column's length
    assert route.params == (("resource_type", text.format(64)), ("resource_id", text.format(128)))


def test_events_between_two_moments_include_the_start_and_exclude_the_end() -> None:
    events = load_domain("audit_events")
    (case,) = [c for c in finder_cases(events) if c.finder.name == "get_between"]
    (route,) = [r for r in finder_routes(events) if r.name == "get_between"]

    end = "datetime(2026, 4, 1, tzinfo=UTC)"
    assert case.args == ["datetime(2026, 3, 1, tzinfo=UTC)", end]
    assert case.miss == {"occurred_at": end}
    assert route.params == (("start", "Moment"), ("end", "Moment"))
    assert (events.takes_moments, events.takes_days) == (True, False)


def test_no_route_changes_or_removes_an_audit_event() -> None:
    ids = operation_ids(load_domain("audit_events"))

    assert not [i for i in ids if i.endswith(("_update", "_delete", "_restore"))]
    assert "audit_events_get_by_resource" in ids


def test_the_triggers_have_names_the_databases_take() -> None:
    events = load_domain("audit_events", table="a" * 40)

    names = [events.append_only_function] + [
        events.append_only_trigger(statement) for statement in ("update", "delete", "truncate")
    ]

    assert len(set(names)) == 4
    assert max(len(name) for name in names) <= 60


# What the catalogue refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"change": {"field": "actor_id", "value": '"x"'}}, "a change block tests an update"),
        ({"sync_key": ["resource_id"], "unique": [["resource_id"]]}, "sync_many would update"),
        ({"tree": {"parent": "parent_id", "levels": 2}}, "a tree moves its rows"),
    ],
)
def test_an_append_only_domain_refuses_what_would_change_a_row(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], refusal: str
) -> None:
    _patched(monkeypatch, **changes)
    if "tree" in changes:  # a valid tree, so only append_only can refuse it
        parent = {"name": "parent_id", "type": "ref", "ref": "audit_events", "nullable": True}
        _patched(monkeypatch, fields=[*catalogue._raw("audit_events")["fields"], parent])

    with pytest.raises(ValueError, match=f"'audit_events' is append-only: {refusal}"):
        load_domain("audit_events")


def test_an_append_only_domain_refuses_a_reference_that_cascades(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = {"name": "account_id", "type": "ref", "ref": "accounts", "on_delete": "cascade"}
    _patched(monkeypatch, fields=[*catalogue._raw("audit_events")["fields"], account])

    with pytest.raises(ValueError, match="deleting what account_id refers to would delete"):
        load_domain("audit_events")


def test_an_append_only_domain_refuses_soft_delete() -> None:
    with pytest.raises(ValueError, match="soft delete would hide rows"):
        load_domain("audit_events", soft_delete=True)


@pytest.mark.parametrize(
    "finder",
    [
        {"name": "get_x", "kind": "equals", "field": "resource_id", "by": "occurred_at"},
        {"name": "get_x", "kind": "equals", "field": "action", "by": "resource_type"},
        {"name": "get_x", "kind": "between", "field": "occurred_at", "by": "resource_type"},
        {"name": "get_x", "kind": "between", "field": "occurred_at", "by": "account_id"},
        {"name": "get_x", "kind": "latest", "field": "occurred_at", "by": "resource_type"},
    ],
)
def test_a_finders_by_must_be_a_shape_the_repository_renders(
    monkeypatch: pytest.MonkeyPatch, finder: dict[str, str]
) -> None:
    account = {"name": "account_id", "type": "ref", "ref": "accounts"}
    _patched(monkeypatch, finders=[{"doc": "x", **finder}])
    _patched(monkeypatch, fields=[*catalogue._raw("audit_events")["fields"], account])

    with pytest.raises(ValueError, match="finder get_x: by"):
        load_domain("audit_events")


# What the questions refuse ------------------------------------------------------------


def test_soft_delete_is_refused_for_audit_events_only() -> None:
    assert q.soft_delete(True, "budgets") == ""
    assert q.soft_delete(False, "audit_events") == ""
    assert q.soft_delete(True, "audit_events").startswith("include_soft_delete: audit_events")


def test_svc_infras_repository_and_routes_are_refused_for_audit_events_only() -> None:
    assert q.with_repository(False, "budgets") == ""
    assert q.with_repository(True, "audit_events") == ""
    assert "SqlRepository" in q.with_repository(False, "audit_events")
    assert q.api("svc_infra", True, "budgets") == ""
    assert q.api("fastapi", True, "audit_events") == ""
    assert "PATCH and DELETE" in q.api("svc_infra", True, "audit_events")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"include_soft_delete": True}, "include_soft_delete"),
        ({"with_repository": False}, "with_repository"),
        ({"api": "svc_infra"}, "api"),
    ],
)
def test_a_refused_answer_leaves_the_app_byte_identical(
    app: Path, answers: dict[str, Any], question: str
) -> None:
    render(app, domain="budgets")
    before = snapshot(app)

    with pytest.raises(UserMessageError, match=f"^{question}: .*append-only"):
        render(app, domain="audit_events", **answers)

    assert snapshot(app) == before


# What renders -------------------------------------------------------------------------


def test_the_rendered_code_has_no_way_to_change_or_remove_an_event(app: Path) -> None:
    render(app, domain="audit_events", api="fastapi", **TENANT)

    repository = (app / PACKAGE / "audit_event_repository.py").read_text()
    router = (app / PACKAGE / "audit_event_api.py").read_text()
    schemas = (app / PACKAGE / "audit_event_schemas.py").read_text()
    for method in ("update", "delete", "restore", "purge"):
        assert f"async def {method}(" not in repository
    assert "@router.patch" not in router and "@router.delete" not in router
    assert "class AuditEventUpdate" not in schemas
    assert "deleted_at" not in (app / PACKAGE / "audit_event.py").read_text()
    (migration,) = (app / "migrations/versions").glob("*_create_audit_events.py")
    assert "FOR EACH ROW EXECUTE FUNCTION" in migration.read_text()


# End to end ---------------------------------------------------------------------------


@pytest.mark.slow
def test_audit_events_with_tenancy_pass_every_check_on_sqlite(app: Path, mypy_cache: Path) -> None:
    render(app, domain="audit_events", api="fastapi", **TENANT)

    _passes_every_check(app, mypy_cache)


@pytest.mark.slow
def test_audit_events_without_tenancy_pass_their_tests(app: Path, mypy_cache: Path) -> None:
    render(app, domain="audit_events")

    _lint_and_type_check(app, mypy_cache)
    _rendered_tests_pass(app)


# On the servers, audit events (with row-level security on PostgreSQL) migrate up, down
# and up again and pass their tests in the every-domain app of tests/test_databases.py.
