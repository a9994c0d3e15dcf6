"""A destination that is a package inside a project: ``copier copy <template> app/``.

Two real-app shapes. ``locked_app`` is shaped like rhoboro/async-fastapi-sqlalchemy:
its Alembic environment is at the project root, so a copy into ``app/`` is refused
before anything is written, with the command that works, and that command works end
to end. ``package_app`` is shaped like the backend of a full-stack FastAPI project:
its Alembic environment and its tests are inside ``app/``, so a copy into ``app/``
works end to end, every import dotted from the project root. At a project root,
nothing changes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from copier import run_update

from extensions import defaults
from extensions.package_destination import (
    Project,
    alembic_home,
    dotted,
    find,
    home_of_tests,
    module_in_destination,
    package_of,
)
from extensions.render import base_module_file, shared_packages
from tests.answer_helpers import copy_template, snapshot, write
from tests.conftest import ROOT, changed_files, files, tool
from tests.test_update import Template, git

APPS = ROOT / "tests/fixtures/apps"
RHOBORO_SHAPED = "locked_app"  # alembic.ini and migrations/ at the root, tests in app/tests
PACKAGE_APP = "package_app"  # alembic.ini at the root, script_location = app/alembic
WORKS_FROM = "Run it from the project root: "
BIN = str(Path(sys.executable).parent)


def project(root: Path, *packages: str, markers: tuple[str, ...] = ("pyproject.toml",)) -> Path:
    """A project folder with ``markers`` and the packages (folders with __init__.py) given."""
    for marker in markers:
        write(root, marker)
    for package in packages:
        write(root, f"{package}/__init__.py")
    return root


# Finding the project around a destination --------------------------------------------


def test_a_package_of_a_project_is_found_with_its_import_path(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app")

    found = find(root / "app")

    assert found == Project(root, root / "app", "app")
    assert found.folder.as_posix() == "app"
    assert found.import_root == root


def test_a_nested_package_is_dotted_from_the_project_root(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app", "app/api")

    found = find(root / "app/api")

    assert found is not None
    assert found.package == "app.api"
    assert found.folder.as_posix() == "app/api"


def test_a_package_under_src_is_imported_from_src(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "src/ledger")

    found = find(root / "src/ledger")

    assert found is not None
    assert found.package == "ledger"
    assert found.root == root
    assert found.import_root == root / "src"


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.cfg", "alembic.ini", ".git"])
def test_any_project_marker_makes_the_folder_above_a_project(tmp_path: Path, marker: str) -> None:
    root = project(tmp_path / "p", "app", markers=(marker,))

    assert find(root / "app") is not None


def test_without_a_project_around_it_a_package_is_a_project_root(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app", markers=())

    assert find(root / "app") is None


def test_a_folder_without_init_is_a_project_root(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "app").mkdir()

    assert find(root / "app") is None


def test_a_package_with_a_project_file_of_its_own_is_a_project_root(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app")
    write(root, "app/pyproject.toml")

    assert find(root / "app") is None


def test_a_plain_folder_between_the_package_and_the_project_is_no_import_root(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "p", "services/app")

    assert find(root / "services/app") is None


def test_the_project_root_itself_is_unchanged(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app")

    assert find(root) is None
    assert defaults.package_folder(root, "budgets") == "app/models/budgets"
    assert defaults.base_class(root) == "app.db.base.Base"
    assert defaults.migrations_folder(root) == "migrations"


# Import paths and files, from the recorded package -------------------------------------


def test_imports_are_dotted_from_the_import_root() -> None:
    assert dotted("app", "models/budgets") == "app.models.budgets"
    assert dotted("app.api", "persistence/goals") == "app.api.persistence.goals"
    assert dotted("", "src/ledger/budgets") == "ledger.budgets"
    assert package_of({"destination_package": "app", "dest_dir": "models/budgets"}) == (
        "app.models.budgets"
    )
    assert package_of({"dest_dir": "app/models/budgets"}) == "app.models.budgets"


def test_the_base_module_is_placed_inside_the_package_or_nowhere() -> None:
    assert base_module_file("app.db.base.Base", "models/budgets", "app") == "db/base.py"
    assert base_module_file("core.db.Base", "models/budgets", "app") == ""
    assert base_module_file("app.db.base.Base", "app/models/budgets") == "app/db/base.py"
    assert module_in_destination("app.models", "app.api") is None


def test_shared_packages_are_the_folders_inside_the_package() -> None:
    assert shared_packages("models/budgets", "app.db.base.Base", "app") == ["db", "models"]
    assert shared_packages("models/budgets", "core.db.Base", "app") == ["models"]


# Defaults in a package destination ------------------------------------------------------


def test_defaults_in_the_rhoboro_shaped_app_are_relative_to_its_package(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(APPS / RHOBORO_SHAPED, root)
    package = root / "app"

    assert defaults.package_folder(package, "budgets") == "models/budgets"
    assert defaults.base_class(package) == "app.models.base.Base"
    assert defaults.app_tests_folder(package) == "tests"
    found = find(package)
    assert found is not None
    assert alembic_home(found) == "migrations"  # outside app/: refused, see below


def test_defaults_in_a_package_that_holds_everything(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(APPS / PACKAGE_APP, root)
    package = root / "app"

    # app/models.py is a module: the domain's package goes beside it, not over it.
    assert defaults.package_folder(package, "budgets") == "persistence/budgets"
    assert defaults.base_class(package) == "app.models.Base"
    assert defaults.migrations_folder(package) == "alembic"
    assert defaults.app_tests_folder(package) == "tests"
    assert defaults.down_revision(package, "alembic", "budgets", "budgets") == "3b7e51c2d9a4"


def test_a_new_base_goes_into_the_package(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app")

    assert defaults.new_base_class(root / "app") == "app.db.base.Base"
    assert defaults.base_class(root / "app") == "app.db.base.Base"


def test_tests_at_the_project_root_are_outside_the_package(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "app")
    (root / "tests").mkdir()
    found = find(root / "app")
    assert found is not None

    assert home_of_tests(found, "tests") is None
    (root / "tests").rmdir()
    (root / "app/tests").mkdir()
    assert home_of_tests(found, "tests") == "tests"


# Copying into the package, through the copier command ----------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template"))


def app_copy(name: str, destination: Path) -> Path:
    """A fixture app as its own git repository (Copier's update needs one)."""
    shutil.copytree(APPS / name, destination, ignore=shutil.ignore_patterns(".ruff_cache"))
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "the app as it was")
    return destination


