"""`copier update` on apps that customised their files: nothing lost, migrations append-only.

Each test builds a throw-away git repository of this template with release tags,
renders an app from one tag, commits and customises it, then updates it to the next.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory
from copier import run_copy, run_update

from tests.conftest import ROOT, files, rendered_pytest

pytestmark = pytest.mark.slow

MODEL = "app/models/budgets/budget.py"
SCHEMAS = "app/models/budgets/budget_schemas.py"
REPOSITORY = "app/models/budgets/budget_repository.py"
SCHEMA_TESTS = "tests/budgets/test_budget_schemas.py"
MODEL_TEMPLATE = "template/{{ dest_dir }}/{{ models_filename }}.jinja"
SCHEMAS_TEMPLATE = "template/{{ dest_dir }}/{{ schemas_filename }}.jinja"
REPOSITORY_TEMPLATE = (
    "template/{{ dest_dir }}/{% if with_repository %}{{ repository_filename }}{% endif %}.jinja"
)
SCHEMA_TESTS_TEMPLATE = (
    "template/{{ tests_dir }}/{{ domain_key }}/test_{{ d.snake }}_schemas.py.jinja"
)


def git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


class Template:
    """A throw-away git repository of this template, released tag by tag."""

    def __init__(self, path: Path) -> None:
        self.path = path
        tracked = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split(
            "\0"
        )
        for name in filter(None, tracked):
            if (ROOT / name).is_file():
                (path / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, path / name)
        git(path, "init", "-q")
        self.release("v1.0.0")

    def edit(self, name: str, old: str, new: str) -> None:
        target = self.path / name
        text = target.read_text()
        assert old in text, f"{old!r} not in {name}"
        target.write_text(text.replace(old, new, 1))

    def release(self, tag: str) -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", f"release {tag}")
        git(self.path, "tag", tag)
        return tag


class App:
    """An application under git, rendered from the template and then customised."""

    def __init__(self, path: Path, template: Template) -> None:
        self.path = path
        self.template = template
        path.mkdir()
        git(path, "init", "-q")

    def copy(self, ref: str = "v1.0.0", **data: Any) -> None:
        run_copy(
            str(self.template.path),
            self.path,
            data=data,
            vcs_ref=ref,
            defaults=True,
            unsafe=True,
            quiet=True,
        )
        self.commit(f"render {data.get('domain', 'budgets')}")

    def update(
        self, domain: str = "budgets", ref: str = "HEAD", *, quiet: bool = True, **data: Any
    ) -> None:
        run_update(
            self.path,
            data=data,
            answers_file=f".copier/answers.{domain}.yml",
            vcs_ref=ref,
            defaults=True,
            overwrite=True,
            unsafe=True,
            quiet=quiet,
            conflict="inline",
        )

    def commit(self, message: str) -> None:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace ``old`` with ``new`` in a file; an empty ``old`` writes a new file."""
        target = self.path / name
        if not old:
            target.write_text(new)
            return
        text = target.read_text()
        assert old in text, f"{old!r} not in {name}"
        target.write_text(text.replace(old, new, 1))

    def read(self, name: str) -> str:
        return (self.path / name).read_text()

    def answers(self, domain: str = "budgets") -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load(self.read(f".copier/answers.{domain}.yml"))
        return data

    def conflicted(self) -> list[str]:
        return sorted(
            name
            for name, content in files(self.path).items()
            if not name.startswith(".git/") and (b"<<<<<<< " in content or name.endswith(".rej"))
        )


@pytest.fixture
def template(tmp_path: Path) -> Template:
    return Template(tmp_path / "template")


@pytest.fixture
def app(tmp_path: Path, template: Template) -> App:
    return App(tmp_path / "app", template)


