"""Defaults derived from the app in the destination folder, and what they render.

The app is read, never imported: its top-level package, its declarative base, its
Alembic ``script_location``, its pytest ``testpaths``. No default creates a package
beside a module of the same name, and an empty folder keeps the plain defaults.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extensions import defaults, destination
from extensions.ids import revision_id
from tests.answer_helpers import copy_answers, copy_template, snapshot, write

DECLARATIVE = (
    "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
)
SVC_INFRA_MODEL = (
    "from svc_infra.db.sql.base import ModelBase\n\n\n"
    'class User(ModelBase):\n    __tablename__ = "app_users"\n'
)


def app_with_modules(root: Path) -> Path:
    """The shape of issue 8's first app: modules app/db.py and app/models.py."""
    write(root, "app/__init__.py")
    write(root, "app/db.py", "from sqlalchemy.ext.asyncio import AsyncSession\n")
    write(root, "app/models.py", "from app.db import AsyncSession\n")
    return root


# each default on its own -----------------------------------------------------


def test_an_empty_folder_gets_the_plain_defaults(tmp_path: Path) -> None:
    assert defaults.package_folder(tmp_path, "goals") == "app/models/goals"
    assert defaults.base_class(tmp_path) == "app.db.base.Base"
    assert defaults.orm_base(tmp_path) == "app"
    assert defaults.migrations_folder(tmp_path) == "migrations"
    assert defaults.app_tests_folder(tmp_path) == "tests"


def test_modules_named_like_the_default_packages_push_the_defaults_elsewhere(
    tmp_path: Path,
) -> None:
    app = app_with_modules(tmp_path)

    assert defaults.package_folder(app, "goals") == "app/persistence/goals"
    assert defaults.base_class(app) == "app.database.base.Base"


def test_the_apps_package_is_its_only_package_or_the_one_pyproject_names(tmp_path: Path) -> None:
    write(tmp_path, "ledger/__init__.py")
    write(tmp_path, "tests/__init__.py")
    assert defaults.top_package(tmp_path) == "ledger"

    write(tmp_path, "worker/__init__.py")
    write(tmp_path, "pyproject.toml", '[project]\nname = "Worker"\n')
    assert defaults.top_package(tmp_path) == "worker"


def test_a_src_layout_puts_the_domain_under_src(tmp_path: Path) -> None:
    write(tmp_path, "src/ledger/__init__.py")

    assert defaults.package_folder(tmp_path, "budgets") == "src/ledger/models/budgets"
    assert defaults.base_class(tmp_path) == "ledger.db.base.Base"


def test_a_package_named_like_the_standard_library_is_not_the_apps_package(
    tmp_path: Path,
) -> None:
    write(tmp_path, "email/__init__.py")

    assert defaults.top_package(tmp_path) == "app"