def in_app(
    cwd: Path, command: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``command`` in ``cwd``, with this venv's tools first on PATH and no app URLs set."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    clean["PATH"] = f"{BIN}{os.pathsep}{clean.get('PATH', '')}"
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, env=clean | (env or {})
    )


def copier(
    cwd: Path, template: Path, destination: str, *data: str
) -> subprocess.CompletedProcess[str]:
    """``copier copy --trust --defaults --data ... <template> <destination>`` in ``cwd``."""
    arguments = [f"--data={item}" for item in data]
    command = [
        tool("copier"),
        "copy",
        "--trust",
        "--defaults",
        *arguments,
        str(template),
        destination,
    ]
    return in_app(cwd, command)


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The last line Copier printed, which must be a refusal."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_copying_into_the_package_of_a_rhoboro_shaped_app_is_refused_with_the_command(
    template: Path, tmp_path: Path
) -> None:
    root = app_copy(RHOBORO_SHAPED, tmp_path / "project")
    before = snapshot(root)

    line = refusal(copier(root, template, "app/", "domain=budgets", "include_tenant=true"))

    assert snapshot(root) == before
    assert line == (
        "destination: app is a package of the project in ., and its Alembic environment is "
        "migrations/, outside app; Copier writes only inside its destination. "
        f"{WORKS_FROM}copier copy --trust --defaults {template} . --data domain=budgets "
        "--data include_tenant=true --data dest_dir=app/models/budgets"
    )


def test_from_inside_the_package_the_command_starts_with_cd(template: Path, tmp_path: Path) -> None:
    root = app_copy(RHOBORO_SHAPED, tmp_path / "project")
    before = snapshot(root)

    line = refusal(copier(root / "app", template, ".", "domain=goals", "tests_dir=tests"))

    assert snapshot(root) == before
    assert line.endswith(
        f"{WORKS_FROM}cd .. && copier copy --trust --defaults {template} . --data domain=goals "
        "--data tests_dir=app/tests --data dest_dir=app/models/goals"
    )


