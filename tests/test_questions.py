"""The questions' validators, and the names they keep answers away from.

Each validator returns ``""`` for an answer it allows, or one sentence that names the
question and what is allowed. Whole renders with hostile answers are in
test_hostile_answers.py; these are the rules one at a time, without Copier.
"""

from __future__ import annotations

import ast
import keyword
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from extensions import questions as q
from extensions.catalogue import domain_keys, load_domain
from extensions.ids import revision_id
from extensions.reserved_names import (
    PYDANTIC_ATTRIBUTES,
    RENDERED_CLASS_NAMES,
    SQLALCHEMY_ATTRIBUTES,
    collision,
    entity_class_names,
    entity_names,
    shadowed_module,
)
from extensions.sql_keywords import SQL_KEYWORDS
from tests.answer_helpers import copy_answers, copy_template

OWN = revision_id("budgets", "budgets")

GOOD: list[tuple[Callable[..., str], tuple[Any, ...]]] = [
    (q.table_name, ("fin_budgets",)),
    (q.table_name, ("b" * 40,)),
    (q.tenant_field, ("org_id", "budgets")),
    (q.tenant_field, ("workspace_id", "goals")),
    (q.app_path, ("migrations_dir", "db/migrations")),
    (q.app_path, ("tests_dir", "tests.d/unit-tests")),
    (q.package_dir, ("dest_dir", "src/ledger/budgets")),
    (q.module_filename, ("models_filename", "budget.py")),
    (q.class_path, ("base_class", "app.db.base.Base", "budgets")),
    (q.class_path, ("base_class", "ledger.Model")),
    (q.down_revision, ("", OWN)),
    (q.down_revision, ("0001_initial", OWN)),
]

# (validator, arguments, the question its message names, words of what is allowed)
BAD: list[tuple[Callable[..., str], tuple[Any, ...], str, str]] = [
    (q.table_name, ("budgets\n",), "table_name", "lower-case identifier"),
    (q.table_name, ("select",), "table_name", "SQL keyword"),
    (q.table_name, ("alembic_version",), "table_name", "reserved"),
    (q.table_name, ("sqlite_stat1",), "table_name", "reserved"),
    (q.table_name, ("b" * 41,), "table_name", "at most 40"),
    (q.tenant_field, ("tenant_id\n", "budgets"), "tenant_field", "lower-case"),
    (q.tenant_field, ("self", "budgets"), "tenant_field", "rendered repository"),
    (q.tenant_field, ("budget_id", "budgets"), "tenant_field", "gives a budget or its id"),
    (q.tenant_field, ("net_worth_snapshot", "net_worth"), "tenant_field", "gives a"),
    (q.tenant_field, ("period", "budgets"), "tenant_field", "already a column of budgets"),
    (q.tenant_field, ("_tenant", "budgets"), "tenant_field", "starts with a letter"),
    (q.app_path, ("tests_dir", "tests\n"), "tests_dir", "folder names of letters"),
    (q.app_path, ("tests_dir", "a/../../b"), "tests_dir", "leaves the app"),
    (q.app_path, ("tests_dir", "."), "tests_dir", "app root itself"),
    (q.app_path, ("tests_dir", "t" * 65), "tests_dir", "folder names of letters"),
    (q.package_dir, ("dest_dir", "typing/budgets"), "dest_dir", "standard library"),
    (q.package_dir, ("dest_dir", "fastapi/budgets"), "dest_dir", "installed package"),
    (q.module_filename, ("models_filename", "budget.py\n"), "models_filename", "module file"),
    (q.class_path, ("base_class", "app.db.True"), "base_class", "import path of a class"),
    (q.class_path, ("base_class", "os.Base"), "base_class", "standard library"),
    (q.class_path, ("base_class", "app.db.Exception"), "base_class", "rendered model"),
    (q.class_path, ("base_class", "app.db.BudgetRead", "budgets"), "base_class", "rendered model"),
    (q.down_revision, ("abc\n", OWN), "down_revision", "revision id"),
]