HAND_EDITS: list[tuple[str, str, str]] = [
    (
        MODEL,
        "    version: Mapped[int]",
        "    memo: Mapped[str | None] = mapped_column(String(100))\n    version: Mapped[int]",
    ),
    # ...and the revision that adds it, named so the rendered drift test includes it.
    (
        "migrations/versions/memo00000001_budgets_add_memo.py",
        "",
        '"""Add budgets.memo."""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        'revision = "memo00000001"\ndown_revision = "bd3fdfb84eab"\n\n\n'
        "def upgrade() -> None:\n"
        '    with op.batch_alter_table("budgets") as batch:\n'
        '        batch.add_column(sa.Column("memo", sa.String(length=100), nullable=True))\n\n\n'
        "def downgrade() -> None:\n"
        '    with op.batch_alter_table("budgets") as batch:\n'
        '        batch.drop_column("memo")\n',
    ),
    (
        REPOSITORY,
        "    def _owner_params(",
        '    async def count_all(self) -> int:\n        """Every budget of every tenant (admin use)."""\n'
        "        return await self._session.scalar(select(func.count()).select_from(Budget)) or 0\n\n"
        "    def _owner_params(",
    ),
    (
        SCHEMAS,
        '    """A new budget and its owner: what the repository stores."""\n',
        '    """A new budget and its owner: what the repository stores."""\n\n'
        '    @model_validator(mode="after")\n'
        "    def _name_is_not_shouting(self) -> Self:\n"
        "        if self.name.isupper():\n"
        '            raise ValueError("name must not be all capitals")\n'
        "        return self\n",
    ),
]
HAND_TEST = '\n\ndef test_a_shouting_name_is_rejected() -> None:\n    with pytest.raises(ValidationError, match="capitals"):\n        BudgetCreate.model_validate(budget_values(name="FOOD"))\n'
TEMPLATE_CHANGES: list[tuple[str, str, str, str]] = [
    (
        MODEL_TEMPLATE,
        "The current time, timezone-aware, in UTC.",
        "Now, timezone-aware, in UTC.",
        MODEL,
    ),
    (REPOSITORY_TEMPLATE, "DEFAULT_LIMIT = 50", "DEFAULT_LIMIT = 100", REPOSITORY),
    (SCHEMAS_TEMPLATE, "as callers read it.", "as callers read it back.", SCHEMAS),
    (
        SCHEMA_TESTS_TEMPLATE,
        "_is_accepted() -> None:",
        "_passes_validation() -> None:",
        SCHEMA_TESTS,
    ),
]


