"""Hostile answers: each is refused with a message naming the question, and the app is untouched.

The app under attack already has code of its own, a migration history, symlinks and
the budgets domain; every answer below tries to render goals into it (or to re-render
budgets) and must leave every byte, folder and symlink as it was. Each answer goes
through Copier's API, and (slow) through the real CLI with ``--data`` and ``--data-file``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from copier.errors import UserMessageError

from extensions import questions
from extensions.catalogue import load_domain
from extensions.ids import revision_id
from extensions.reserved_names import (
    RENDERED_CLASS_NAMES,
    RENDERED_CODE_NAMES,
    RENDERED_MODULE_NAMES,
    entity_class_names,
    entity_names,
)
from extensions.spec import handle as custom_handle
from tests.answer_helpers import (
    EXISTING_HEAD,
    build_existing_app,
    cli,
    cli_in_process,
    copy_answers,
    copy_template,
    snapshot,
)
from tests.test_questions import _module_level_names

GOALS_REVISION = revision_id("goals", "goals")


class Hostile(NamedTuple):
    """An answer set, the question its refusal must name, and words of what is allowed."""

    data: dict[Any, Any]
    question: str
    allowed: str


def _cases(question: str, allowed: str, values: list[Any]) -> list[Hostile]:
    return [Hostile({question: value}, question, allowed) for value in values]


TYPES = [
    *_cases(
        "include_tenant",
        "answer true or false",
        ["maybe", "on", "y", "2", "true\n", " yes", None, ["true"], 2],
    ),
    Hostile({"include_soft_delete": "nope"}, "include_soft_delete", "answer true or false"),
    Hostile({"with_repository": {"yes": True}}, "with_repository", "answer true or false"),
    *_cases("table_name", "give text", [123, ["goals"], {"name": "goals"}, None, True]),
    Hostile({"dest_dir": ["app", "goals"]}, "dest_dir", "give text"),
    Hostile({"down_revision": 1}, "down_revision", "give text"),
    Hostile({"include_tenant": True, "tenant_field": ["org_id"]}, "tenant_field", "give text"),
]
CHOICES = [
    *_cases("domain", "choose one of budgets, goals, net_worth", ["loans", "Goals", "goals ", 1]),
    Hostile(
        {"include_tenant": "true", "tenant_isolation": "rls-only"},
        "tenant_isolation",
        "choose one of",
    ),
    Hostile({"orm_base": "sqlmodel"}, "orm_base", "choose one of app, svc_infra"),
]
TRAILING_NEWLINES = [
    Hostile({"table_name": "goals\n"}, "table_name", "lower-case identifier"),
    Hostile({"include_tenant": "true", "tenant_field": "org_id\n"}, "tenant_field", "lower-case"),
    Hostile({"dest_dir": "app/goals\n"}, "dest_dir", "folder names of letters"),
    Hostile({"models_filename": "goal.py\n"}, "models_filename", "module file name"),
    Hostile({"down_revision": f"{EXISTING_HEAD}\n"}, "down_revision", "revision id"),
    Hostile({"base_class": "app.db.base.Base\n"}, "base_class", "import path of a class"),
    Hostile({"migrations_dir": "migrations\n"}, "migrations_dir", "folder names of letters"),
    Hostile({"tests_dir": "tests\n"}, "tests_dir", "folder names of letters"),
]
TABLES = [
    *_cases("table_name", "is a SQL keyword", ["user", "order", "select", "group", "table"]),
    *_cases(
        "table_name",
        "reserved by Alembic or the database",
        ["alembic_version", "sqlite_master", "sqlite_goals", "pg_goals"],
    ),
    *_cases("table_name", "svc-infra", ["teams", "users"]),
    *_cases(
        "table_name",
        "lower-case identifier of at most 40",
        ["g" * 41, "gōals", "Goals", "goal-s", "2goals", "", "class", "goals; drop table x"],
    ),
    Hostile({"table_name": "budgets"}, "table_name", "already the table of budgets"),
    Hostile({"table_name": "orders"}, "table_name", "already declared by app/orders.py"),
]


def _tenant(value: str, allowed: str) -> Hostile:
    return Hostile({"include_tenant": "true", "tenant_field": value}, "tenant_field", allowed)


TENANT_FIELDS = [
    *[_tenant(v, "Python keyword") for v in ("match", "case")],
    _tenant("class", "lower-case Python identifier"),
    _tenant("", "lower-case Python identifier"),
    *[_tenant(v, "Python builtin") for v in ("list", "str", "print")],
    *[
        _tenant(v, "rendered repository, model or tests already use")
        for v in ("self", "limit", "cursor", "session", "data", "values", "rows", "key", "total")
    ],
    *[_tenant(v, "gives a goal or its id") for v in ("goal", "goal_id")],
    *[_tenant(v, "SQLAlchemy keeps") for v in ("metadata", "registry")],
    *[_tenant(v, "Pydantic keeps") for v in ("model_config", "model_dump", "json", "copy")],
    *[_tenant(v, "SQL keyword") for v in ("user", "where", "table", "group")],
    _tenant("_sa_instance_state", "starts with a letter"),
    _tenant("__table__", "starts with a letter"),
    _tenant("_tenant", "starts with a letter"),
    _tenant("t" * 33, "at most 32 characters"),
    _tenant("tenänt", "lower-case Python identifier"),
    *[_tenant(v, "already a column of goals") for v in ("name", "status", "version")],
]
PATHS = [
    *_cases("dest_dir", "leaves the app", ["../outside/goals", "/srv/app/goals", "~/goals"]),
    *_cases(
        "dest_dir",
        "folder names of letters",
        [
            'app/"goals',
            "app/x'; import os",
            "app/ goals",
            "app\\goals",
            "app//goals",
            "app/goals/",
            "",
        ],
    ),
    Hostile({"dest_dir": "app/\x00goals"}, "dest_dir", "folder names of letters"),
    Hostile({"dest_dir": "app/$(touch pwned)"}, "dest_dir", "folder names of letters"),
    Hostile({"dest_dir": "./app/goals"}, "dest_dir", "may not start with '.'"),
    Hostile({"dest_dir": "app/.hidden"}, "dest_dir", "may not start with '.'"),
    Hostile({"dest_dir": "app/my-models"}, "dest_dir", "importable package path"),
    Hostile({"dest_dir": "json/goals"}, "dest_dir", "shadows the standard library"),
    Hostile({"dest_dir": "sqlalchemy/goals"}, "dest_dir", "installed package"),
    Hostile({"dest_dir": "src"}, "dest_dir", "importable package path"),
    Hostile({"migrations_dir": "../migrations"}, "migrations_dir", "leaves the app"),
    Hostile({"migrations_dir": 'db"; import os; "'}, "migrations_dir", "folder names of letters"),
    Hostile({"migrations_dir": "migrations/"}, "migrations_dir", "folder names of letters"),
    Hostile({"migrations_dir": "."}, "migrations_dir", "app root itself"),
    Hostile({"tests_dir": "."}, "tests_dir", "app root itself"),
    Hostile({"tests_dir": ".."}, "tests_dir", "leaves the app"),
    Hostile({"tests_dir": "tests; rm -rf ~"}, "tests_dir", "folder names of letters"),
    Hostile({"tests_dir": "$HOME/tests"}, "tests_dir", "folder names of letters"),
    Hostile({"tests_dir": "pytest"}, "tests_dir", "shadows an installed package"),
]
FILENAMES = [
    *_cases(
        "models_filename",
        "module file name such as",
        ["goal.txt", "../goal.py", "goal", "__init__.py", "x/goal.py", "Goal.py", "goal-model.py"],
    ),
    Hostile({"schemas_filename": "goal.py"}, "schemas_filename", "must differ"),
    Hostile({"schemas_filename": "g'oal.py"}, "schemas_filename", "module file name"),
    Hostile({"repository_filename": "goal_schemas.py"}, "repository_filename", "must differ"),
    Hostile({"repository_filename": "repo.py\n"}, "repository_filename", "module file name"),
]
BASE_CLASSES = [
    *_cases(
        "base_class",
        "import path of a class",
        ["app.db.base", "Base", "app.db.None", "App.db.Base", "app.db.base.Base; import os"],
    ),
    Hostile({"base_class": "json.Base"}, "base_class", "standard library"),
    Hostile({"base_class": "sqlalchemy.orm.DeclarativeBase"}, "base_class", "installed package"),
    Hostile({"base_class": "app.db.Goal"}, "base_class", "rendered model already uses"),
    Hostile({"base_class": "app.db.Mapped"}, "base_class", "rendered model already uses"),
    Hostile({"base_class": "app.models.goals.base.Base"}, "base_class", "inside dest_dir"),
    Hostile({"base_class": "app.settings.Base"}, "base_class", "does not define Base"),
    Hostile({"base_class": "app.models.Base"}, "base_class", "beside the package app/models"),
    Hostile({"base_class": "app.services.base.Base"}, "base_class", "package beside the module"),
]
DOWN_REVISIONS = [
    Hostile({"down_revision": "not a revision!"}, "down_revision", "revision id"),
    Hostile({"down_revision": GOALS_REVISION}, "down_revision", "own migration"),
    Hostile(
        {"down_revision": "deadbeef"}, "down_revision", "not a revision in migrations/versions"
    ),
    Hostile({"down_revision": f"{EXISTING_HEAD}'; DROP"}, "down_revision", "revision id"),
]
COMBINATIONS = [
    Hostile({"dest_dir": "app/models/budgets"}, "dest_dir", "each domain's package needs"),
    Hostile({"dest_dir": "app/models/budgets/goals"}, "dest_dir", "each domain's package needs"),
    Hostile({"dest_dir": "app/models"}, "dest_dir", "each domain's package needs"),
    Hostile({"tests_dir": "app"}, "dest_dir", "each need their own folder"),
    Hostile({"dest_dir": "tests/goals"}, "dest_dir", "each need their own folder"),
    Hostile({"dest_dir": "migrations/goals"}, "dest_dir", "each need their own folder"),
    Hostile({"migrations_dir": "app/models/goals"}, "dest_dir", "each need their own folder"),
    Hostile({"migrations_dir": "tests"}, "tests_dir", "each need their own folder"),
    Hostile({"dest_dir": "app/linked/goals"}, "dest_dir", "through the symlink app/linked"),
    Hostile({"tests_dir": "app/linked"}, "tests_dir", "through the symlink app/linked"),
    Hostile({"migrations_dir": "app/linked/db"}, "migrations_dir", "through the symlink"),
    Hostile(
        {"dest_dir": "app/services/goals"}, "dest_dir", "package beside the module app/services.py"
    ),
    Hostile({"dest_dir": "app/legacy"}, "dest_dir", "where the app has a folder"),
    Hostile({"dest_dir": "app/notes/goals"}, "dest_dir", "but it is a file"),
    Hostile({"dest_dir": "app"}, "base_class", "inside dest_dir 'app'"),
    Hostile(
        {"orm_base": "svc_infra", "dest_dir": "app"}, "dest_dir", "each domain's package needs"
    ),
]
DATA_NAMES = [
    Hostile({"tabel_name": "goals"}, "--data tabel_name", "did you mean table_name"),
    Hostile({"Domain": "goals"}, "--data Domain", "the questions are"),
    Hostile({"schema_change_check": "ok"}, "--data schema_change_check", "check Copier runs"),
    Hostile({"layout_change_check": "ok"}, "--data layout_change_check", "check Copier runs"),
    Hostile({"answers_check": "ok"}, "--data answers_check", "check Copier runs"),
    Hostile({"dest-dir": "app/goals"}, "--data dest-dir", "did you mean dest_dir"),
    Hostile({"schema_baseline": "[1, 2]"}, "schema_baseline", "Copier records a mapping"),
    Hostile({"schema_baseline": {"table": 1}}, "schema_baseline", "Copier records a mapping"),
    Hostile(
        {"soft_delete_after": "bogus"}, "soft_delete_after", "migration steps of goals: create"
    ),
    Hostile(
        {"domain": "budgets", "schema_baseline": {"table": "other", "soft_delete": True}},
        "schema_baseline",
        "cannot be changed with --data",
    ),
    Hostile(
        {"domain": "budgets", "include_soft_delete": "yes", "soft_delete_after": "create"},
        "soft_delete_after",
        "cannot be changed with --data",
    ),
]
APIS = [
    *_cases("api", "choose one of none, fastapi, svc_infra", ["flask", "FastAPI", "fastapi ", 1]),
    Hostile({"api": "fastapi", "with_repository": "false"}, "api", "answer with_repository=true"),
    Hostile({"api": "fastapi", "api_filename": "goal.py"}, "api_filename", "must differ"),
    Hostile({"api": "svc_infra", "api_filename": "goal_schemas.py"}, "api_filename", "must differ"),
    Hostile({"api": "fastapi", "api_filename": "goal_api"}, "api_filename", "module file name"),
    Hostile({"api": "fastapi", "api_filename": "../api.py"}, "api_filename", "module file name"),
]
INVOICE_FIELDS = "number:str(32):unique amount:money"


def _entity(value: str, allowed: str) -> Hostile:
    data = {"domain": "custom", "entity": value, "fields": INVOICE_FIELDS, "api": "fastapi"}
    return Hostile(data, "entity", allowed)


def _field(spec: str, allowed: str) -> Hostile:
    data = {"domain": "custom", "entity": "Invoice", "fields": f"{INVOICE_FIELDS} {spec}"}
    return Hostile({**data, "api": "fastapi"}, "fields", allowed)


# Names a rendered module imports or defines (issue 19, part 2): each would shadow one,
# and the code would fail at import, at collection, or quietly (entity=Header: FastAPI's
# Header, so If-Match is never read and a stale PATCH succeeds).
SHADOWS = [
    *[
        _entity(v, f"would define {v}, a class the rendered code already uses")
        for v in ("Header", "APIRouter", "Request", "Response", "Depends", "HTTPStatus")
    ],
    *[
        _entity(v, "a class the rendered code already uses")
        for v in ("FastAPI", "HTTPException", "Problem", "Any", "Connection", "Decimal")
    ],
    *[_entity(v, "starts with Test, so pytest would collect") for v in ("Test", "TestRun")],
    *[_entity(v, "is all capitals: ruff (RUF022)") for v in ("UUID", "KYC")],
    *[_entity(v, "the declarative base the model inherits from") for v in ("Base", "Model")],
    *[_entity(v, "a name the rendered code already uses") for v in ("Json", "Date", "Event")],
    *[
        _field(v, "a name the rendered modules import or define")
        for v in ("date:date", "uuid:uuid", "datetime:datetime", "func:int", "utc_now:datetime")
    ],
    *[_field(v, "a name the rendered modules import or define") for v in ("os:int", "re:int")],
    *[
        _field(v, "a parameter or variable of the rendered finders and routes")
        for v in ("self:int", "cls:int", "router:str(8):index", "caller:int:index", "found:int")
    ],
    *[
        _field(v, "a Python builtin")
        for v in ("str:str(8)", "tuple:json", "bool:bool", "object:int")
    ],
    Hostile(
        {**_field("tenant_id:int", "").data, "include_tenant": "true"},
        "fields",
        "rename the field, e.g. tenant_ref, or answer tenant_field=org_id",
    ),
    *[_tenant(v, "a name the rendered modules import or define") for v in ("asyncio", "pool")],
    *[_tenant(v, "a name the rendered modules import or define") for v in ("mate", "config")],
    Hostile({"base_class": "app.models.goals.Base"}, "base_class", "e.g. app.db.base.Base"),
]
CATEGORIES = {
    "types from --data-file, strict booleans": TYPES,
    "choices": CHOICES,
    "trailing newlines": TRAILING_NEWLINES,
    "table names": TABLES,
    "tenant column names": TENANT_FIELDS,
    "paths": PATHS,
    "file names": FILENAMES,
    "base classes": BASE_CLASSES,
    "down revisions": DOWN_REVISIONS,
    "combinations and the app on disk": COMBINATIONS,
    "names given with --data": DATA_NAMES,
    "the HTTP API": APIS,
    "names the rendered code imports or defines": SHADOWS,
}
HOSTILE = [case for cases in CATEGORIES.values() for case in cases]


def _id(case: Hostile) -> str:
    return repr(case.data)[:60]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def existing_app(tmp_path_factory: pytest.TempPathFactory, template: Path) -> Path:
    return build_existing_app(tmp_path_factory.mktemp("existing") / "app", template)


@pytest.fixture
def app(tmp_path: Path, existing_app: Path) -> Iterator[Path]:
    """A fresh copy of the existing app (symlinks kept as symlinks)."""
    copy = tmp_path / "app"
    shutil.copytree(existing_app, copy, symlinks=True)
    yield copy


def _as_goals(data: dict[Any, Any]) -> dict[Any, Any]:
    return {"domain": "goals", **data}


def _names_the_question(message: str, case: Hostile) -> bool:
    return message.startswith((f"{case.question}:", f"{case.question} ")) or (
        f"\n{case.question}:" in message
    )


def test_there_are_at_least_80_distinct_hostile_answers_in_every_category() -> None:
    distinct = {repr(sorted(case.data.items(), key=repr)) for case in HOSTILE}

    assert len(distinct) == len(HOSTILE) >= 80
    assert all(len(cases) >= 4 for cases in CATEGORIES.values())


def test_the_existing_app_takes_goals_with_the_defaults(template: Path, app: Path) -> None:
    copy_answers(template, app, {"domain": "goals"})

    assert (app / "app/models/goals/goal.py").is_file()
    assert snapshot(app)["app/linked"] == ("symlink", "../shared")


@pytest.mark.parametrize("case", HOSTILE, ids=_id)
def test_a_hostile_answer_is_refused_by_name_and_the_app_is_untouched(
    template: Path, app: Path, case: Hostile
) -> None:
    before = snapshot(app)

    with pytest.raises(UserMessageError) as refused:
        copy_answers(template, app, _as_goals(case.data))

    message = str(refused.value)
    assert _names_the_question(message, case), message
    assert case.allowed in message, message
    assert not _suggests_what_it_refuses(message, case), message
    assert snapshot(app) == before


def _suggests_what_it_refuses(message: str, case: Hostile) -> bool:
    """Whether the message's example (``e.g. X``) is the very answer it refuses."""
    value = case.data.get(case.question)
    if not isinstance(value, str) or not value.strip():
        return False
    return re.search(rf"e\.g\. {re.escape(value)}(?=[ ,;)]|\.\s|\.$|$)", message) is not None