def _id(value: object) -> str:
    """A test id that is the same in every process (no object addresses)."""
    return getattr(value, "__name__", None) or repr(value)[:30]


@pytest.mark.parametrize(("validator", "args"), GOOD, ids=_id)
def test_a_validator_allows_a_good_answer(
    validator: Callable[..., str], args: tuple[Any, ...]
) -> None:
    assert validator(*args) == ""


@pytest.mark.parametrize(("validator", "args", "question", "allowed"), BAD, ids=_id)
def test_a_validator_names_the_question_and_what_is_allowed(
    validator: Callable[..., str], args: tuple[Any, ...], question: str, allowed: str
) -> None:
    message = validator(*args)

    assert message.startswith(f"{question}: ")
    assert allowed in message


VALIDATORS: list[Callable[[str], str]] = [
    q.table_name,
    lambda text: q.tenant_field(text, "goals"),
    lambda text: q.app_path("tests_dir", text),
    lambda text: q.package_dir("dest_dir", text),
    lambda text: q.module_filename("models_filename", text),
    lambda text: q.class_path("base_class", text, "net_worth"),
    lambda text: q.down_revision(text, OWN),
]


@given(text=st.text(max_size=80))
def test_no_validator_raises_on_any_text(text: str) -> None:
    for validator in VALIDATORS:
        assert isinstance(validator(text), str)


@given(text=st.text(alphabet=st.sampled_from("ab_./-\n\r\t\0 '\"\\$`;é"), min_size=1, max_size=12))
def test_no_validator_lets_a_control_character_quote_or_space_through(text: str) -> None:
    unsafe = set("\n\r\t\0 '\"\\$`;é")
    if unsafe.isdisjoint(text):
        return
    assert all(validator(text) for validator in VALIDATORS)


def test_sql_keywords_hold_every_reserved_word_sqlalchemy_knows() -> None:
    from sqlalchemy.dialects.mysql.reserved_words import (
        RESERVED_WORDS_MARIADB,
        RESERVED_WORDS_MYSQL,
    )
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as POSTGRESQL
    from sqlalchemy.dialects.sqlite.base import SQLiteIdentifierPreparer
    from sqlalchemy.sql.compiler import RESERVED_WORDS as GENERIC

    lists = (GENERIC, POSTGRESQL, RESERVED_WORDS_MYSQL, RESERVED_WORDS_MARIADB)
    for words in (*lists, SQLiteIdentifierPreparer.reserved_words):
        assert set(words) <= SQL_KEYWORDS, sorted(set(words) - SQL_KEYWORDS)


def test_pydantic_attributes_hold_every_public_basemodel_method() -> None:
    from pydantic import BaseModel

    public = {n for n in dir(BaseModel) if not n.startswith(("_", "model_"))}

    assert public <= PYDANTIC_ATTRIBUTES, sorted(public - PYDANTIC_ATTRIBUTES)
    assert all(collision(name) for name in dir(BaseModel) if name.startswith("model_"))


def test_sqlalchemy_attributes_hold_what_a_declarative_model_keeps() -> None:
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass

    kept = {n for n in vars(Base) if not n.startswith("_") or n.startswith("__table")} - {
        "__module__",
        "__qualname__",
        "__doc__",
    }
    kept |= {"__tablename__", "__table_args__", "__mapper_args__"}

    assert kept <= SQLALCHEMY_ATTRIBUTES, sorted(kept - SQLALCHEMY_ATTRIBUTES)


def test_every_python_keyword_and_builtin_collides() -> None:
    names = [*keyword.kwlist, *keyword.softkwlist, "list", "print", "id", "type"]

    assert all(collision(name) for name in names)


def test_the_tenant_names_people_use_are_free() -> None:
    for name in ("tenant_id", "org_id", "organization_id", "workspace_id", "account_id", "team_id"):
        assert collision(name) == "", name
        free_in = [
            key
            for key in domain_keys()
            if name not in {f.name for f in load_domain(key).fields}
            and name != f"{load_domain(key).snake}_id"  # the id parameter of its methods
        ]
        assert all(q.tenant_field(name, domain) == "" for domain in free_in)