@pytest.mark.slow
def test_the_command_the_refusal_gives_works_end_to_end(template: Path, tmp_path: Path) -> None:
    root = app_copy(RHOBORO_SHAPED, tmp_path / "project")
    line = refusal(copier(root, template, "app/", "domain=budgets"))

    done = in_app(root, ["bash", "-c", line.split(WORKS_FROM, 1)[1]])

    assert done.returncode == 0, done.stderr[-3000:]
    assert (root / "app/models/budgets/budget.py").is_file()
    assert (root / "app/tests/budgets/conftest.py").is_file()
    assert not (root / "app/migrations").exists()
    assert not (root / "app/alembic.ini").exists()
    assert "from app.models.base import Base" in (root / "app/models/budgets/budget.py").read_text()
    add_import(root / "migrations/env.py", "app.models.budgets")
    works_end_to_end(root, tmp_path, "app.models.budgets", "app/tests/budgets")


def add_import(env: Path, package: str) -> None:
    """The one line the after-copy message asks env.py for."""
    text = env.read_text()
    first = text.index("\nfrom app.")
    env.write_text(f"{text[:first]}\nimport {package}  # noqa: F401{text[first:]}")


def works_end_to_end(root: Path, tmp_path: Path, package: str, tests: str) -> None:
    """Import, alembic upgrade head and check, and the rendered tests, on SQLite."""
    url = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/e2e.db"}
    imported = in_app(root, [sys.executable, "-c", f"import app.main, {package}"])
    assert imported.returncode == 0, imported.stderr
    for args in (["upgrade", "head"], ["check"]):
        result = in_app(root, [tool("alembic"), *args], url)
        assert result.returncode == 0, result.stderr + result.stdout
    assert "No new upgrade operations detected" in result.stdout + result.stderr
    run = [sys.executable, "-m", "pytest", tests, f"--confcutdir={tests}", "-p", "no:cacheprovider"]
    passed = in_app(root, run)
    assert passed.returncode == 0, passed.stdout[-3000:]


# A package that holds everything it needs ------------------------------------------------


@pytest.fixture(scope="module")
def packaged(
    template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, dict[str, bytes]]:
    """package_app with budgets copied into app/, from the project root; the message."""
    root = app_copy(PACKAGE_APP, tmp_path_factory.mktemp("packaged") / "project")
    before = files(root)
    result = copier(root, template, "app/", "domain=budgets", "api=fastapi")
    assert result.returncode == 0, result.stderr[-3000:]
    return root, result.stderr[result.stderr.index("Rendered ") :], before


def test_copying_into_a_package_that_holds_everything_writes_only_inside_it(
    packaged: tuple[Path, str, dict[str, bytes]],
) -> None:
    root, _, before = packaged
    after = files(root)

    added = sorted(name for name in after if name not in before and not name.startswith(".git/"))
    changed = [name for name in before if after.get(name) != before[name]]

    assert changed == []
    assert added and all(name.startswith("app/") for name in added)
    assert "app/alembic/versions/bd3fdfb84eab_create_budgets.py" in added
    assert "app/persistence/budgets/budget_api.py" in added
    assert "app/tests/budgets/test_budget_api.py" in added
    assert ".copier/answers.budgets.yml" not in added
    assert not any(name.startswith(("app/migrations/", "app/alembic.ini")) for name in added)


def test_imports_and_the_answers_are_dotted_from_the_project_root(
    packaged: tuple[Path, str, dict[str, bytes]],
) -> None:
    root, _, _ = packaged

    answers = yaml.safe_load((root / "app/.copier/answers.budgets.yml").read_text())
    model = (root / "app/persistence/budgets/budget.py").read_text()
    conftest = (root / "app/tests/budgets/conftest.py").read_text()
    migration = (root / "app/alembic/versions/bd3fdfb84eab_create_budgets.py").read_text()

    assert answers["destination_package"] == "app"
    assert answers["dest_dir"] == "persistence/budgets"
    assert answers["base_class"] == "app.models.Base"
    assert answers["migrations_dir"] == "alembic"
    assert "from app.models import Base" in model
    assert "from app.persistence.budgets import" in conftest
    assert 'down_revision: str | None = "3b7e51c2d9a4"' in migration


def test_the_message_gives_paths_from_the_project_root(
    packaged: tuple[Path, str, dict[str, bytes]],
) -> None:
    _, message, _ = packaged

    assert "Run what follows from the project root." in message
    assert "pip install -r app/.copier/requirements.budgets.txt" in message
    assert "pytest app/tests/budgets --confcutdir=app/tests/budgets" in message
    assert "Alembic: app/alembic/env.py does not see the budgets table yet" in message
    assert "    import app.persistence.budgets  # noqa: F401" in message


