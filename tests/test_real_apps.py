"""Rendering into apps shaped like real ones: nothing of theirs breaks, Alembic just works.

Each folder under tests/fixtures/apps has the shape of an open-source FastAPI app:
async SQLAlchemy modules ``app/db.py`` + ``app/models.py`` with an Alembic environment
and a test conftest that needs the app's own database; a SQLModel app; an app on
svc-infra's ``ModelBase``; an app without Alembic; and an app whose tests live in its
package, with every version locked (``requirements.lock``). Each is copied into a git
repository and rendered from a released template with the defaults, as a user runs
``copier copy --defaults --data domain=budgets``. Where the after-copy message says
that env.py needs lines, the test adds exactly those lines, so the message is tested.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from copier import run_copy, run_update
from copier.errors import UserMessageError

from tests.conftest import ROOT, changed_files, files, fresh_database, tool
from tests.test_update import Template, git

pytestmark = pytest.mark.slow

APPS_DIR = ROOT / "tests/fixtures/apps"
REQUIREMENTS_TEMPLATE = "template/.copier/requirements.{{ domain_key }}.txt.jinja"
RELEASE_NOTE = "# v1.1.0 changed only this line."


@dataclass(frozen=True)
class Spec:
    """What a fixture app is: how to import it, where its URL lives, its own head."""

    imports: str
    url_variable: str = "DATABASE_URL"
    own_head: str = "base"  # where `alembic downgrade` returns to: the app's own head


SPECS = {
    "module_app": Spec("app.db, app.models, app.main", own_head="2f6c1a9b7d3e"),
    "sqlmodel_app": Spec("app.db, app.models, app.main", own_head="e2412789c190"),
    "svc_infra_app": Spec("app.db, app.models", url_variable="SQL_URL", own_head="9c1d4e2a7b10"),
    "bare_app": Spec("app.main"),
    # Shaped like rhoboro/async-fastapi-sqlalchemy: testpaths = ["app"], tests in app/tests.
    "locked_app": Spec("app.db, app.models, app.main", own_head="a8483365f505"),
    # env.py imports the base from app.models, which re-exports app.db.base's.
    "reexport_app": Spec("app.db, app.models, app.main", own_head="2f6c1a9b7d3e"),
}
# Variables the apps' conftests read: unset, so an app fixture that needs one breaks.
APP_VARIABLES = ("DATABASE_URL", "SQL_URL", "TEST_DATABASE_URL")


@dataclass(frozen=True)
class Rendered:
    """An app after `copier copy` and after the lines the message asked for."""

    name: str
    path: Path
    spec: Spec
    message: str
    before: dict[str, bytes]  # the app's files before rendering


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """This template released as v1.0.0, and as v1.1.0 with one changed line."""
    template = Template(tmp_path_factory.mktemp("template"))
    requirements = template.path / REQUIREMENTS_TEMPLATE
    requirements.write_text(requirements.read_text() + RELEASE_NOTE + "\n")
    template.release("v1.1.0")
    return template


def copy_app(name: str, destination: Path) -> Path:
    """A fixture app as its own git repository, committed."""
    shutil.copytree(APPS_DIR / name, destination)
    git(destination, "init", "-q")
    commit(destination, "the app as it was")
    return destination


def commit(app: Path, message: str) -> None:
    git(app, "add", "-A")
    git(app, "commit", "-q", "--allow-empty", "-m", message)


def copy_template(template: Template, app: Path, **data: Any) -> str:
    """`copier copy --defaults --data ...` from v1.0.0; returns the after-copy message."""
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        run_copy(
            str(template.path),
            app,
            data=data,
            vcs_ref="v1.0.0",
            defaults=True,
            unsafe=True,
        )
    output = printed.getvalue()
    return output[output.index("Rendered ") :]


def blocks(message: str) -> dict[str, str]:
    """The indented code blocks of the message, by the line that introduces each."""
    found: dict[str, str] = {}
    paragraphs = message.split("\n\n")
    for heading, body in zip(paragraphs, paragraphs[1:], strict=False):
        lines = body.splitlines()
        if lines and all(line.startswith("    ") for line in lines):
            found[heading.strip().splitlines()[-1]] = "\n".join(line[4:] for line in lines)
    return found


def apply_advice(env_text: str, message: str) -> str:
    """env.py with exactly the lines the after-copy message asks for."""
    advice = blocks(message)
    if "Add to its imports:" in advice:
        last_import = max(
            node.end_lineno or node.lineno
            for node in ast.parse(env_text).body
            if isinstance(node, ast.Import | ast.ImportFrom)
        )
        lines = env_text.splitlines(keepends=True)
        imports = advice["Add to its imports:"] + "\n"
        env_text = "".join([*lines[:last_import], imports, *lines[last_import:]])
    if "and replace" in advice:
        assert env_text.count(advice["and replace"]) == 1
        env_text = env_text.replace(advice["and replace"], advice["with"])
    return env_text


def documented_test_command(message: str) -> list[str]:
    """The command the message prints for running the rendered tests, as arguments."""
    line = next(line for line in message.splitlines() if line.startswith("    pytest "))
    return shlex.split(line)


def in_app(
    app: Path, command: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the app, with none of the apps' variables set but ``env``."""
    clean = {key: value for key, value in os.environ.items() if key not in APP_VARIABLES}
    return subprocess.run(
        command, cwd=app, capture_output=True, text=True, check=False, env=clean | (env or {})
    )