def test_hand_edits_survive_a_release_that_changes_other_lines(
    app: App, template: Template
) -> None:
    app.copy(include_tenant=True, include_soft_delete=True)
    for name, old, new in HAND_EDITS:
        app.edit(name, old, new)
    (app.path / SCHEMA_TESTS).write_text(app.read(SCHEMA_TESTS) + HAND_TEST)
    app.commit("customise")
    for name, old, new, _ in TEMPLATE_CHANGES:
        template.edit(name, old, new)
    template.release("v1.1.0")

    app.update()

    assert app.conflicted() == []
    for name, _, new in HAND_EDITS:
        assert new in app.read(name), name
    assert HAND_TEST in app.read(SCHEMA_TESTS)
    for _, _, new, rendered in TEMPLATE_CHANGES:
        assert new in app.read(rendered), rendered
    assert app.answers()["_commit"] == "v1.1.0"
    result = rendered_pytest(app.path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_release_that_changes_the_users_lines_shows_both_sides(
    app: App, template: Template
) -> None:
    app.copy()
    app.edit(REPOSITORY, "DEFAULT_LIMIT = 50", "DEFAULT_LIMIT = 20")
    app.commit("smaller pages")
    template.edit(REPOSITORY_TEMPLATE, "DEFAULT_LIMIT = 50", "DEFAULT_LIMIT = 100")
    template.release("v1.1.0")

    app.update()

    assert app.conflicted() == [REPOSITORY]
    text = app.read(REPOSITORY)
    assert "<<<<<<< " in text and ">>>>>>> " in text
    assert "DEFAULT_LIMIT = 20" in text and "DEFAULT_LIMIT = 100" in text


def test_an_update_prints_what_to_do_next_with_the_apps_paths_shell_quoted(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
) -> None:
    app = App(tmp_path / "my app", template)
    app.copy()
    template.edit(REPOSITORY_TEMPLATE, "DEFAULT_LIMIT = 50", "DEFAULT_LIMIT = 100")
    template.release("v1.1.0")
    capsys.readouterr()

    app.update(quiet=False)

    message = capsys.readouterr().err
    assert f"Updated budgets in {shlex.quote(str(app.path))}." in message
    assert "    git grep -n '^<<<<<<<'\n" in message
    assert "    pip install -r .copier/requirements.budgets.txt\n" in message
    assert "    alembic upgrade head\n" in message
    assert "    pytest tests/budgets --confcutdir=tests/budgets\n" in message


def _add_notes_release(template: Template) -> str:
    """A release that adds a nullable column (a new migration step) and a new file."""
    template.edit(
        "extensions/domains/budgets.yml",
        "  - {name: rollover_enabled,",
        "  - {name: notes, type: str, length: 500, nullable: true, since: add_notes, doc: Free-text notes.}\n"
        "  - {name: rollover_enabled,",
    )
    template.edit(
        "extensions/domains/budgets.yml",
        "  - {step: tenant_id_key, tenant_only: true}\n",
        "  - {step: tenant_id_key, tenant_only: true}\n  - {step: add_notes}\n",
    )
    (template.path / "template/{{ dest_dir }}/py.typed").write_text("")
    return template.release("v1.1.0")


def _heads(app: App) -> list[str]:
    return list(ScriptDirectory(str(app.path / "migrations")).get_heads())


def test_a_release_with_a_schema_change_adds_a_migration_and_keeps_the_old_one(
    app: App, template: Template
) -> None:
    app.copy(include_tenant=True)
    before = {
        name: body for name, body in files(app.path).items() if name.startswith("migrations/")
    }
    _add_notes_release(template)

    app.update()

    after = {name: body for name, body in files(app.path).items() if name.startswith("migrations/")}
    assert {name: after[name] for name in before} == before
    added = sorted(set(after) - set(before))
    assert len(added) == 1 and added[0].endswith("_budgets_add_notes.py")
    assert (app.path / "app/models/budgets/py.typed").exists()
    assert "notes: Mapped[str | None]" in app.read(MODEL)
    assert len(_heads(app)) == 1
    result = rendered_pytest(app.path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_three_domains_update_one_at_a_time(app: App, template: Template) -> None:
    for domain in ("budgets", "goals", "net_worth"):
        app.copy(domain=domain, include_tenant=domain != "goals")
    template.edit(MODEL_TEMPLATE, "The current time, timezone-aware, in UTC.", "Now, in UTC.")
    template.release("v1.1.0")

    for domain in ("budgets", "goals", "net_worth"):
        others = {
            n: b
            for n, b in files(app.path).items()
            if f"/{domain}/" not in n and f".{domain}." not in n
        }
        answers_before = app.answers(domain)

        app.update(domain)

        now = files(app.path)
        changed = sorted(
            n for n, b in others.items() if now.get(n) != b and not n.startswith(".git/")
        )
        assert changed == [], f"updating {domain} changed {changed}"
        answers = app.answers(domain)
        assert answers["_commit"] == "v1.1.0"
        assert {k: v for k, v in answers.items() if k != "_commit"} == {
            k: v for k, v in answers_before.items() if k != "_commit"
        }
        app.commit(f"update {domain}")
    assert len(_heads(app)) == 1
    assert rendered_pytest(app.path).returncode == 0


def test_turning_soft_delete_on_adds_a_migration_step(app: App) -> None:
    app.copy()
    create = {n: b for n, b in files(app.path).items() if n.startswith("migrations/")}

    app.update(include_soft_delete=True)

    migrations = {n: b for n, b in files(app.path).items() if n.startswith("migrations/")}
    assert {n: migrations[n] for n in create} == create
    added = sorted(set(migrations) - set(create))
    assert len(added) == 1 and added[0].endswith("_budgets_add_soft_delete.py")
    assert app.answers()["soft_delete_after"] == "create"
    assert "deleted_at: Mapped[datetime | None]" in app.read(MODEL)
    result = rendered_pytest(app.path)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("created", "changed", "message"),
    [
        (
            {"include_soft_delete": True},
            {"include_soft_delete": False},
            "include_soft_delete: budgets's table has deleted_at",
        ),
        (
            {},
            {"include_tenant": True},
            "include_tenant/tenant_field: budgets's table was created with tenant column 'none'",
        ),
        (
            {"include_tenant": True},
            {"include_tenant": False},
            "created with tenant column 'tenant_id'",
        ),
        ({"include_tenant": True}, {"tenant_field": "org_id"}, "not 'org_id'"),
        ({}, {"table_name": "fin_budgets"}, "table_name: budgets created table 'budgets'"),
        (
            {"include_tenant": True},
            {"tenant_isolation": "column+rls"},
            "tenant_isolation: budgets's table was created without row-level security",
        ),
    ],
    ids=[
        "soft-delete-off",
        "tenancy-on",
        "tenancy-off",
        "tenant-renamed",
        "table-renamed",
        "rls-on",
    ],
)
def test_a_schema_change_that_would_rewrite_a_migration_stops_the_update(
    app: App, created: dict[str, Any], changed: dict[str, Any], message: str
) -> None:
    app.copy(**created)
    before = files(app.path)

    with pytest.raises(Exception, match=message.replace("(", r"\(")) as raised:
        app.update(**changed)

    assert type(raised.value).__name__ == "UserMessageError"
    assert files(app.path) == before
    assert git(app.path, "status", "--porcelain") == ""


def test_soft_delete_on_then_tenancy_on(app: App) -> None:
    app.copy()
    app.update(include_soft_delete=True)
    app.commit("soft delete")
    before = files(app.path)

    with pytest.raises(Exception, match="include_tenant/tenant_field"):
        app.update(include_tenant=True)

    assert files(app.path) == before


def test_an_update_without_a_recorded_commit_stops_with_a_message(app: App) -> None:
    app.copy()
    answers = app.path / ".copier/answers.budgets.yml"
    answers.write_text(
        "".join(
            line for line in answers.read_text().splitlines(True) if not line.startswith("_commit")
        )
    )
    app.commit("lost _commit")
    before = files(app.path)

    with pytest.raises(Exception, match="old template"):
        app.update()

    assert files(app.path) == before


def test_an_update_of_a_dirty_worktree_stops_with_a_message(app: App, template: Template) -> None:
    app.copy()
    app.edit(MODEL, "    version: Mapped[int]", "    memo: Mapped[str]\n    version: Mapped[int]")
    template.edit(MODEL_TEMPLATE, "The current time, timezone-aware, in UTC.", "Now, in UTC.")
    template.release("v1.1.0")
    before = files(app.path)

    with pytest.raises(Exception, match="dirty"):
        app.update()

    assert files(app.path) == before


def test_turning_the_repository_off_keeps_an_edited_repository_file_in_conflict(app: App) -> None:
    app.copy()
    app.edit(
        REPOSITORY,
        "    def _owner_params(",
        '    async def mine(self) -> None:\n        """Mine."""\n\n    def _owner_params(',
    )
    app.commit("extend the repository")

    before = files(app.path)

    with pytest.raises(Exception, match="with_repository: turning the repository off would delete"):
        app.update(with_repository=False)

    assert files(app.path) == before


def test_the_repository_goes_once_the_user_has_removed_its_files(app: App) -> None:
    app.copy()
    git(app.path, "rm", "-q", REPOSITORY, "tests/budgets/test_budget_repository.py")
    app.commit("drop our repository")

    app.update(with_repository=False)

    assert not (app.path / REPOSITORY).exists()
    assert "SqlRepository(model=Budget" in app.read("app/models/budgets/__init__.py")
    assert rendered_pytest(app.path).returncode == 0


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("models_filename", "models.py"),
        ("dest_dir", "app/persistence/budgets"),
        ("tests_dir", "test"),
    ],
)
def test_moving_rendered_files_on_update_stops_with_instructions(
    app: App, question: str, value: str
) -> None:
    app.copy()
    before = files(app.path)

    with pytest.raises(Exception, match=f"{question}: changing .* Move them yourself"):
        app.update(**{question: value})

    assert files(app.path) == before