def _suggested(message: str) -> str:
    return re.findall(r"e\.g\. ([^\s,]+?)\.?(?:,|$)", message)[-1]


@pytest.mark.parametrize("case", [c for c in SHADOWS if c.question == "entity"], ids=_id)
def test_the_entity_a_refusal_suggests_passes(case: Hostile) -> None:
    message = questions.entity(case.data["entity"], "app.db.base.Base")

    suggested = _suggested(message)

    assert questions.entity(suggested, "app.db.base.Base") == "", suggested
    assert questions.fields(INVOICE_FIELDS, suggested) == ""


@pytest.mark.parametrize("case", [c for c in SHADOWS if c.question == "fields"], ids=_id)
def test_the_field_a_refusal_suggests_passes(case: Hostile) -> None:
    spec = case.data["fields"]
    message = questions.fields(spec, "Invoice")
    if case.data.get("include_tenant"):  # refused for the tenant column's default
        message = questions.tenant_default("tenant_id", custom_handle("Invoice", spec), "")

    renamed = spec.replace(spec.split()[-1].split(":")[0] + ":", _field_suggested(message), 1)

    assert questions.fields(renamed, "Invoice") == "", (message, renamed)
    if case.data.get("include_tenant"):
        assert questions.tenant_field("tenant_id", custom_handle("Invoice", renamed)) == ""
        assert questions.tenant_field("org_id", custom_handle("Invoice", spec)) == ""


