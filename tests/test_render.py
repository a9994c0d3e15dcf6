"""What Copier writes, for which answers: paths, shared files, determinism, defaults."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import Environment
from packaging.requirements import Requirement
from packaging.version import Version

from extensions.ids import revision_id
from tests.conftest import ROOT, files, render, run, tool
from tests.jinja_memo import UNMEMOISED

BUDGETS_REVISION = revision_id("budgets", "budgets")
# Earlier Copier releases let a template write outside the destination (CVE-2025-55201).
SAFE_COPIER = Version("9.9.1")


def copier_requirement() -> Requirement:
    """The copier requirement of pyproject.toml: what Copier's environment installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    return next(requirement for requirement in requirements if requirement.name == "copier")


def test_the_template_refuses_a_copier_older_than_the_path_traversal_fix() -> None:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())

    assert Version(settings["_min_copier_version"]) >= SAFE_COPIER


def test_copiers_environment_installs_no_copier_older_than_the_path_traversal_fix() -> None:
    specifier = copier_requirement().specifier

    lower_bounds = [Version(s.version) for s in specifier if s.operator in (">=", ">", "==", "~=")]
    assert lower_bounds and max(lower_bounds) >= SAFE_COPIER


def test_defaults_render_the_budgets_layer_with_pytest_copie(copie: Any) -> None:
    result = copie.copy()

    assert result.exception is None, result.exception
    written = set(files(result.project_dir))
    assert {
        ".copier/answers.budgets.yml",
        ".copier/requirements.budgets.txt",
        ".copier/requirements.budgets.fin-infra.txt",
        "alembic.ini",
        "migrations/env.py",
        "migrations/script.py.mako",
        "app/__init__.py",
        "app/db/__init__.py",
        "app/db/base.py",
        "app/models/__init__.py",
        "app/models/budgets/__init__.py",
        "app/models/budgets/budget.py",
        "app/models/budgets/budget_schemas.py",
        "app/models/budgets/budget_repository.py",
        f"migrations/versions/{BUDGETS_REVISION}_create_budgets.py",
        "tests/__init__.py",
        "tests/budgets/__init__.py",
        "tests/budgets/conftest.py",
        "tests/budgets/test_budget_fin_infra.py",
        "tests/budgets/test_budget_repository.py",
        "tests/budgets/test_budget_schemas.py",
        "tests/budgets/test_budget_migration.py",
    } == written


def test_the_answers_file_is_per_domain_and_records_every_answer(copie: Any) -> None:
    result = copie.copy(extra_answers={"domain": "goals", "include_tenant": True})

    answers = yaml.safe_load((result.project_dir / ".copier/answers.goals.yml").read_text())
    assert answers["domain"] == "goals"
    assert answers["include_tenant"] is True
    assert answers["tenant_field"] == "tenant_id"
    assert answers["down_revision"] == ""
    assert "_commit" in answers and "_src_path" in answers


def test_the_same_answers_render_the_same_bytes(tmp_path: Path) -> None:
    answers = {"domain": "net_worth", "include_tenant": True, "include_soft_delete": True}

    first = files(render(tmp_path / "first", **answers))
    second = files(render(tmp_path / "second", **answers))

    answers_file = ".copier/answers.net_worth.yml"
    assert _without_commit(first.pop(answers_file)) == _without_commit(second.pop(answers_file))
    assert first == second


def test_the_tests_jinja_memo_renders_the_bytes_jinja_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"domain": "transactions", "include_tenant": True, "api": "fastapi"}
    render(tmp_path / "warm", **answers)  # so the next render takes every source from the memo

    memoised = files(render(tmp_path / "memoised", **answers))
    monkeypatch.setattr(Environment, "compile", UNMEMOISED)
    compiled = files(render(tmp_path / "compiled", **answers))

    answers_file = ".copier/answers.transactions.yml"
    assert _without_commit(memoised.pop(answers_file)) == _without_commit(
        compiled.pop(answers_file)
    )
    assert memoised == compiled


def _without_commit(answers: bytes) -> dict[str, Any]:
    """Copier's own record of the template commit (which a dirty checkout changes)."""
    data: dict[str, Any] = yaml.safe_load(answers)
    data.pop("_commit")
    return data


def test_without_a_repository_the_package_points_to_routes_scoped_to_the_caller(
    copie: Any,
) -> None:
    result = copie.copy(
        extra_answers={
            "with_repository": False,
            "include_soft_delete": True,
            "include_tenant": True,
        }
    )

    package = result.project_dir / "app/models/budgets"
    init = (package / "__init__.py").read_text()
    assert not (package / "budget_repository.py").exists()
    assert not (result.project_dir / "tests/budgets/test_budget_repository.py").exists()
    assert "SqlRepository(model=Budget, soft_delete=True)" in init
    assert "``api=svc_infra``" in init and "tenant and user from your auth" in init
    assert "SqlResource(" not in init  # an unscoped example invites copying


