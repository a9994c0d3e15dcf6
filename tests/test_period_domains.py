"""Budget snapshots and goal progress (issue 11): one row per month, and the step that
lets them point at budgets and goals.

A month is its first day (``period_start``): the catalogue orders and pages a list by
one sort key, so one date column gives the history in order and a ``between`` finder
selects one month or several. budgets and goals were released (0.1.0) before anything
referred to them, without the ``(tenant, id)`` key a tenant-safe foreign key needs;
with tenancy they now get it by a release step of their own, ``tenant_id_key``, and
their released creation stays byte for byte (tests/test_releases.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from copier.errors import UserMessageError

from extensions.catalogue import load_domain, reference_targets
from extensions.history import history
from extensions.migrations import heads
from extensions.testcases import finder_cases
from tests.conftest import ROOT, files, render, rendered_pytest, run, tool
from tests.test_seed_domains import (
    _passes_every_check,
)
from tests.test_update import App, Template

TENANT_SOFT: dict[str, Any] = {"include_tenant": True, "include_soft_delete": True}
APP = ("budgets", "budget_snapshots", "goals", "goal_progress")
BUDGETS_YML = "extensions/domains/budgets.yml"
KEY_STEP = """# Released (0.1.0) before anything referred to it; with tenancy, the (tenant, id) key
# that tenant-safe references point at comes by a step of its own.
migrations:
  - {step: tenant_id_key, tenant_only: true}
