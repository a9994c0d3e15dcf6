"""extensions/alembic_env.py: what an app's env.py lacks, read from its text alone."""

from __future__ import annotations

import textwrap
from pathlib import Path, PurePosixPath

import pytest
import yaml
from jinja2 import Environment, StrictUndefined
from sqlalchemy import Column, Integer, MetaData, Table

from extensions import render
from extensions.alembic_env import (
    SVC_INFRA_RECIPE,
    alembic_message,
    canonical_names,
    env_advice,
    ini_value,
    renders_alembic_ini,
    shell_quote,
)
from tests.conftest import ROOT

MODEL_BASE = "svc_infra.db.sql.base.ModelBase"


def env(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def test_an_env_py_on_the_models_base_needs_only_the_domains_import() -> None:
    text = env("""
        from app.models import Base
        target_metadata = Base.metadata
    """)

    advice = env_advice(text, "app.budgets", "app.models.Base")

    assert advice.imports == ["import app.budgets  # noqa: F401"]
    assert advice.target == ""


def test_an_env_py_that_imports_the_domain_and_uses_its_base_needs_nothing() -> None:
    text = env("""
        import app.budgets
        from app.models import Base
        target_metadata = Base.metadata
    """)

    assert not env_advice(text, "app.budgets", "app.models.Base")


def test_importing_the_domain_from_its_parent_package_counts() -> None:
    text = env("""
        from app import budgets
        from app.models import Base
        target_metadata = Base.metadata
    """)

    assert env_advice(text, "app.budgets", "app.models.Base").imports == []


def test_importing_only_the_parent_package_does_not_count() -> None:
    text = env("""
        import app
        from app.models import Base
        target_metadata = Base.metadata
    """)

    assert env_advice(text, "app.budgets", "app.models.Base").imports


def test_a_sqlmodel_env_py_gets_a_list_of_both_metadata() -> None:
    text = env("""
        from app.models import SQLModel
        target_metadata = SQLModel.metadata
    """)

    advice = env_advice(text, "app.budgets", "app.db.base.Base")

    assert advice.imports == ["import app.budgets  # noqa: F401", "from app.db.base import Base"]
    assert advice.replace == "target_metadata = SQLModel.metadata"
    assert advice.target == "target_metadata = [SQLModel.metadata, Base.metadata]"


def test_a_list_of_metadata_gets_the_base_appended() -> None:
    text = env("""
        from app.models import SQLModel
        from app.audit import AuditBase
        target_metadata = [SQLModel.metadata, AuditBase.metadata]
    """)

    advice = env_advice(text, "app.budgets", "app.db.base.Base")

    expected = "target_metadata = [SQLModel.metadata, AuditBase.metadata, Base.metadata]"
    assert advice.target == expected


def test_a_base_name_the_env_py_already_uses_is_imported_under_an_alias() -> None:
    text = env("""
        from app.models import Base
        target_metadata = Base.metadata
    """)

    advice = env_advice(text, "app.budgets", "app.db.base.Base")

    assert "from app.db.base import Base as DbBase" in advice.imports
    assert advice.target == "target_metadata = [Base.metadata, DbBase.metadata]"


def test_svc_infras_whole_metadata_is_replaced_by_the_apps_tables() -> None:
    text = env("""
        from svc_infra.db.sql.base import ModelBase
        target_metadata = ModelBase.metadata
    """)

    advice = env_advice(text, "app.budgets", MODEL_BASE)

    assert "from sqlalchemy import MetaData" in advice.imports
    assert advice.target.startswith(SVC_INFRA_RECIPE.format(base="ModelBase"))
    assert advice.target.endswith("\ntarget_metadata = app_metadata")


def test_an_env_py_that_already_filters_svc_infras_tables_needs_only_the_import() -> None:
    text = env("""
        from svc_infra.db.sql.base import ModelBase
        from app.db import only_our_tables
        target_metadata = only_our_tables(ModelBase.metadata)
    """)

    advice = env_advice(text, "app.budgets", MODEL_BASE)

    assert advice.imports == ["import app.budgets  # noqa: F401"]
    assert advice.target == ""


def test_an_env_py_without_target_metadata_is_told_to_set_it() -> None:
    text = env("""
        from alembic import context
        context.configure(target_metadata=None)
    """)

    advice = env_advice(text, "app.budgets", "app.models.Base")

    assert advice.replace == ""
    assert advice.target == "target_metadata = Base.metadata"


@pytest.mark.slow
def test_the_svc_infra_recipe_keeps_the_apps_tables_and_only_those() -> None:
    from svc_infra.db.sql.base import ModelBase

    ours = Table("recipe_ledgers", ModelBase.metadata, Column("id", Integer, primary_key=True))
    namespace = {"ModelBase": ModelBase, "MetaData": MetaData}
    try:
        exec(SVC_INFRA_RECIPE.format(base="ModelBase"), namespace)
    finally:
        ModelBase.metadata.remove(ours)

    tables = namespace["app_metadata"].sorted_tables  # resolves every foreign key
    assert [table.name for table in tables] == ["recipe_ledgers"]


def test_alembic_ini_is_rendered_for_an_app_without_env_py(tmp_path: Path) -> None:
    assert renders_alembic_ini(str(tmp_path), "migrations")


def test_alembic_ini_is_rendered_next_to_the_rendered_env_py(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    env_template = ROOT / "template/{{ migrations_dir }}/env.py.jinja"
    (tmp_path / "migrations/env.py").write_text(env_template.read_text())

    assert renders_alembic_ini(str(tmp_path), "migrations")


def test_alembic_ini_is_not_rendered_beside_the_apps_own_env_py(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations/env.py").write_text("target_metadata = None\n")

    assert not renders_alembic_ini(str(tmp_path), "migrations")


def test_shell_quote_keeps_a_path_with_a_shell_command_as_one_word() -> None:
    assert shell_quote("tests/$(rm -rf ~)") == "'tests/$(rm -rf ~)'"


def test_ini_value_escapes_configparsers_interpolation() -> None:
    assert ini_value("db/%(here)s") == "db/%%(here)s"


def test_ini_value_refuses_a_line_break() -> None:
    with pytest.raises(ValueError, match="control character"):
        ini_value("migrations\n[alembic]")


def test_the_message_says_the_app_env_py_already_sees_the_table(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations/env.py").write_text(
        "import app.budgets\nfrom app.models import Base\ntarget_metadata = Base.metadata\n"
    )

    message = alembic_message(str(tmp_path), "migrations", "app.budgets", "app.models", "Base", "b")

    assert message == "Alembic: migrations/env.py already sees the b table."


def test_the_message_quotes_the_env_py_path(tmp_path: Path) -> None:
    message = alembic_message(str(tmp_path), "db $(x)", "app.budgets", "app.models", "Base", "b")

    assert "'db $(x)/env.py'" in message


def test_the_after_copy_message_quotes_every_path_it_prints(tmp_path: Path) -> None:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())
    environment = Environment(undefined=StrictUndefined)
    environment.globals.update(render.GLOBALS)
    environment.filters.update(render.FILTERS)
    hostile = "tests;touch pwned"

    message = environment.from_string(settings["_message_after_copy"]).render(
        _copier_conf={"dst_path": PurePosixPath(tmp_path / "my app")},
        domain="budgets",
        domain_key="budgets",
        domain_entry="budgets",
        tests_dir=hostile,
        migrations_dir="migrations",
        package="app.budgets",
        base_module="app.models",
        base_name="Base",
        table_name="budgets",
        api="none",
        destination_package="",  # copied at the project root
        d=render.domain_spec("budgets"),
    )

    assert f"pytest '{hostile}/budgets' --confcutdir='{hostile}/budgets'" in message
    assert f"'{tmp_path}/my app'" in message


def _after_update_message(tmp_path: Path, tests_dir: str) -> str:
    settings = yaml.safe_load((ROOT / "copier.yml").read_text())
    environment = Environment(undefined=StrictUndefined)
    environment.globals.update(render.GLOBALS)
    environment.filters.update(render.FILTERS)
    return environment.from_string(settings["_message_after_update"]).render(
        _copier_conf={"dst_path": PurePosixPath(tmp_path / "my app")},
        domain_key="budgets",
        tests_dir=tests_dir,
        destination_package="",
    )


def test_the_after_update_message_quotes_every_path_it_prints(tmp_path: Path) -> None:
    hostile = "tests;touch pwned"

    message = _after_update_message(tmp_path, hostile)

    assert f"pytest '{hostile}/budgets' --confcutdir='{hostile}/budgets'" in message
    assert f"'{tmp_path}/my app'" in message


def test_the_after_update_message_puts_conflicts_before_requirements_migrations_and_tests(
    tmp_path: Path,
) -> None:
    message = _after_update_message(tmp_path, "tests")

    steps = [
        "git grep -n '^<<<<<<<'",
        "find . -name '*.rej'",
        "pip install -r .copier/requirements.budgets.txt",
        "alembic upgrade head",
        "pytest tests/budgets --confcutdir=tests/budgets",
    ]
    assert all(step in message for step in steps), message
    assert [message.index(step) for step in steps] == sorted(message.index(s) for s in steps)


def test_a_re_export_of_the_domains_base_is_that_base(tmp_path: Path) -> None:
    (tmp_path / "app/models").mkdir(parents=True)
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/models/__init__.py").write_text("from ..db.base import Base as Base\n")
    text = env("""
        from app.models import Base
        target_metadata = Base.metadata
    """)

    advice = env_advice(text, "app.budgets", "app.db.base.Base", canonical_names(tmp_path))

    assert advice.imports == ["import app.budgets  # noqa: F401"]
    assert advice.target == ""


def test_a_module_level_metadata_of_the_base_counts_as_the_base(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/db.py").write_text("from app.base import Base\nmetadata = Base.metadata\n")
    text = env("""
        import app.budgets
        from app.db import metadata
        target_metadata = metadata
    """)

    assert not env_advice(text, "app.budgets", "app.base.Base", canonical_names(tmp_path))


def test_a_walked_package_counts_as_importing_the_domains_under_it() -> None:
    text = env("""
        import pkgutil
        from app.models import Base
        for module in pkgutil.walk_packages(["app/models"], "app.models."):
            pass
        target_metadata = Base.metadata
    """)

    assert not env_advice(text, "app.models.budgets", "app.models.Base")


def test_the_message_is_one_step_for_every_domain_rendered_so_far(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations/env.py").write_text(
        "from app.models import Base\ntarget_metadata = Base.metadata\n"
    )
    (tmp_path / ".copier").mkdir()
    for domain in ("budgets", "goals"):
        answers = {
            "dest_dir": f"app/{domain}",
            "orm_base": "app",
            "base_class": "app.db.base.Base",
            "migrations_dir": "migrations",
            "table_name": domain,
        }
        (tmp_path / f".copier/answers.{domain}.yml").write_text(yaml.safe_dump(answers))

    budgets = alembic_message(
        str(tmp_path), "migrations", "app.budgets", "app.db.base", "Base", "budgets"
    )
    goals = alembic_message(
        str(tmp_path), "migrations", "app.goals", "app.db.base", "Base", "goals"
    )

    assert budgets == goals
    assert "the budgets and goals tables" in goals
    assert goals.count("from app.db.base import Base as DbBase") == 1
    assert "target_metadata = [Base.metadata, DbBase.metadata]" in goals
