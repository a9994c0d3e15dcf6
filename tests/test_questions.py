"""Bad answers stop Copier before anything is written, with a message naming the question."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from extensions.ids import revision_id
from tests.conftest import ROOT, files, render

OWN_REVISION = revision_id("budgets", "budgets")

# (answers, the question the message must name, a phrase saying what is allowed)
BAD_ANSWERS: list[tuple[dict[str, Any], str, str]] = [
    ({"domain": "loans"}, "domain", "budgets"),
    ({"orm_base": "sqlmodel"}, "orm_base", "svc_infra"),
    ({"include_tenant": True, "tenant_isolation": "rls-only"}, "tenant_isolation", "column+rls"),
    ({"table_name": "teams"}, "table_name", "svc-infra"),
    ({"table_name": "audit_logs"}, "table_name", "svc-infra"),
    ({"table_name": "Budgets"}, "table_name", "lower-case identifier"),
    ({"table_name": "class"}, "table_name", "lower-case identifier"),
    ({"table_name": "b" * 41}, "table_name", "at most 40"),
    ({"include_tenant": True, "tenant_field": "name"}, "tenant_field", "other than"),
    ({"include_tenant": True, "tenant_field": "version"}, "tenant_field", "other than"),
    ({"include_tenant": True, "tenant_field": "tenant-id"}, "tenant_field", "identifier"),
    ({"include_tenant": True, "tenant_field": ""}, "tenant_field", "identifier"),
    ({"dest_dir": "../outside/budgets"}, "dest_dir", "inside"),
    ({"dest_dir": "/srv/app/models"}, "dest_dir", "inside"),
    ({"dest_dir": "app/my-models"}, "dest_dir", "identifier"),
    ({"dest_dir": "app/.hidden"}, "dest_dir", "'.'"),
    ({"models_filename": "budget.txt"}, "models_filename", ".py"),
    ({"models_filename": "__init__.py"}, "models_filename", ".py"),
    ({"models_filename": "2budget.py"}, "models_filename", ".py"),
    ({"schemas_filename": "budget.py"}, "schemas_filename", "must differ"),
    ({"repository_filename": "budget_schemas.py"}, "repository_filename", "must differ"),
    ({"base_class": "app.db.base"}, "base_class", "import path of a class"),
    ({"base_class": "Base"}, "base_class", "import path of a class"),
    ({"migrations_dir": "../migrations"}, "migrations_dir", "inside"),
    ({"tests_dir": "~/tests"}, "tests_dir", "inside"),
    ({"down_revision": "not a revision!"}, "down_revision", "revision id"),
    ({"down_revision": OWN_REVISION}, "down_revision", "own migration"),
]


def _existing_app(root: Path) -> dict[str, bytes]:
    """An app that already has code of its own, which a failed render must not touch."""
    (root / "app" / "db").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text('"""The app."""\n')
    (root / "app" / "db" / "base.py").write_text("# the app's own base\n")
    return files(root)


@pytest.mark.parametrize(("answers", "question", "allowed"), BAD_ANSWERS, ids=lambda v: str(v)[:40])
def test_a_bad_answer_names_the_question_and_writes_nothing(
    tmp_path: Path, answers: dict[str, Any], question: str, allowed: str
) -> None:
    before = _existing_app(tmp_path)

    with pytest.raises(ValueError) as raised:
        render(tmp_path, **answers)

    assert f"'{question}'" in str(raised.value) or f"{question}:" in str(raised.value)
    assert allowed in str(raised.value)
    assert files(tmp_path) == before


def test_at_least_fifteen_distinct_bad_answers_are_covered() -> None:
    assert len({repr(answers) for answers, _, _ in BAD_ANSWERS}) >= 15


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            ["table_name=organizations"],
            "table_name: 'organizations' is already a table of svc-infra",
        ),
        (["dest_dir=../x"], "dest_dir: '../x' leaves the app"),
        (
            ["include_tenant=true", "tenant_field=user_id"],
            "tenant_field: 'user_id' is already a column",
        ),
    ],
)
def test_the_copier_cli_exits_non_zero_with_the_message(
    tmp_path: Path, data: list[str], message: str
) -> None:
    command = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
    for item in data:
        command += ["--data", item]

    result = subprocess.run(
        [*command, str(ROOT), str(tmp_path)], capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert message in result.stderr
    assert files(tmp_path) == {}


def test_a_good_non_default_answer_is_used_everywhere(tmp_path: Path) -> None:
    render(tmp_path, table_name="fin_budgets", include_tenant=True, tenant_field="org_id")

    model = (tmp_path / "app/models/budgets/budget.py").read_text()
    migration = next((tmp_path / "migrations/versions").glob("*_create_fin_budgets.py")).read_text()
    assert '__tablename__ = "fin_budgets"' in model
    assert "org_id: Mapped[str]" in model
    assert 'op.create_table(\n        "fin_budgets"' in migration
    assert 'sa.Column("org_id", sa.String(length=64), nullable=False)' in migration