def test_a_tenant_column_cannot_take_the_name_of_a_field() -> None:
    assert "account_id" in q.tenant_field("account_id", "transactions")


def test_shadowing_is_refused_for_the_standard_library_and_installed_packages_only() -> None:
    assert shadowed_module("json") and shadowed_module("svc_infra")
    assert not shadowed_module("ledger")


def _names_in(path: Path) -> set[str]:
    """Every name a module defines, imports, binds or uses."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _module_level_names(path: Path) -> set[str]:
    """The names a module binds at its top level: imports, classes, functions, constants."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


@pytest.fixture(scope="module")
def rendered_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every domain rendered with every option, into one app."""
    root = tmp_path_factory.mktemp("rendered")
    template = copy_template(root / "template")
    options = {
        "include_tenant": True,
        "tenant_isolation": "column+rls",
        "include_soft_delete": True,
        "api": "fastapi",
    }
    for domain in domain_keys():
        # An append-only domain refuses soft delete: nothing of it is ever deleted.
        refused = {"include_soft_delete": False} if load_domain(domain).append_only else {}
        copy_answers(template, root / "app", {"domain": domain, **options, **refused})
    return root / "app"


def _own_names() -> set[str]:
    """What each domain names itself: its fields, entity names and classes."""
    own: set[str] = {"tenant_id", "Base"}
    for domain in domain_keys():
        spec = load_domain(domain)
        own |= {f.name for f in spec.fields} | entity_names(spec.snake)
        own |= entity_class_names(spec.entity, tuple(f.enum or "" for f in spec.enums))
    return own


@pytest.mark.slow
def test_reserved_names_hold_every_name_code_around_the_tenant_column_uses(
    rendered_app: Path,
) -> None:
    with_tenant = [p for p in rendered_app.rglob("*.py") if "tenant_id" in p.read_text()]
    used = set().union(*map(_names_in, with_tenant)) - _own_names()

    free = {n for n in used if n[:1].islower() and not n.startswith("test_") and not collision(n)}

    assert not free, f"add to reserved_names._RENDERED: {sorted(free)}"


@pytest.mark.slow
def test_reserved_class_names_hold_every_name_the_model_and_base_modules_bind(
    rendered_app: Path,
) -> None:
    modules = [*rendered_app.glob("app/models/*/*.py"), rendered_app / "app/db/base.py"]
    models = [
        m for m in modules if m.stem in {"base", *(load_domain(d).snake for d in domain_keys())}
    ]
    bound = set().union(*map(_module_level_names, models)) - _own_names()

    free = {n for n in bound if n[:1].isupper() and not collision(n)} - RENDERED_CLASS_NAMES

    assert not free, f"add to reserved_names._RENDERED_CLASSES: {sorted(free)}"


def test_the_copier_cli_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    template = copy_template(tmp_path / "template")
    command = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
    command += ["--data", "include_tenant=true", "--data", "tenant_field=user_id"]

    result = subprocess.run(
        [*command, str(template), str(tmp_path / "app")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "tenant_field: 'user_id' is already a column" in result.stderr
    assert not (tmp_path / "app").exists()


def test_a_good_non_default_answer_is_used_everywhere(tmp_path: Path) -> None:
    template = copy_template(tmp_path / "template")
    app = tmp_path / "app"
    answers = {"table_name": "fin_budgets", "include_tenant": True, "tenant_field": "org_id"}

    copy_answers(template, app, answers)

    model = (app / "app/models/budgets/budget.py").read_text()
    migration = next((app / "migrations/versions").glob("*_create_fin_budgets.py")).read_text()
    recorded = yaml.safe_load((app / ".copier/answers.budgets.yml").read_text())
    assert '__tablename__ = "fin_budgets"' in model
    assert "org_id: Mapped[str]" in model
    assert 'op.create_table(\n        "fin_budgets"' in migration
    assert 'sa.Column("org_id", ' in migration
    assert recorded["tenant_field"] == "org_id"