@pytest.fixture(scope="module", params=sorted(SPECS))
def rendered(
    request: pytest.FixtureRequest,
    template: Template,
    tmp_path_factory: pytest.TempPathFactory,
) -> Rendered:
    """A fixture app with budgets rendered from v1.0.0 and env.py edited as told."""
    name: str = request.param
    app = copy_app(name, tmp_path_factory.mktemp(name) / "app")
    before = {k: v for k, v in files(app).items() if not k.startswith(".git/")}
    message = copy_template(template, app, domain="budgets")
    commit(app, "render budgets")
    env = app / "migrations/env.py"
    env.write_text(apply_advice(env.read_text(), message))
    commit(app, "env.py sees budgets, as the after-copy message says")
    return Rendered(name, app, SPECS[name], message, before)


def alembic(rendered: Rendered, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The Alembic CLI in the app, on the database at ``url``."""
    return in_app(rendered.path, [tool("alembic"), *args], {rendered.spec.url_variable: url})


def test_rendering_changes_no_file_of_the_app_but_env_py(rendered: Rendered) -> None:
    after = files(rendered.path)

    changed = [name for name, content in rendered.before.items() if after.get(name) != content]

    assert set(changed) <= {"migrations/env.py"}


def test_the_app_still_imports(rendered: Rendered) -> None:
    imports = rendered.spec.imports

    result = in_app(rendered.path, [sys.executable, "-c", f"import {imports}"])

    assert result.returncode == 0, result.stderr


def test_the_apps_own_formatter_and_linter_leave_the_rendered_files_alone(
    rendered: Rendered,
) -> None:
    # The app's own ruff settings (module_app: line-length 100), not the template's.
    added = sorted(
        name
        for name in files(rendered.path)
        if name.endswith(".py") and name not in rendered.before
    )

    formatted = in_app(rendered.path, [tool("ruff"), "format", "--check", *added])
    linted = in_app(rendered.path, [tool("ruff"), "check", *added])

    assert added
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_app_has_one_alembic_head_the_domains_migration(rendered: Rendered) -> None:
    script = ScriptDirectory(str(rendered.path / "migrations"))

    heads = script.get_heads()

    assert len(heads) == 1
    head = script.get_revision(heads[0])
    assert head is not None
    assert Path(head.path).name.endswith("_create_budgets.py")


@pytest.fixture(scope="module")
def upgraded(rendered: Rendered) -> Iterator[tuple[str, subprocess.CompletedProcess[str]]]:
    """A fresh PostgreSQL database, `alembic upgrade head` run on it, and its result."""
    for url in fresh_database("postgresql"):
        yield url, alembic(rendered, url, "upgrade", "head")


@pytest.mark.database
def test_alembic_upgrade_head_succeeds(upgraded: tuple[str, Any]) -> None:
    _, upgrade = upgraded

    assert upgrade.returncode == 0, upgrade.stderr


@pytest.mark.database
def test_alembic_check_finds_nothing_to_change_after_the_upgrade(
    rendered: Rendered, upgraded: tuple[str, Any]
) -> None:
    url, _ = upgraded

    check = alembic(rendered, url, "check")

    assert check.returncode == 0, check.stderr + check.stdout
    assert "No new upgrade operations detected" in check.stdout + check.stderr


@pytest.mark.database
def test_alembic_downgrade_returns_to_the_apps_own_head(
    rendered: Rendered, upgraded: tuple[str, Any]
) -> None:
    url, _ = upgraded

    downgrade = alembic(rendered, url, "downgrade", rendered.spec.own_head)

    assert downgrade.returncode == 0, downgrade.stderr
    steps = [line for line in downgrade.stderr.splitlines() if "Running downgrade" in line]
    own = "" if rendered.spec.own_head == "base" else rendered.spec.own_head
    assert steps[-1].split(" -> ")[1].startswith(f"{own},")


def test_rendered_tests_pass_when_run_as_the_message_says(rendered: Rendered) -> None:
    command = documented_test_command(rendered.message)

    result = in_app(rendered.path, [sys.executable, "-m", *command, "-p", "no:cacheprovider"])

    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("rendered", ["module_app"], indirect=True)
def test_the_apps_autouse_fixture_breaks_the_rendered_tests_without_confcutdir(
    rendered: Rendered,
) -> None:
    plain = [sys.executable, "-m", "pytest", "tests/budgets", "-x", "-p", "no:cacheprovider"]

    result = in_app(rendered.path, plain)

    assert result.returncode != 0


BARE = pytest.mark.parametrize("rendered", ["bare_app"], indirect=True)


@BARE
def test_the_rendered_env_py_asks_for_database_url_when_it_is_missing(
    rendered: Rendered,
) -> None:
    result = in_app(rendered.path, [tool("alembic"), "upgrade", "head"])

    assert result.returncode != 0
    assert "Set DATABASE_URL to the database to migrate" in result.stderr


@BARE
def test_the_rendered_env_py_writes_the_sql_offline(rendered: Rendered) -> None:
    url = {"DATABASE_URL": "postgresql+asyncpg://nobody@localhost/nothing"}

    result = in_app(rendered.path, [tool("alembic"), "upgrade", "head", "--sql"], url)

    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE budgets" in result.stdout


@BARE
@pytest.mark.database
def test_the_rendered_env_py_sees_a_later_domain_on_svc_infras_model_base(
    rendered: Rendered, template: Template, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    shutil.copytree(rendered.path, app, symlinks=True)
    env_before = (app / "migrations/env.py").read_bytes()
    copy_template(template, app, domain="goals", orm_base="svc_infra", dest_dir="app/goals")
    assert (app / "migrations/env.py").read_bytes() == env_before
    later = Rendered("bare_app", app, rendered.spec, "", {})

    for url in fresh_database("postgresql"):
        assert alembic(later, url, "upgrade", "head").returncode == 0
        check = alembic(later, url, "check")

        assert check.returncode == 0, check.stderr + check.stdout


def test_copier_update_to_the_next_release_keeps_everything(
    rendered: Rendered, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    shutil.copytree(rendered.path, app, symlinks=True)
    before = files(app)

    run_update(
        app,
        answers_file=".copier/answers.budgets.yml",
        vcs_ref="v1.1.0",
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        conflict="inline",
    )

    after = files(app)
    changed = changed_files(before, after)
    assert changed == [".copier/answers.budgets.yml", ".copier/requirements.budgets.txt"]
    assert after[".copier/requirements.budgets.txt"].decode().endswith(RELEASE_NOTE + "\n")


INVOICE = "number:str(32):unique amount:money due_on:date? account:ref(accounts)"


@pytest.mark.database
@pytest.mark.parametrize("rendered", ["module_app"], indirect=True)
def test_the_ledger_and_a_custom_entity_join_the_app_and_change_their_spec_there(
    rendered: Rendered, template: Template, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    shutil.copytree(rendered.path, app, symlinks=True)
    env = app / "migrations/env.py"
    messages = []
    for data in (
        {"domain": "accounts"},
        {"domain": "custom", "entity": "Invoice", "fields": INVOICE},
    ):
        messages.append(copy_template(template, app, **data))
        env.write_text(apply_advice(env.read_text(), messages[-1]))
    commit(app, "render accounts and invoices")
    later = Rendered("module_app", app, rendered.spec, messages[-1], rendered.before)
    added = sorted(name for name in files(app) if name.endswith(".py") and "invoices" in name)
    assert in_app(app, [tool("ruff"), "format", "--check", *added]).returncode == 0
    assert in_app(app, [tool("ruff"), "check", *added]).returncode == 0

    for url in fresh_database("postgresql"):
        for args in (["upgrade", "head"], ["check"]):
            result = alembic(later, url, *args)
            assert result.returncode == 0, result.stderr + result.stdout
        tests = documented_test_command(messages[-1])
        result = in_app(app, [sys.executable, "-m", *tests, "-p", "no:cacheprovider"])
        assert result.returncode == 0, result.stdout[-3000:]

        # A field added to the spec on update is a migration step the database takes.
        run_update(
            app,
            data={"fields": f"{INVOICE} note:text?"},
            answers_file=".copier/answers.invoices.yml",
            vcs_ref="v1.1.0",
            defaults=True,
            overwrite=True,
            unsafe=True,
            quiet=True,
        )
        commit(app, "invoices get a note")
        for args in (["upgrade", "head"], ["check"]):
            result = alembic(later, url, *args)
            assert result.returncode == 0, result.stderr + result.stdout
        script = ScriptDirectory(str(app / "migrations"))
        (head,) = script.get_heads()
        step = script.get_revision(head)
        assert step is not None and Path(step.path).name.endswith("_invoices_spec_2.py")
        current = alembic(later, url, "current")
        assert f"{head} (head)" in current.stdout, current.stdout + current.stderr


# Installing the rendered requirements into an app with a locked stack -------------------

LOCKED_APP = "locked_app"


def uv(*args: str) -> subprocess.CompletedProcess[str]:
    """This venv's uv, which must succeed."""
    result = subprocess.run([tool("uv"), *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def new_venv(folder: Path, *requirements: Path) -> Path:
    """A fresh venv on this Python with ``requirements`` installed; its interpreter."""
    uv("venv", "--quiet", "--python", sys.executable, str(folder))
    python = folder / "bin/python"
    install(python, *requirements)
    return python


def install(python: Path, *requirements: Path) -> None:
    """``uv pip install -r ...`` into the venv of ``python``, as a user installs them."""
    files = [arg for path in requirements for arg in ("-r", str(path))]
    uv("pip", "install", "--quiet", "--python", str(python), *files)


def freeze(python: Path) -> dict[str, str]:
    """Every installed package of the venv of ``python``, with its version."""
    lines = uv("pip", "freeze", "--python", str(python)).stdout.splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line)


@dataclass(frozen=True)
class Locked:
    """The locked app, budgets rendered into it, and its venv before and after the install."""

    app: Path
    python: Path
    message: str
    before: dict[str, str]
    after: dict[str, str]


@pytest.fixture(scope="module")
def locked(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Locked:
    root = tmp_path_factory.mktemp(LOCKED_APP)
    app = copy_app(LOCKED_APP, root / "app")
    python = new_venv(root / "venv", app / "requirements.lock")
    before = freeze(python)
    # With the FastAPI router: its floor (0.105, Starlette 0.27) is below the lock's.
    message = copy_template(template, app, domain="budgets", api="fastapi")
    install(python, app / ".copier/requirements.budgets.txt")
    return Locked(app, python, message, before, freeze(python))


def test_installing_the_rendered_requirements_moves_no_package_the_app_had(
    locked: Locked,
) -> None:
    moved = {
        name: f"{version} -> {locked.after.get(name)}"
        for name, version in locked.before.items()
        if locked.after.get(name) != version
    }

    assert moved == {}
    assert locked.before["sqlalchemy"] == "2.0.41"  # the lock is the one this test means
    assert locked.before["fastapi"] == "0.109.2"
    assert locked.before["starlette"] == "0.36.3"
    assert locked.before["httpx"] == "0.26.0"
    assert locked.before["pytest"] == "7.4.4"


def test_the_rendered_requirements_leave_fin_infra_out(locked: Locked) -> None:
    assert "fin-infra" not in locked.after


def test_the_apps_own_tests_still_pass_with_the_rendered_requirements_installed(
    locked: Locked,
) -> None:
    own = [str(locked.python), "-m", "pytest", "-p", "no:cacheprovider"]

    result = in_app(locked.app, [*own, "--ignore=app/tests/budgets"])

    assert result.returncode == 0, result.stdout[-3000:]


def test_the_rendered_tests_pass_on_the_locked_stack_and_skip_fin_infras_with_a_reason(
    locked: Locked,
) -> None:
    command = documented_test_command(locked.message)

    result = in_app(
        locked.app, [str(locked.python), "-m", *command, "-p", "no:cacheprovider", "-rs"]
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert "no fin-infra, see .copier/requirements.budgets.fin-infra.txt" in result.stdout
    assert " passed" in result.stdout
    assert (locked.app / "app/tests/budgets/test_budget_api.py").is_file()


def test_with_fin_infra_installed_the_conversion_tests_run_and_pass(
    locked: Locked, tmp_path: Path
) -> None:
    requirements = locked.app / ".copier"
    python = new_venv(
        tmp_path / "venv",
        requirements / "requirements.budgets.txt",
        requirements / "requirements.budgets.fin-infra.txt",
    )
    tests = "app/tests/budgets/test_budget_fin_infra.py"

    result = in_app(
        locked.app, [str(python), "-m", "pytest", tests, "-p", "no:cacheprovider", "-rs"]
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert "skipped" not in result.stdout
    assert " passed" in result.stdout


# A MappedAsDataclass base (benavlabs/FastAPI-boilerplate) ------------------------------

DATACLASS_APP = "dataclass_app"
NEW_BASE = "app.db.base.Base"


def refusal(template: Template, app: Path, **data: Any) -> str:
    """The one-line message Copier stops with, before writing anything."""
    with pytest.raises(UserMessageError) as refused:
        copy_template(template, app, **data)
    return str(refused.value)


@pytest.mark.parametrize("answer", [{}, {"base_class": "app.core.db.database.Base"}])
def test_a_mapped_as_dataclass_base_is_refused_with_the_app_left_as_it_was(
    template: Template, tmp_path: Path, answer: dict[str, str]
) -> None:
    app = copy_app(DATACLASS_APP, tmp_path / "app")
    before = files(app)

    message = refusal(template, app, domain="budgets", **answer)

    assert files(app) == before
    assert "\n" not in message
    assert message.startswith("base_class: app.core.db.database.Base is a MappedAsDataclass base")
    assert f"--data base_class={NEW_BASE} " in message


@pytest.mark.database
def test_on_the_suggested_new_base_two_domains_migrate_and_pass_with_one_alembic_step(
    template: Template, tmp_path: Path
) -> None:
    app = copy_app(DATACLASS_APP, tmp_path / "app")
    messages = [
        copy_template(template, app, domain=domain, base_class=NEW_BASE)
        for domain in ("budgets", "goals")
    ]
    env = app / "src/migrations/env.py"
    # The base's import is the same in both messages; the last one is the whole step.
    assert blocks(messages[0])["Add to its imports:"] == blocks(messages[1])["Add to its imports:"]
    env.write_text(apply_advice(env.read_text(), messages[-1]))
    src = {"PYTHONPATH": "src"}  # docs/index.md: a src/ layout puts src on pytest's path

    imported = in_app(
        app, [sys.executable, "-c", "import app.models.budgets, app.models.goals"], src
    )
    assert imported.returncode == 0, imported.stderr
    for url in fresh_database("postgresql"):
        for args in (["upgrade", "head"], ["check"]):
            result = in_app(app / "src", [tool("alembic"), *args], {"DATABASE_URL": url})
            assert result.returncode == 0, result.stderr + result.stdout
    tests = [sys.executable, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    result = in_app(app, tests, src)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed in " in result.stdout  # the app's own tests and both domains'