def _field_suggested(message: str) -> str:
    """``date_value:`` of "... rename the field, e.g. date_value:date"."""
    return re.findall(r"e\.g\. ([a-z_0-9]+)", message)[0] + ":"


def _fits_a_command_line(case: Hostile) -> bool:
    """Whether ``--data k=v`` can carry the case: text, and no NUL (argv cannot hold one)."""
    return all(isinstance(v, str) and "\0" not in v for v in case.data.values())


# Each answer once through the CLI: with --data when it fits a command line, else with
# --data-file (where YAML gives values their types). Each category's first text
# answer goes through --data-file too, quoted as YAML text. Copier's CLI application
# runs in this process (cli_in_process); the first text answer of each category also
# runs as the `copier` command itself, both ways.
_FIRST_TEXT = [next(c for c in cases if _fits_a_command_line(c)) for cases in CATEGORIES.values()]
CLI_CASES = [
    *[pytest.param(c, not _fits_a_command_line(c), id=_id(c)) for c in HOSTILE],
    *[pytest.param(c, True, id=f"data-file {_id(c)}") for c in _FIRST_TEXT],
]
COMMAND_CASES = [
    *[pytest.param(c, False, id=_id(c)) for c in _FIRST_TEXT],
    *[pytest.param(c, True, id=f"data-file {_id(c)}") for c in _FIRST_TEXT],
]