@pytest.mark.slow
def test_a_package_that_holds_everything_works_end_to_end(
    packaged: tuple[Path, str, dict[str, bytes]], tmp_path: Path, mypy_cache: Path
) -> None:
    root, message, _ = packaged
    app = tmp_path / "project"
    shutil.copytree(root, app)
    add_import(app / "app/alembic/env.py", "app.persistence.budgets")
    added = sorted(
        str(p.relative_to(app)) for p in (app / "app").rglob("*.py") if "budget" in str(p)
    )

    for command in (["format", "--check"], ["check"]):
        linted = in_app(app, [tool("ruff"), *command, *added])
        assert linted.returncode == 0, linted.stdout + linted.stderr
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache)]
    typed = in_app(app, [*mypy, *added])
    assert typed.returncode == 0, typed.stdout[-3000:]
    pytest_line = next(line for line in message.splitlines() if line.startswith("    pytest "))
    assert shlex.split(pytest_line)[1] == "app/tests/budgets"
    works_end_to_end(app, tmp_path, "app.persistence.budgets", "app/tests/budgets")
    own = in_app(
        app,
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--ignore=app/tests/budgets"],
    )
    assert own.returncode == 0, own.stdout[-3000:]


@pytest.mark.slow
def test_copier_update_from_the_package_keeps_everything(tmp_path: Path) -> None:
    template = Template(tmp_path / "template")
    requirements = template.path / "template/.copier/requirements.{{ domain_key }}.txt.jinja"
    requirements.write_text(requirements.read_text() + "# v1.1.0 changed only this line.\n")
    template.release("v1.1.0")
    root = app_copy(PACKAGE_APP, tmp_path / "project")
    command = [tool("copier"), "copy", "--trust", "--defaults", "--vcs-ref=v1.0.0"]
    copied = in_app(root, [*command, "--data=domain=budgets", str(template.path), "app"])
    assert copied.returncode == 0, copied.stderr[-3000:]
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "render budgets")
    before = files(root)

    run_update(
        root / "app",
        answers_file=".copier/answers.budgets.yml",
        vcs_ref="v1.1.0",
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
    )

    after = files(root)
    changed = changed_files(before, after)
    assert changed == ["app/.copier/answers.budgets.yml", "app/.copier/requirements.budgets.txt"]
    answers = yaml.safe_load(after["app/.copier/answers.budgets.yml"])
    assert answers["destination_package"] == "app"


# What a package that holds everything still refuses --------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            "migrations_dir=migrations",
            "app/migrations has no Alembic env.py, and a second Alembic environment inside app "
            "would not be the project's",
        ),
        (
            "base_class=core.db.Base",
            "base_class core.db.Base would be written to core/db.py, outside app",
        ),
    ],
)
def test_a_file_that_would_go_outside_the_package_is_refused(
    template: Path, tmp_path: Path, data: str, reason: str
) -> None:
    root = app_copy(PACKAGE_APP, tmp_path / "project")
    before = snapshot(root)

    line = refusal(copier(root, template, "app", "domain=budgets", data))

    assert snapshot(root) == before
    assert f"and {reason}; Copier writes only inside its destination." in line
    question, value = data.split("=")
    shown = f"app/{value}" if question.endswith("_dir") else value
    assert line.endswith(f"--data {question}={shown} --data dest_dir=app/persistence/budgets")


def test_tests_kept_at_the_project_root_are_refused(template: Path, tmp_path: Path) -> None:
    root = app_copy(PACKAGE_APP, tmp_path / "project")
    shutil.move(root / "app/tests", root / "tests")
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace('"app/tests"', '"tests"')
    )
    before = snapshot(root)

    line = refusal(copier(root, template, "app", "domain=budgets"))

    assert snapshot(root) == before
    assert "and its tests are in tests/, outside app;" in line


def test_the_recorded_package_cannot_be_given(template: Path, tmp_path: Path) -> None:
    root = app_copy(PACKAGE_APP, tmp_path / "project")
    before = snapshot(root)

    line = refusal(copier(root, template, "app", "domain=budgets", "destination_package=other"))

    assert snapshot(root) == before
    assert line.startswith(
        "destination_package: it is worked out from the destination folder (app)"
    )


def test_at_the_project_root_no_package_is_recorded(template: Path, tmp_path: Path) -> None:
    root = app_copy(RHOBORO_SHAPED, tmp_path / "project")

    result = copier(root, template, ".", "domain=budgets")

    assert result.returncode == 0, result.stderr[-3000:]
    answers = yaml.safe_load((root / ".copier/answers.budgets.yml").read_text())
    assert "destination_package" not in answers
    assert answers["dest_dir"] == "app/models/budgets"