def test_svc_infra_base_renders_no_base_module(copie: Any) -> None:
    result = copie.copy(extra_answers={"orm_base": "svc_infra"})

    model = (result.project_dir / "app/models/budgets/budget.py").read_text()
    assert "from svc_infra.db.sql.base import ModelBase" in model
    assert "class Budget(ModelBase):" in model
    assert not (result.project_dir / "app/db").exists()
    assert "svc-infra" in (result.project_dir / ".copier/requirements.budgets.txt").read_text()


def test_an_existing_base_module_and_package_inits_are_kept(app: Path) -> None:
    (app / "app/db").mkdir(parents=True)
    (app / "app/__init__.py").write_text('"""My app."""\n')
    (app / "app/db/base.py").write_text("# my own base, with my own naming convention\n")

    render(app)

    assert (app / "app/__init__.py").read_text() == '"""My app."""\n'
    assert (app / "app/db/base.py").read_text() == "# my own base, with my own naming convention\n"


def test_a_custom_base_class_path_is_rendered_and_imported(app: Path) -> None:
    render(app, base_class="core.database.Model")

    assert "class Model(DeclarativeBase):" in (app / "core/database.py").read_text()
    assert (app / "core/__init__.py").exists()
    assert "from core.database import Model" in (app / "app/models/budgets/budget.py").read_text()


def test_down_revision_defaults_to_the_apps_single_head(app: Path) -> None:
    versions = app / "migrations/versions"
    versions.mkdir(parents=True)
    (versions / "0001_users.py").write_text('revision = "0001"\ndown_revision = None\n')
    (versions / "0002_roles.py").write_text('revision = "0002"\ndown_revision = "0001"\n')

    render(app)

    migration = (versions / f"{BUDGETS_REVISION}_create_budgets.py").read_text()
    assert 'down_revision: str | None = "0002"' in migration


def test_down_revision_is_empty_when_the_app_has_several_heads(app: Path) -> None:
    versions = app / "migrations/versions"
    versions.mkdir(parents=True)
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text('revision = "b"\ndown_revision = None\n')

    render(app)

    migration = (versions / f"{BUDGETS_REVISION}_create_budgets.py").read_text()
    assert "down_revision: str | None = None" in migration


def test_three_domains_share_one_app_without_writing_the_same_path_twice(app: Path) -> None:
    seen: dict[str, bytes] = {}
    for domain in ("budgets", "goals", "net_worth"):
        before = files(app)

        render(app, domain=domain, include_tenant=domain != "goals", include_soft_delete=True)

        after = files(app)
        changed = {path for path in before if after[path] != before[path]}
        assert changed == set(), f"{domain} rewrote {changed}"
        seen.update(after)

    answers_files = sorted(path for path in seen if path.startswith(".copier/answers."))
    assert answers_files == [
        ".copier/answers.budgets.yml",
        ".copier/answers.goals.yml",
        ".copier/answers.net_worth.yml",
    ]


def test_each_domain_chains_its_migration_onto_the_previous_domain(app: Path) -> None:
    render(app, domain="budgets")
    render(app, domain="goals")

    goals_revision = revision_id("goals", "goals")
    migration = (app / f"migrations/versions/{goals_revision}_create_goals.py").read_text()
    assert f'down_revision: str | None = "{BUDGETS_REVISION}"' in migration


@pytest.mark.slow
def test_rendering_needs_no_formatter_and_gives_the_same_bytes(tmp_path: Path) -> None:
    # Copier's environment with only what the template needs to render: no ruff at all.
    venv, bare = tmp_path / "copier", tmp_path / "bare"
    uv = [tool("uv")]
    assert run([*uv, "venv", "--quiet", "--python", "3.11", str(venv)], tmp_path).returncode == 0
    dependencies = [str(copier_requirement()), "copier-template-extensions", "inflection", "pyyaml"]
    install = [*uv, "pip", "install", "--quiet", "--python", str(venv / "bin/python")]
    assert run([*install, *dependencies], tmp_path).returncode == 0
    path = f"{venv / 'bin'}:/usr/bin:/bin"
    assert shutil.which("ruff", path=path) is None
    answers = ["--data", "include_tenant=true", "--data", "include_soft_delete=true"]
    copy = [str(venv / "bin/copier"), "copy", "--trust", "--defaults", "--quiet", *answers]

    result = run([*copy, str(ROOT), str(bare)], tmp_path, {"PATH": path})
    with_ruff = files(render(tmp_path / "with-ruff", include_tenant=True, include_soft_delete=True))

    assert result.returncode == 0, result.stderr
    without_ruff = files(bare)
    answers_file = ".copier/answers.budgets.yml"
    assert _without_commit(without_ruff.pop(answers_file)) == _without_commit(
        with_ruff.pop(answers_file)
    )
    assert without_ruff == with_ruff