def _refused_by_name_untouched(
    result: subprocess.CompletedProcess[str], case: Hostile, app: Path, before: Any
) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert _names_the_question(result.stderr.strip(), case), result.stderr
    assert case.allowed in result.stderr
    assert snapshot(app) == before


@pytest.mark.parametrize(("case", "data_file"), CLI_CASES)
def test_the_cli_refuses_a_hostile_answer_without_a_traceback(
    template: Path, app: Path, case: Hostile, data_file: bool
) -> None:
    before = snapshot(app)

    result = cli_in_process(template, app, _as_goals(case.data), data_file=data_file)

    _refused_by_name_untouched(result, case, app, before)


@pytest.mark.slow
@pytest.mark.parametrize(("case", "data_file"), COMMAND_CASES)
def test_the_copier_command_refuses_a_hostile_answer_and_exits_1(
    template: Path, app: Path, case: Hostile, data_file: bool
) -> None:
    before = snapshot(app)

    result = cli(template, app, _as_goals(case.data), data_file=data_file)

    _refused_by_name_untouched(result, case, app, before)


# The reserved names hold every name a rendered module binds at its top level.

ALL_KINDS = (
    "number:str(32):unique amount:money paid:bool=false due:date? st:enum(a,b) "
    "acct:ref(accounts) note:text js:json u:uuid:index c:currency d:decimal(10,2) "
    "at:datetime n:int:index"
)