def test_an_existing_declarative_base_is_offered(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py")
    write(tmp_path, "app/core/__init__.py")
    write(tmp_path, "app/core/database.py", DECLARATIVE)
    write(tmp_path, "tests/conftest.py", DECLARATIVE)  # a test's base is not the app's

    assert defaults.base_class(tmp_path) == "app.core.database.Base"
    assert defaults.orm_base(tmp_path) == "app"


def test_declarative_base_assignments_are_found_too(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py")
    write(
        tmp_path,
        "app/orm.py",
        "from sqlalchemy.orm import declarative_base\nModel = declarative_base()\n",
    )

    assert defaults.base_class(tmp_path) == "app.orm.Model"


def test_a_base_in_a_package_init_is_not_offered(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py")
    write(tmp_path, "app/db/__init__.py", DECLARATIVE)

    assert defaults.base_class(tmp_path) == "app.db.base.Base"


def test_an_app_on_svc_infras_model_base_defaults_to_it(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py")
    write(tmp_path, "app/users.py", SVC_INFRA_MODEL)

    assert defaults.orm_base(tmp_path) == "svc_infra"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"alembic.ini": "[alembic]\nscript_location = %(here)s/db/migrations\n"}, "db/migrations"),
        ({"alembic.ini": "[alembic]\nscript_location = alembic\n"}, "alembic"),
        ({"pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/migrate"\n'}, "migrate"),
        (
            {
                "alembic.ini": "[alembic]\nscript_location = ledger:migrations\n",
                "src/ledger/migrations/env.py": "",
            },
            "src/ledger/migrations",
        ),
        ({"alembic.ini": "[alembic]\nscript_location = /elsewhere/migrations\n"}, "migrations"),
        ({"alembic/env.py": ""}, "alembic"),
        ({"alembic.ini": "not an ini file"}, "migrations"),
        # benavlabs/FastAPI-boilerplate: Alembic runs from src/, with src/alembic.ini.
        ({"src/alembic.ini": "[alembic]\nscript_location = migrations\n"}, "src/migrations"),
        (
            {"src/alembic.ini": "[alembic]\nscript_location = %(here)s/db/migrations\n"},
            "src/db/migrations",
        ),
        (
            {
                "alembic.ini": "[alembic]\nscript_location = alembic\n",
                "src/alembic.ini": "[alembic]\nscript_location = migrations\n",
            },
            "alembic",
        ),
    ],
)
def test_the_migrations_folder_comes_from_alembics_config(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)

    assert defaults.migrations_folder(tmp_path) == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["test/unit", "test/e2e"]\n'
            },
            "test/unit",
        ),
        ({"pyproject.toml": '[tool.pytest]\ntestpaths = ["checks"]\n'}, "checks"),
        ({"pytest.ini": "[pytest]\ntestpaths = spec other\n"}, "spec"),
        ({"setup.cfg": "[tool:pytest]\ntestpaths =\n    qa\n"}, "qa"),
        ({"tox.ini": "[pytest]\ntestpaths = tox_tests\n"}, "tox_tests"),
        (
            {
                "pytest.ini": "[pytest]\n",
                "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["x"]\n',
            },
            "tests",
        ),
        ({"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = [".", "tests/*"]\n'}, "tests"),
        ({"test/test_app.py": ""}, "test"),
    ],
)
def test_the_tests_folder_comes_from_pytests_config(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)

    assert defaults.app_tests_folder(tmp_path) == expected


def test_a_testpaths_entry_that_is_the_apps_package_gives_its_tests_folder(
    tmp_path: Path,
) -> None:
    # rhoboro/async-fastapi-sqlalchemy: testpaths = ["app"], the tests in app/tests.
    write(tmp_path, "pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["app"]\n')
    write(tmp_path, "app/__init__.py")
    write(tmp_path, "app/tests/__init__.py")

    assert defaults.app_tests_folder(tmp_path) == "app/tests"


def test_a_testpaths_entry_that_is_the_apps_package_without_a_tests_folder_is_passed_over(
    tmp_path: Path,
) -> None:
    write(tmp_path, "pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["app"]\n')
    write(tmp_path, "app/__init__.py")

    assert defaults.app_tests_folder(tmp_path) == "tests"


def test_down_revision_is_the_single_head_when_it_is_an_id_we_can_follow(tmp_path: Path) -> None:
    write(tmp_path, "migrations/versions/a.py", 'revision = "a1b2"\ndown_revision = None\n')
    assert defaults.down_revision(tmp_path, "migrations", "goals", "goals") == "a1b2"

    write(tmp_path, "migrations/versions/b.py", 'revision = "b-2"\ndown_revision = "a1b2"\n')
    assert defaults.down_revision(tmp_path, "migrations", "goals", "goals") == ""


def test_the_same_app_always_gets_the_same_defaults(tmp_path: Path) -> None:
    app = app_with_modules(tmp_path)
    write(app, "app/core/__init__.py")
    write(app, "app/core/b.py", DECLARATIVE)
    write(app, "app/core/a.py", DECLARATIVE.replace("class Base", "class Model"))

    first = [defaults.package_folder(app, "goals"), defaults.base_class(app)]

    assert first == [defaults.package_folder(app, "goals"), defaults.base_class(app)]
    assert first[1] == "app.core.a.Model"  # the first in path order


def test_a_symlinked_folder_is_neither_read_nor_chosen(tmp_path: Path) -> None:
    write(tmp_path, "elsewhere/db.py", DECLARATIVE)
    write(tmp_path, "app/__init__.py")
    (tmp_path / "app/models").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    assert destination.declarative_bases(tmp_path) == []
    assert defaults.package_folder(tmp_path, "goals") == "app/persistence/goals"


# rendered with the defaults ----------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template"))


def _answers(app: Path, domain: str = "goals") -> dict[str, object]:
    loaded = yaml.safe_load((app / f".copier/answers.{domain}.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_rendering_into_an_app_with_db_and_models_modules_creates_no_package_beside_them(
    template: Path, tmp_path: Path
) -> None:
    app = app_with_modules(tmp_path / "app")
    modules = {name: (app / name).read_bytes() for name in ("app/db.py", "app/models.py")}

    copy_answers(template, app, {"domain": "goals"})

    assert (app / "app/persistence/goals/goal.py").is_file()
    assert (app / "app/database/base.py").is_file()
    assert not (app / "app/db").exists() and not (app / "app/models").exists()
    assert {name: (app / name).read_bytes() for name in modules} == modules


def test_rendering_into_a_src_layout_app_follows_its_package(
    template: Path, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    write(app, "src/ledger/__init__.py")

    copy_answers(template, app, {"domain": "budgets"})

    assert (app / "src/ledger/models/budgets/budget.py").is_file()
    assert (app / "src/ledger/db/base.py").is_file()
    assert (
        "from ledger.db.base import Base"
        in (app / "src/ledger/models/budgets/budget.py").read_text()
    )


def test_rendering_follows_alembic_ini_and_pytest_config(template: Path, tmp_path: Path) -> None:
    app = tmp_path / "app"
    write(app, "alembic.ini", "[alembic]\nscript_location = %(here)s/db/migrations\n")
    write(app, "db/migrations/env.py", "# the app's own environment\n")
    write(app, "pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["test/unit"]\n')

    copy_answers(template, app, {"domain": "goals"})

    revision = revision_id("goals", "goals")
    assert (app / f"db/migrations/versions/{revision}_create_goals.py").is_file()
    assert (app / "test/unit/goals/conftest.py").is_file()
    assert (app / "db/migrations/env.py").read_text() == "# the app's own environment\n"
    assert (_answers(app)["migrations_dir"], _answers(app)["tests_dir"]) == (
        "db/migrations",
        "test/unit",
    )


def test_rendering_into_an_app_with_alembic_under_src_writes_no_second_environment(
    template: Path, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    write(app, "src/alembic.ini", "[alembic]\nscript_location = migrations\n")
    write(app, "src/migrations/env.py", "# the app's own environment\n")
    write(app, "src/app/__init__.py")

    copy_answers(template, app, {"domain": "goals"})

    revision = revision_id("goals", "goals")
    assert (app / f"src/migrations/versions/{revision}_create_goals.py").is_file()
    assert not (app / "alembic.ini").exists()
    assert not (app / "migrations").exists()
    assert _answers(app)["migrations_dir"] == "src/migrations"


def test_rendering_uses_the_apps_own_declarative_base(template: Path, tmp_path: Path) -> None:
    app = tmp_path / "app"
    write(app, "app/__init__.py")
    write(app, "app/core/__init__.py")
    write(app, "app/core/database.py", DECLARATIVE)
    before = snapshot(app)

    copy_answers(template, app, {"domain": "goals"})

    assert "from app.core.database import Base" in (app / "app/models/goals/goal.py").read_text()
    assert snapshot(app)["app/core/database.py"] == before["app/core/database.py"]
    assert not (app / "app/db").exists()


def test_rendering_into_an_svc_infra_app_uses_model_base(template: Path, tmp_path: Path) -> None:
    app = tmp_path / "app"
    write(app, "app/__init__.py")
    write(app, "app/users.py", SVC_INFRA_MODEL)

    copy_answers(template, app, {"domain": "goals"})

    assert _answers(app)["orm_base"] == "svc_infra"
    assert "ModelBase" in (app / "app/models/goals/goal.py").read_text()