reference_key_since: tenant_id_key
"""


# Budget snapshots ---------------------------------------------------------------------


def test_a_budget_snapshot_holds_a_months_totals_and_category_totals() -> None:
    snapshots = load_domain("budget_snapshots")

    assert [(f.name, f.kind, f.nullable) for f in snapshots.fields] == [
        ("user_id", "str", False),
        ("budget_id", "ref", True),
        ("period_start", "date", False),
        ("total_budgeted", "money", False),
        ("total_spent", "money", False),
        ("total_remaining", "money", False),
        ("category_budgeted", "money_map", False),
        ("category_spent", "money_map", False),
    ]
    assert snapshots.field("total_remaining").type.schema == "SignedAmount"
    assert (snapshots.field("budget_id").ref, snapshots.field("budget_id").on_delete) == (
        "budgets",
        "restrict",
    )
    assert snapshots.sort_key == "period_start"


def test_budget_snapshots_are_one_per_user_and_month_with_keyset_indexes() -> None:
    snapshots = load_domain("budget_snapshots", tenant_field="tenant_id")

    assert [u.columns for u in snapshots.unique_constraints] == [
        ("tenant_id", "user_id", "period_start")
    ]
    assert [i.columns for i in snapshots.indexes] == [
        ("tenant_id", "user_id", "period_start", "id"),
        ("tenant_id", "budget_id", "user_id", "period_start", "id"),
    ]
    assert [c.sql for c in snapshots.checks] == ["total_budgeted >= 0", "total_spent >= 0"]


def test_one_months_snapshots_are_a_between_finder_of_first_days() -> None:
    snapshots = load_domain("budget_snapshots")
    cases = {c.finder.name: c for c in finder_cases(snapshots)}

    assert set(cases) == {"get_by_budget", "get_in_periods"}
    assert cases["get_in_periods"].args == ["date(2026, 3, 1)", "date(2026, 3, 31)"]


# Goal progress ------------------------------------------------------------------------


def test_goal_progress_is_one_entry_per_goal_and_month() -> None:
    progress = load_domain("goal_progress", tenant_field="tenant_id")

    assert [(f.name, f.kind, f.nullable) for f in progress.fields] == [
        ("user_id", "str", False),
        ("goal_id", "ref", False),
        ("period_start", "date", False),
        ("amount_at_period", "money", False),
        ("contribution", "money", False),
    ]
    assert progress.field("contribution").type.schema == "SignedAmount"
    assert progress.field("goal_id").on_delete == "cascade"
    assert [u.columns for u in progress.unique_constraints] == [
        ("tenant_id", "goal_id", "period_start")
    ]
    assert [f.name for f in progress.finders] == ["get_by_goal"]
    assert [i.columns for i in progress.indexes] == [
        ("tenant_id", "user_id", "period_start", "id"),
        ("tenant_id", "goal_id", "user_id", "period_start", "id"),
    ]


# The release step ---------------------------------------------------------------------


@pytest.mark.parametrize("key", ["budgets", "goals"])
def test_budgets_and_goals_are_reference_targets_now(key: str) -> None:
    assert key in reference_targets()


@pytest.mark.parametrize("key", ["budgets", "goals"])
def test_with_tenancy_a_step_adds_the_tenant_id_key_after_the_released_creation(
    key: str,
) -> None:
    domain = load_domain(key, tenant_field="tenant_id")
    create, step = history(domain, down_revision="", created_with_soft_delete=True)

    key_name = f"uq_{domain.table}_tenant_id_id"
    assert key_name not in [u.name for u in create.after.unique_constraints]
    assert step.name == "tenant_id_key" and step.down_revision == create.revision
    assert [(u.name, u.columns) for u in step.added_unique] == [(key_name, ("tenant_id", "id"))]
    assert not (step.added_fields or step.added_indexes or step.added_checks)
    assert key_name in [u.name for u in domain.unique_constraints]  # the model has it


@pytest.mark.parametrize("key", ["budgets", "goals"])
def test_without_tenancy_there_is_no_step(key: str) -> None:
    domain = load_domain(key)

    assert domain.steps == ()
    assert [s.name for s in history(domain, down_revision="", created_with_soft_delete=False)] == [
        "create"
    ]


def test_a_ledger_domain_keeps_its_key_in_its_creation() -> None:
    accounts = load_domain("accounts", tenant_field="tenant_id")
    (create,) = history(accounts, down_revision="", created_with_soft_delete=True)

    assert "uq_accounts_tenant_id_id" in [u.name for u in create.after.unique_constraints]


def test_reference_key_since_must_name_a_tenant_only_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from extensions import catalogue

    raw = catalogue._raw("budgets") | {"migrations": [{"step": "x"}]}
    monkeypatch.setattr(catalogue, "_raw", lambda key: raw)

    with pytest.raises(ValueError, match="reference_key_since"):
        load_domain("budgets")


# End to end ---------------------------------------------------------------------------


def _render_app(app: Path) -> None:
    for domain in APP:
        render(app, domain=domain, **TENANT_SOFT)


@pytest.mark.slow
def test_the_step_migration_adds_and_drops_only_the_key(app: Path) -> None:
    render(app, domain="budgets", **TENANT_SOFT)

    (step,) = (app / "migrations/versions").glob("*_budgets_tenant_id_key.py")
    body = step.read_text()
    assert 'batch.create_unique_constraint("uq_budgets_tenant_id_id", ["tenant_id", "id"])' in body
    assert 'batch.drop_constraint("uq_budgets_tenant_id_id", type_="unique")' in body
    assert "import sqlalchemy" not in body


@pytest.mark.slow
def test_snapshots_and_progress_with_their_targets_pass_every_check(
    app: Path, mypy_cache: Path
) -> None:
    _render_app(app)

    _passes_every_check(app, mypy_cache)


# On PostgreSQL and MariaDB, both domains and their targets migrate and pass their
# tests in the every-domain app of tests/test_databases.py.


def _app_with_budgets_of_the_release_before(tmp_path: Path) -> App:
    """Tenanted budgets from v1.1.0 (no key step, nothing referring to them); v1.2.0 is now."""
    template = Template(tmp_path / "template")
    (template.path / "extensions/domains/budget_snapshots.yml").unlink()
    template.edit(BUDGETS_YML, KEY_STEP, "")
    template.release("v1.1.0")
    for name in (BUDGETS_YML, "extensions/domains/budget_snapshots.yml"):
        (template.path / name).write_bytes((ROOT / name).read_bytes())
    template.release("v1.2.0")
    app = App(tmp_path / "app", template)
    app.copy("v1.1.0", domain="budgets", **TENANT_SOFT)
    return app


@pytest.mark.slow
def test_an_app_with_tenanted_budgets_gets_the_key_step_on_update(tmp_path: Path) -> None:
    app = _app_with_budgets_of_the_release_before(tmp_path)
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/app.db"}
    result = run([tool("alembic"), "upgrade", "head"], app.path, env)
    assert result.returncode == 0, result.stderr[-3000:]
    before = {n: b for n, b in files(app.path).items() if n.startswith("migrations/versions/")}

    app.update("budgets", ref="v1.2.0")

    after = {n: b for n, b in files(app.path).items() if n.startswith("migrations/versions/")}
    assert {n: after[n] for n in before} == before
    (added,) = sorted(set(after) - set(before))
    assert added.endswith("_budgets_tenant_id_key.py")
    assert app.conflicted() == []
    assert 'name="uq_budgets_tenant_id_id"' in app.read("app/models/budgets/budget.py")
    for command in (["upgrade", "head"], ["check"]):
        result = run([tool("alembic"), *command], app.path, env)
        assert result.returncode == 0, (command, result.stdout, result.stderr[-3000:])
    result = rendered_pytest(app.path)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
def test_snapshots_wait_until_budgets_have_taken_the_key_step(tmp_path: Path) -> None:
    app = _app_with_budgets_of_the_release_before(tmp_path)
    before = files(app.path)

    # Its foreign key would point at a key the budgets table does not have yet.
    refusal = r"Update budgets first \(copier update --trust -a \.copier/answers\.budgets\.yml"
    with pytest.raises(UserMessageError, match=refusal):
        app.copy("v1.2.0", domain="budget_snapshots", **TENANT_SOFT)
    assert files(app.path) == before

    app.update("budgets", ref="v1.2.0")
    app.commit("update budgets")
    app.copy("v1.2.0", domain="budget_snapshots", **TENANT_SOFT)

    versions = app.path / "migrations/versions"
    assert len(heads(versions)) == 1
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/app.db"}
    for command in (["upgrade", "head"], ["check"]):
        result = run([tool("alembic"), *command], app.path, env)
        assert result.returncode == 0, (command, result.stdout, result.stderr[-3000:])