# Copier's inline conflict: the app's lines, then the template's.
INLINE_CONFLICT = re.compile(r"<<<<<<< [^\n]*\n(?P<ours>.*?)=======\n.*?>>>>>>> [^\n]*\n", re.S)


def test_files_moved_by_the_user_are_placed_by_the_update_with_the_new_answer(
    app: App,
) -> None:
    app.copy()
    app.edit(MODEL, "The current time, timezone-aware, in UTC.", "Now, in UTC (ours).")
    (app.path / "app/finance").mkdir()
    git(app.path, "mv", "app/models/budgets", "app/finance/budgets")
    app.commit("move budgets, as the refusal said")

    app.update(dest_dir="app/finance/budgets")

    assert app.answers()["dest_dir"] == "app/finance/budgets"
    assert not (app.path / MODEL).exists()
    moved = app.path / "app/finance/budgets/budget.py"
    assert "from app.finance.budgets import" in app.read("tests/budgets/conftest.py")
    # The edited line is shown next to the template's, never dropped or overwritten.
    assert app.conflicted() == ["app/finance/budgets/budget.py"]
    assert "Now, in UTC (ours)." in moved.read_text()
    moved.write_text(INLINE_CONFLICT.sub(r"\g<ours>", moved.read_text()))  # keep ours
    assert rendered_pytest(app.path).returncode == 0


# The last commit whose templates ran ruff at render time (the template before 0.1.0).
FORMATTED_AT_RENDER = "c2eeaf8"


def test_an_app_rendered_with_a_formatter_updates_to_the_formatter_free_template(
    tmp_path: Path,
) -> None:
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{FORMATTED_AT_RENDER}^{{commit}}"], cwd=ROOT, check=False
    )
    if known.returncode != 0:
        pytest.skip(f"this clone lacks {FORMATTED_AT_RENDER} (a shallow clone)")
    app = tmp_path / "app"
    run_copy(
        str(ROOT),
        app,
        vcs_ref=FORMATTED_AT_RENDER,
        data={"include_tenant": True},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "render with the formatter-based template")
    repository = app / REPOSITORY
    repository.write_text(repository.read_text() + "\n\ndef my_helper() -> int:\n    return 42\n")
    git(app, "commit", "-q", "-am", "an edit of the app's own")

    run_update(
        app,
        answers_file=".copier/answers.budgets.yml",
        vcs_ref="HEAD",
        defaults=True,
        unsafe=True,
        quiet=True,
        overwrite=True,
    )

    text = repository.read_text()
    assert "def my_helper() -> int:" in text
    assert "<<<<<<<" not in text
    assert "class ExactString" in (app / MODEL).read_text()
    assert rendered_pytest(app).returncode == 0