@pytest.mark.slow
@pytest.mark.parametrize("api", ["fastapi", "svc_infra"])
def test_reserved_names_hold_every_name_a_rendered_module_binds(
    template: Path, tmp_path: Path, api: str
) -> None:
    options = {"include_tenant": True, "include_soft_delete": True, "api": api}
    custom = {"domain": "custom", "entity": "Invoice", "fields": ALL_KINDS}
    for data in ({"domain": "accounts"}, {"domain": "bank_connections"}, custom):
        copy_answers(template, tmp_path, {**data, **options})
    own: set[str] = {"Base", "tenant_id"}
    for entry in ("accounts", "bank_connections", custom_handle("Invoice", ALL_KINDS)):
        spec = load_domain(entry)
        own |= {f.name for f in spec.fields} | entity_names(spec.snake)
        own |= entity_class_names(spec.entity, tuple(f.enum or "" for f in spec.enums))
    files = [p for p in tmp_path.rglob("*.py")]

    bound = set().union(*map(_module_level_names, files)) - own
    free = {
        n
        for n in bound
        if not n.startswith(("test_", "_"))
        and n not in RENDERED_MODULE_NAMES | RENDERED_CLASS_NAMES | RENDERED_CODE_NAMES
    }

    assert not free, f"add to reserved_names._MODULE_LEVEL: {sorted(free)}"
