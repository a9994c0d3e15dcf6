"""The rendered code, exactly as Copier writes it: ruff-clean, mypy --strict, tests green.

Each combination is rendered once; together they give every domain and every value
of every option to each check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import mypy_strict, render, rendered_pytest, run, tool

pytestmark = pytest.mark.slow

COMBINATIONS: dict[str, dict[str, Any]] = {
    # Three domains with their own answers in one app ("apps": one render each, in
    # order): budgets first with tenancy and soft delete, goals with the defaults, net
    # worth with its own tenant column. Each check below runs on the whole app.
    "three-domains-app": {
        "apps": [
            {"domain": "budgets", "include_tenant": True, "include_soft_delete": True},
            {"domain": "goals", "orm_base": "app", "with_repository": True},
            {
                "domain": "net_worth",
                "include_soft_delete": True,
                "include_tenant": True,
                "tenant_field": "org_id",
            },
        ]
    },
    "budgets-plain-svc": {"domain": "budgets", "orm_base": "svc_infra"},
    "budgets-norepo-custom-paths": {
        "domain": "budgets",
        "with_repository": False,
        "include_tenant": True,
        "dest_dir": "src/ledger/persistence/budgets",
        "models_filename": "models.py",
        "schemas_filename": "schemas.py",
        "migrations_dir": "db/migrations",
        "tests_dir": "tests/unit",
        "base_class": "ledger.db.Model",
    },
    "goals-tenant-soft-svc": {
        "domain": "goals",
        "include_tenant": True,
        "tenant_field": "organisation_account_identifier",
        "tenant_isolation": "column+rls",
        "include_soft_delete": True,
        "orm_base": "svc_infra",
        "table_name": "customer_financial_goals",
    },
    "goals-soft-norepo-app": {
        "domain": "goals",
        "include_soft_delete": True,
        "with_repository": False,
    },
    "net_worth-tenant-soft-app": {
        "domain": "net_worth",
        "include_tenant": True,
        "include_soft_delete": True,
    },
    "net_worth-plain-svc": {"domain": "net_worth", "orm_base": "svc_infra"},
    # The ledger, every reference a tenant-safe key; and a reference left a plain id.
    "ledger-tenant-soft-rls": {
        "domains": ["categories", "bank_connections", "accounts", "transactions"],
        "include_tenant": True,
        "tenant_isolation": "column+rls",
        "include_soft_delete": True,
    },
    "transactions-unlinked-svc": {
        "domain": "transactions",
        "include_tenant": True,
        "tenant_field": "org_id",
        "orm_base": "svc_infra",
    },
    "goals-longest-names-rls": {
        "domain": "goals",
        "include_tenant": True,
        "tenant_field": "t" * 32,
        "tenant_isolation": "column+rls",
        "include_soft_delete": True,
        "table_name": "g" * 40,
    },
}
# On top of ruff's own default rules, which an app with no lint settings runs.
LINT_RULES = "E,F,W,I,UP,B,SIM,C4,RET,PIE,ARG,PT"


@pytest.fixture(scope="module", params=list(COMBINATIONS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    answers = dict(COMBINATIONS[request.param])
    if "apps" in answers:
        for each in answers["apps"]:
            render(folder, **each)
        return folder
    for domain in answers.pop("domains", [answers.pop("domain", "budgets")]):
        render(folder, domain=domain, **answers)
    return folder


def _python_path(app: Path) -> dict[str, str]:
    return (
        {"PYTHONPATH": str(app / "src"), "MYPYPATH": str(app / "src")}
        if (app / "src").is_dir()
        else {}
    )


@pytest.mark.parametrize("line_length", [88, 100, 120])
def test_ruff_format_leaves_every_rendered_file_unchanged(rendered: Path, line_length: int) -> None:
    # No formatter runs at render time: the app's own, at its own line length, must agree.
    command = [tool("ruff"), "format", "--isolated", "--line-length", str(line_length)]
    result = run([*command, "--check", "."], rendered)

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_finds_nothing(rendered: Path) -> None:
    result = run(
        [
            tool("ruff"),
            "check",
            "--isolated",
            "--extend-select",
            LINT_RULES,
            ".",
        ],
        rendered,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes(rendered: Path, mypy_cache: Path) -> None:
    options = ["--explicit-package-bases"] if (rendered / "src").is_dir() else []
    result = mypy_strict(rendered, mypy_cache, *options, env=_python_path(rendered))

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rendered_tests_pass_on_sqlite(rendered: Path) -> None:
    result = rendered_pytest(rendered, _python_path(rendered))

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)
    # Only the row-level security tests may skip: they need PostgreSQL.
    skipped = re.search(r"(\d+) skipped", result.stdout)
    rls_tests = len(list(rendered.glob("tests/**/test_*_row_level_security.py")))
    assert (skipped is None) == (rls_tests == 0), result.stdout[-1000:]


@pytest.mark.parametrize("rendered", ["three-domains-app"], indirect=True)
def test_three_domains_in_one_app_each_bring_their_tests(rendered: Path) -> None:
    # Their tests pass and mypy is clean: the checks above, on this combination.
    collected = run([sys.executable, "-m", "pytest", "--collect-only", "-q"], rendered).stdout

    for domain in ("budgets", "goals", "net_worth"):
        assert f"tests/{domain}/" in collected


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "failing_tests"),
    [
        # An index the model declares but the migration forgets: the drift check sees it.
        (
            "migrations/versions/*_create_budgets.py",
            'op.create_index(\n        "ix_budgets_tenant_id_user_id_period_start_date"',
            'print(\n        "ix_budgets_tenant_id_user_id_period_start_date"',
            ["test_upgrade_creates_exactly_the_models_schema"],
        ),
        # Reads that forget the tenant, in get's statement and in the owner filters
        # list, count and the finders share: the isolation tests of each see it.
        (
            "app/models/budgets/budget_repository.py",
            '        Budget.tenant_id == bindparam("tenant"),\n    )',
            "    )",
            ["test_get_does_not_return_another_tenants_budget"],
        ),
        # Reads that forget the owner, in get's statement and in the owner filters.
        (
            "app/models/budgets/budget_repository.py",
            '    if owned:\n        query = query.where(Budget.user_id == bindparam("user_id"))\n',
            "",
            [
                "test_get_does_not_return_another_users_budget",
                "test_another_user_can_neither_change_nor_delete_a_budget",
                "test_another_user_cannot_restore_a_deleted_budget",
            ],
        ),
        (
            "app/models/budgets/budget_repository.py",
            '        Budget.user_id == bindparam("user_id"),\n    ]',
            "    ]",
            ["test_list_and_count_see_only_the_callers_own_budgets"],
        ),
        (
            "app/models/budgets/budget_repository.py",
            '        Budget.tenant_id == bindparam("tenant"),\n        Budget.user_id',
            "        Budget.user_id",
            [
                "test_list_and_count_see_only_the_callers_tenant",
                "test_get_active_ignores_other_tenants",
            ],
        ),
        # Reads that forget soft delete: the visibility tests see it.
        (
            "app/models/budgets/budget_repository.py",
            "    if not include_deleted:\n        query = query.where(Budget.deleted_at.is_(None))\n",
            "",
            ["test_delete_hides_the_budget_from_reads_but_keeps_it"],
        ),
        (
            "app/models/budgets/budget_repository.py",
            "    if not include_deleted:\n        conditions.append(Budget.deleted_at.is_(None))\n",
            "",
            [
                "test_list_skips_deleted_budgets_unless_asked",
                "test_get_active_skips_deleted_budgets",
            ],
        ),
    ],
    ids=[
        "migration-drift",
        "tenant-leak-get",
        "owner-leak-get",
        "owner-leak-list",
        "tenant-leak-list-and-finders",
        "soft-delete-leak-get",
        "soft-delete-leak-list-and-finders",
    ],
)
def test_the_rendered_tests_catch_a_broken_layer(
    tmp_path: Path, file: str, old: str, new: str, failing_tests: list[str]
) -> None:
    render(tmp_path, include_tenant=True, include_soft_delete=True)
    _break(next(tmp_path.glob(file)), old, new)

    result = rendered_pytest(tmp_path)

    assert result.returncode != 0
    for failing_test in failing_tests:
        assert failing_test in result.stdout
