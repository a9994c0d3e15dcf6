"""Unit tests of the template's extensions, called directly (nothing is rendered)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruff.__main__ import find_ruff_bin

from extensions import (
    catalogue,
    defaults,
    ids,
    imports,
    layout,
    migrations,
    naming,
    render,
    shipped_yaml,
    testcases,
    types,
)
from extensions import questions as q
from extensions.catalogue import Domain
from tests.conftest import ROOT as TEMPLATE

RUFF = str(find_ruff_bin())
DOMAINS = (
    "accounts",
    "audit_events",
    "bank_connections",
    "budget_snapshots",
    "budgets",
    "categories",
    "documents",
    "goal_progress",
    "goals",
    "holdings",
    "net_worth",
    "recurring_patterns",
    "transactions",
)
VARIANTS = [
    pytest.param(catalogue.load_domain(key, tenant_field=tenant), id=f"{key}-{tenant}")
    for key in DOMAINS
    for tenant in (None, "tenant_id")
]
FIRST_PARTY = "lint.isort.known-first-party=['app']"
parametrize = pytest.mark.parametrize


def run_ruff(args: list[str], source: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [RUFF, *args, "--isolated", "--stdin-filename", "x.py", "-"]
    return subprocess.run(command, input=source, capture_output=True, text=True, cwd=cwd)


# naming ---------------------------------------------------------------------


@parametrize(
    ("function", "value", "expected"),
    [
        (naming.snake, "NetWorthSnapshot", "net_worth_snapshot"),
        (naming.plural, "budget", "budgets"),
        (naming.plural, "net_worth_snapshot", "net_worth_snapshots"),
        (naming.humanize, "net_worth_snapshot", "net-worth snapshot"),
        (naming.humanize, "net_worth_snapshots", "net-worth snapshots"),
        (naming.humanize, "savings_goal", "savings goal"),
        (naming.module_path, "app/models/budgets", "app.models.budgets"),
        (naming.module_path, "src/app/models", "app.models"),
        (naming.package_dirs, "app/models/budgets", ["app", "app/models", "app/models/budgets"]),
        (naming.package_dirs, "src/app/models", ["src/app", "src/app/models"]),
        (render.base_module_file, "app.db.base.Base", "app/db/base.py"),
        (render.path_depth, "tests", 1),
        (render.path_depth, "tests/unit/", 2),
    ],
)
def test_name_helpers_turn_one_spelling_into_another(
    function: Callable[[str], Any], value: str, expected: Any
) -> None:
    assert function(value) == expected


@parametrize(
    ("value", "ok"),
    [("tenant_id", True), ("_x", True), ("org2", True), ("class", False), ("import", False)]
    + [(bad, False) for bad in ("Tenant", "tenantId", "2fa", "tenant-id", "")],
)
def test_is_identifier_accepts_lower_case_identifiers_that_are_not_keywords(
    value: str, ok: bool
) -> None:
    assert naming.is_identifier(value) is ok


def test_db_identifier_keeps_a_name_of_exactly_60_characters() -> None:
    parts = ("ix", "t" * 54, "ab")
    assert len("_".join(parts)) == 60

    assert naming.db_identifier(*parts) == "_".join(parts)


def test_db_identifier_cuts_a_long_name_to_60_characters_with_a_hash_suffix() -> None:
    long = "_".join(("ix", "t" * 40, "tenant_identifier", "user_id", "start_date"))

    name = naming.db_identifier(long)

    assert len(name) == naming.MAX_DB_IDENTIFIER == 60
    assert re.fullmatch(re.escape(long[:51]) + "_[0-9a-f]{8}", name)
    assert naming.db_identifier(long) == name


def test_db_identifier_gives_long_names_with_a_common_prefix_different_results() -> None:
    first, second = (naming.db_identifier("ix", "t" * 60, column) for column in ("period", "type"))

    assert first != second


# ids ------------------------------------------------------------------------


def test_revision_id_is_12_lowercase_hex_digits_and_the_same_for_the_same_input() -> None:
    revision = ids.revision_id("budgets", "budgets")

    assert re.fullmatch(r"[0-9a-f]{12}", revision)
    assert ids.revision_id("budgets", "budgets", "create") == revision


def test_revision_id_differs_per_domain_table_and_step() -> None:
    args = [
        ("goals", "goals"),
        ("budgets", "goals"),
        ("goals", "fin_goals"),
        ("goals", "goals", "x"),
    ]

    assert len({ids.revision_id(*arg) for arg in args}) == len(args)


# imports ----------------------------------------------------------------------

PYDANTIC = "AwareDatetime BaseModel ConfigDict Field PositiveInt field_validator model_validator"
LONG_FROM = ", ".join(f"pydantic:{name}" for name in reversed(PYDANTIC.split()))


@parametrize(
    ("specs", "expected"),
    [
        (
            ".:sibling, app.db:Base, sqlalchemy:select, uuid, __future__:annotations",
            "from __future__ import annotations\n\nimport uuid\n\nfrom sqlalchemy import select\n\n"
            "from app.db import Base\n\nfrom . import sibling",
        ),
        ("decimal:Decimal, uuid", "import uuid\nfrom decimal import Decimal"),
        (
            "datetime:datetime, datetime:date, datetime:UTC",
            "from datetime import UTC, date, datetime",
        ),
        (
            "sqlalchemy:select, sqlalchemy:String, sqlalchemy:JSON",
            "from sqlalchemy import JSON, String, select",
        ),
        (
            "uuid, uuid, decimal:Decimal, decimal:Decimal",
            "import uuid\nfrom decimal import Decimal",
        ),
        (
            ".models:X, ..base:Base, os",
            "import os\n\nfrom ..base import Base\nfrom .models import X",
        ),
    ],
    ids=["sections", "plain-first", "by-type", "by-type-2", "duplicates", "relative-last"],
)
def test_import_block_groups_and_sorts_imports(specs: str, expected: str) -> None:
    assert imports.import_block(specs.split(", "), first_party=["app"]) == expected


def test_import_block_wraps_a_long_from_import_one_member_per_line() -> None:
    lines = imports.import_block(LONG_FROM.split(", ")).splitlines()

    assert lines == ["from pydantic import (", *[f"    {name}," for name in PYDANTIC.split()], ")"]


def test_import_block_moves_first_party_packages_out_of_third_party() -> None:
    specs = ["sqlalchemy:select", "app.db:Base"]

    assert imports.import_block(specs) == "from app.db import Base\nfrom sqlalchemy import select"
    assert imports.import_block(specs, ["app"]).endswith("select\n\nfrom app.db import Base")


@parametrize(
    "specs",
    [
        "uuid, datetime:UTC, datetime:date, datetime:datetime, decimal:Decimal",
        "sqlalchemy as sa, sqlalchemy.dialects:mysql, alembic:op, collections.abc:Sequence",
        f"__future__:annotations, {LONG_FROM}, app.models.budgets.budget:Budget, .:x, ..y:z",
        "sqlalchemy:String, sqlalchemy:Index, sqlalchemy.orm:Mapped, sqlalchemy.orm:relationship",
        "pytest, hypothesis:given, hypothesis.strategies as st, app.db.base:Base, os.path",
    ],
)
def test_import_block_is_what_ruff_isort_expects(specs: str, tmp_path: Path) -> None:
    source = imports.import_block(specs.split(", "), first_party=["app"]) + "\n"

    result = run_ruff(["check", "--select", "I", "--config", FIRST_PARTY], source, tmp_path)

    assert result.returncode == 0, result.stdout


def test_import_block_puts_an_aliased_stdlib_import_in_the_stdlib_section() -> None:
    block = imports.import_block(["datetime as dt", "sqlalchemy as sa"])

    assert block == "import datetime as dt\n\nimport sqlalchemy as sa"


# layout ---------------------------------------------------------------------

TWO_40 = ["a" * 40, "b" * 40]


@parametrize(
    ("args", "indent", "expected"),
    [
        (['"ix"', '"user_id"'], 8, 'Index("ix", "user_id"),'),
        (["a" * 75], 4, "Index(" + "a" * 75 + "),"),  # 4 + 84 = 88: fits exactly
        (TWO_40, 0, "Index(\n    " + ",\n    ".join(TWO_40) + ",\n),"),
        ([*TWO_40, "c"], 0, "Index(\n    " + ",\n    ".join([*TWO_40, "c"]) + ",\n),"),
        (["a" * 81], 4, "Index(\n        " + "a" * 81 + ",\n    ),"),
    ],
    # Once split, always one argument per line with a magic trailing comma, which ruff
    # keeps at every line length (a hugged "args on one line" form it would re-join).
    ids=["one-line", "one-line-at-limit", "two-args-split", "one-per-line", "one-long-arg"],
)
def test_call_lays_out_a_call_by_what_fits(args: list[str], indent: int, expected: str) -> None:
    assert layout.call("Index", args, indent=indent, tail=",") == expected


def _statement_at(code: str, indent: int, tail: str) -> str:
    """``code`` placed at ``indent`` in a valid module; ``tail=","`` makes it a list item."""
    outer = indent - 4 if tail else indent
    defs = [" " * level + f"def f{level}():" for level in range(0, outer, 4)]
    body = [" " * indent + code]
    if tail:
        body = [" " * outer + "x = [", *body, " " * outer + "]"]
    return "\n".join(defs + body) + "\n"


@parametrize(
    ("head", "args", "indent", "tail"),
    [
        ("f", ["a", "b"], 0, ""),
        ("total = compute_total", TWO_40, 0, ""),
        ("total = compute_total", [*TWO_40, "c" * 20], 4, ""),
        ("value: int = f", ["a" * 30, "b" * 30], 4, ""),
        ("f", ["a" * 100], 4, ""),
        ("sa.Column", ['"created_at"', "sa.DateTime(timezone=True)", "nullable=False"], 8, ","),
        ("sa.UniqueConstraint", ['"tenant_id"', '"user_id"', f'name="{"u" * 50}"'], 8, ","),
        ("sa.CheckConstraint", ['"end_date >= start_date"', f'name="{"c" * 70}"'], 8, ","),
    ],
)
def test_call_output_is_left_unchanged_by_ruff_format(
    head: str, args: list[str], indent: int, tail: str, tmp_path: Path
) -> None:
    source = _statement_at(layout.call(head, args, indent, tail), indent, tail)

    result = run_ruff(["format"], source, tmp_path)

    assert (result.returncode, result.stdout) == (0, source), result.stderr


# catalogue ------------------------------------------------------------------


def test_domain_keys_lists_every_catalogue_file() -> None:
    assert catalogue.domain_keys() == DOMAINS


def test_the_shipped_yaml_reads_the_same_with_libyaml_and_without() -> None:
    shipped = [TEMPLATE / "copier.yml", *sorted((TEMPLATE / "extensions/domains").glob("*.yml"))]
    assert len(shipped) == len(DOMAINS) + 1
    assert shipped_yaml.LOADER is yaml.CSafeLoader  # what CI and every PyYAML wheel have
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        assert shipped_yaml.load(text) == yaml.load(text, Loader=yaml.SafeLoader), path


@parametrize(
    ("options", "expected"),
    [
        ({}, ("budgets", None, False, ("user_id",))),
        ({"tenant_field": ""}, ("budgets", None, False, ("user_id",))),
        (
            {"table": "fin_budgets", "tenant_field": "org_id", "soft_delete": True},
            ("fin_budgets", "org_id", True, ("org_id", "user_id")),
        ),
    ],
)
def test_load_domain_applies_the_users_options(options: dict[str, Any], expected: tuple) -> None:
    d = catalogue.load_domain("budgets", **options)

    assert (d.table, d.tenant_field, d.soft_delete, d.owner_columns) == expected


def _keys(domain: Domain) -> list[tuple[str, ...]]:
    return [key.columns for key in domain.indexes + domain.unique_constraints]


@parametrize("domain", VARIANTS)
def test_every_index_and_unique_constraint_leads_with_the_owner_columns(domain: Domain) -> None:
    tenant = (domain.tenant_field,) if domain.tenant_field else ()
    # After the tenant: the user, or a reference (its foreign key needs an index that
    # leads with it), or the id other tables' tenant-safe keys point at.
    allowed = {"user_id", "id", *(f.name for f in domain.references)}

    leading = {columns[: len(tenant)] for columns in _keys(domain)}
    second = {columns[len(tenant)] for columns in _keys(domain)}

    assert leading == {tenant}
    assert second <= allowed


@parametrize("domain", VARIANTS)
def test_no_index_is_a_prefix_of_another_index_or_unique_constraint(domain: Domain) -> None:
    redundant = [
        index.columns
        for index in domain.indexes
        for other in _keys(domain)
        if other != index.columns and other[: len(index.columns)] == index.columns
    ]

    assert redundant == []


@parametrize("domain", VARIANTS)
def test_every_list_query_is_served_by_an_index(domain: Domain) -> None:
    owner = set(domain.owner_columns)
    queries = [
        owner | {f.by} - {""} | {f.start if f.kind == "within" else f.field} for f in domain.finders
    ]
    queries.append(owner | {domain.sort_key})

    unserved = [
        columns
        for columns in queries
        if not any(set(key[: len(columns)]) == columns for key in _keys(domain))
    ]

    assert unserved == []


@parametrize("key", DOMAINS)
def test_constraint_names_are_distinct_and_short_even_for_long_table_names(key: str) -> None:
    domain = catalogue.load_domain(key, table="t" * 40, tenant_field="organization_tenant_id")

    names = [k.name for k in domain.indexes + domain.unique_constraints + domain.checks]

    assert len(set(names)) == len(names)
    assert max(len(name) for name in names) <= naming.MAX_DB_IDENTIFIER


def test_only_net_worth_snapshots_and_audit_events_are_immutable() -> None:
    immutable = [key for key in DOMAINS if catalogue.load_domain(key).immutable]

    assert immutable == ["audit_events", "net_worth"]
    assert [key for key in DOMAINS if catalogue.load_domain(key).append_only] == ["audit_events"]


def test_load_domain_of_an_unknown_domain_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="'pensions'; known: accounts, audit_events, bank"):
        catalogue.load_domain("pensions")


@parametrize(
    ("field", "partial", "expected"),
    [
        ("budgets.name", False, "Text = Field(min_length=1, max_length=200)"),
        ("budgets.name", True, "Text | None = Field(default=None, min_length=1, max_length=200)"),
        ("goals.description", False, "Text | None = Field(default=None, max_length=1000)"),
        ("goals.target_amount", False, "PositiveAmount"),
        ("goals.current_amount", False, "Amount = Decimal(0)"),
        ("goals.current_amount", True, "Amount | None = None"),
        ("budgets.categories", False, "AmountsByCategory = Field(default_factory=dict)"),
        ("budgets.categories", True, "AmountsByCategory | None = None"),
        ("budgets.type", False, "BudgetType"),
        ("goals.status", False, "GoalStatus = GoalStatus.ACTIVE"),
        ("net_worth.base_currency", False, 'CurrencyCode = "USD"'),
        ("goals.deadline", False, "Day | None = None"),
    ],
)
def test_schema_line_declares_a_pydantic_field(field: str, partial: bool, expected: str) -> None:
    key, _, name = field.partition(".")

    line = catalogue.load_domain(key).field(name).schema_line(partial=partial)

    assert line == f"{name}: {expected}"


def test_python_default_is_python_source_for_enums_money_strings_and_booleans() -> None:
    goals, net_worth = catalogue.load_domain("goals"), catalogue.load_domain("net_worth")
    fields = [goals.field("status"), goals.field("current_amount"), goals.field("auto_contribute")]

    defaults = [f.python_default for f in [*fields, net_worth.field("base_currency")]]

    assert defaults == ["GoalStatus.ACTIVE", "Decimal(0)", "False", '"USD"']


@parametrize(
    ("key", "expected"),
    [
        ("budgets", {"end_date >= start_date"}),
        ("goals", {"target_amount > 0", "current_amount >= 0"}),
        ("net_worth", {"total_assets >= 0", "total_liabilities >= 0"}),
    ],
)
def test_checks_back_date_ranges_and_amount_signs(key: str, expected: set[str]) -> None:
    assert {check.sql for check in catalogue.load_domain(key).checks} == expected


# migrations -----------------------------------------------------------------

ROOT = "a.py", 'revision = "a"\ndown_revision = None\n'
AFTER_A = "b.py", 'revision: str = "b"\ndown_revision: str | None = "a"\n'
ALSO_AFTER_A = "c.py", 'revision = "c"\ndown_revision = "a"\n'
MERGE = "d.py", 'revision = "d"\ndown_revision = ("b", "c")\n'
BROKEN = "e.py", 'revision = "e"\ndown_revision = "a"\ndef (\n'


def _write(folder: Path, *files: tuple[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (folder / name).write_text(text)
    return folder


@parametrize(
    ("files", "exclude", "expected"),
    [
        ([], "", ""),
        ([ROOT], "", "a"),
        ([ROOT, AFTER_A], "", "b"),
        ([ROOT, AFTER_A, ALSO_AFTER_A], "", ""),
        ([ROOT, AFTER_A, ALSO_AFTER_A, MERGE], "", "d"),
        ([ROOT, AFTER_A, BROKEN], "", "b"),
        ([ROOT, AFTER_A, ALSO_AFTER_A], "c", "a"),
        ([ROOT, AFTER_A], "a", ""),
    ],
    ids=[
        "none",
        "root",
        "annotated",
        "two-heads",
        "merge",
        "syntax-error-ignored",
        "own-keeps-its-parent",
        "own-root-never-follows-its-child",
    ],
)
def test_single_head_finds_the_one_head(
    files: list[tuple[str, str]], exclude: str, expected: str, tmp_path: Path
) -> None:
    _write(tmp_path / "migrations" / "versions", *files)

    assert migrations.single_head(tmp_path, "migrations", exclude=exclude) == expected


def test_heads_lists_every_head_sorted(tmp_path: Path) -> None:
    versions = _write(tmp_path, ALSO_AFTER_A, AFTER_A, ROOT)

    assert migrations.heads(versions) == ["b", "c"]


def test_single_head_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert migrations.single_head(tmp_path, "migrations") == ""


# questions ------------------------------------------------------------------

IDENT = "use a lower-case Python identifier"
TABLE = "lower-case identifier of at most 40 characters"
INSIDE = "give a relative folder inside the app"
LEAVES = "without '..' or a leading '/'"
FOLDER = "each folder must be a lower-case identifier"
MODULE = "lower-case identifier + .py"
CLASS = "give the import path of a class"
OWN = "bd3fdfb84eab"  # revision_id("budgets", "budgets")

GOOD_ANSWERS = [
    (q.identifier, "tenant_field", "tenant_id"),
    (q.table_name, "fin_budgets"),
    (q.tenant_field, "org_id", "budgets"),
    (q.app_path, "migrations_dir", "db/migrations"),
    (q.package_dir, "dest_dir", "app/models/budgets"),
    (q.package_dir, "dest_dir", "src/app/models"),
    (q.module_filename, "schemas_filename", "budget_schemas.py", "budget.py"),
    (q.class_path, "base_class", "app.db.base.Base"),
    (q.down_revision, "", OWN),
    (q.down_revision, "0123abcd", OWN),
]

BAD_ANSWERS = [
    (q.identifier, "tenant_field", "class", IDENT),
    (q.identifier, "tenant_field", "TenantId", IDENT),
    (q.table_name, "2budgets", TABLE),
    (q.table_name, "t" * 41, TABLE),
    *[(q.table_name, table, "choose another name") for table in sorted(q.SVC_INFRA_TABLES)],
    (q.tenant_field, "Org", "budgets", IDENT),
    (q.tenant_field, "name", "budgets", "choose a name other than"),
    (q.tenant_field, "version", "goals", "choose a name other than"),
    (q.app_path, "tests_dir", "/srv/app/tests", LEAVES),
    (q.app_path, "tests_dir", "app/../../tests", LEAVES),
    (q.app_path, "tests_dir", "~/tests", LEAVES),
    (q.app_path, "tests_dir", "app\\tests", INSIDE),
    (q.app_path, "tests_dir", "", INSIDE),
    (q.app_path, "tests_dir", ".hidden/tests", "folders may not start with '.'"),
    (q.package_dir, "dest_dir", "app/2models", FOLDER),
    (q.package_dir, "dest_dir", "src", FOLDER),
    (q.module_filename, "models_filename", "budget", MODULE),
    (q.module_filename, "models_filename", "__init__.py", MODULE),
    (q.module_filename, "models_filename", "Budget-model.py", MODULE),
    (q.module_filename, "schemas_filename", "budget.py", "budget.py", "files must differ"),
    (q.class_path, "base_class", "Base", CLASS),
    (q.class_path, "base_class", "app.db.base.base", CLASS),
    (q.class_path, "base_class", "app.2db.Base", CLASS),
    (q.down_revision, "abc-def", OWN, "give the id of the app's current head"),
    (q.down_revision, OWN, OWN, "give the revision it should follow"),
]
NAMED_BY_FUNCTION = (q.table_name, q.tenant_field, q.down_revision)  # the others take the name


@parametrize("case", GOOD_ANSWERS, ids=lambda case: case[0].__name__)
def test_validators_accept_good_answers(case: tuple[Any, ...]) -> None:
    validator, *args = case

    assert validator(*args) == ""


@parametrize("case", BAD_ANSWERS, ids=lambda case: case[0].__name__)
def test_validators_name_the_question_the_answer_and_what_is_allowed(case: tuple[Any, ...]) -> None:
    validator, *args, allowed = case
    question, answer = (validator.__name__, args[0]) if validator in NAMED_BY_FUNCTION else args[:2]

    message = validator(*args)

    assert message.startswith(f"{question}: {answer!r} ")
    assert allowed in message


def test_package_dir_rejects_the_app_root_itself() -> None:
    assert q.package_dir("dest_dir", ".").startswith("dest_dir: '.' ")


# render ---------------------------------------------------------------------


@parametrize(("base", "expected"), [("", ["app"]), ("app.db.base.Base", ["app", "app/db"])])
def test_shared_packages_lists_the_packages_above_the_domain_and_the_base(
    base: str, expected: list[str]
) -> None:
    assert render.shared_packages("app/models/budgets", base) == [*expected, "app/models"]


@parametrize(("keyword", "expected"), [([], ["self"]), (["y: int"], ["self", "*", "y: int"])])
def test_signature_adds_a_star_only_before_keyword_only_parameters(
    keyword: list[str], expected: list[str]
) -> None:
    assert render.signature(["self"], keyword) == expected


def test_the_default_down_revision_reads_no_migrations_dir_outside_the_app(tmp_path: Path) -> None:
    _write(tmp_path / "migrations" / "versions", ROOT)

    assert defaults.down_revision(str(tmp_path), "migrations", "budgets", "budgets") == "a"
    assert (
        defaults.down_revision(str(tmp_path / "app"), "../migrations", "budgets", "budgets") == ""
    )


def _answers(**overrides: Any) -> dict[str, Any]:
    answers = {"domain": "budgets", "domain_key": "budgets", "domain_entry": "budgets"}
    answers |= {"table_name": "budgets", "dest_dir": "app/models/budgets"}
    answers |= {"models_filename": "budget.py", "schemas_filename": "budget_schemas.py"}
    return answers | overrides


def test_add_layout_derives_names_for_the_apps_own_base() -> None:
    context = _answers(table_name="fin_budgets", dest_dir="src/app/budgets", orm_base="app")
    context |= {"repository_filename": "repo.py", "base_class": "core.db.Base"}
    context |= {"include_tenant": True, "tenant_field": "org_id"}

    expected = {
        "package": "app.budgets",
        "first_party": ["app", "core"],
        "model_module": "budget",
        "schemas_module": "budget_schemas",
        "repository_module": "repo",
        "base_module": "core.db",
        "base_name": "Base",
        "revision": ids.revision_id("budgets", "fin_budgets"),
    }

    render.add_layout(context)

    assert {key: context[key] for key in expected} == expected
    assert (context["d"].table, context["d"].tenant_field) == ("fin_budgets", "org_id")


def test_add_layout_uses_svc_infras_model_base_and_ignores_an_unasked_tenant() -> None:
    context = _answers(orm_base="svc_infra", include_tenant=False, tenant_field="org_id")

    render.add_layout(context)

    assert (context["base_module"], context["base_name"]) == ("svc_infra.db.sql.base", "ModelBase")
    assert (context["first_party"], context["repository_module"]) == (["app"], "")
    assert context["d"].tenant_field is None


# testcases ------------------------------------------------------------------


@parametrize("domain", VARIANTS)
def test_finder_cases_has_one_case_per_finder(domain: Domain) -> None:
    assert [case.finder for case in testcases.finder_cases(domain)] == domain.finders


@parametrize("domain", VARIANTS)
def test_finder_cases_set_only_columns_of_the_domain_and_match_differs_from_miss(
    domain: Domain,
) -> None:
    columns = {f.name for f in domain.fields}

    cases = testcases.finder_cases(domain)

    assert all(set(case.match) | set(case.miss) <= columns for case in cases)
    assert all(case.match != case.miss for case in cases)


def test_finder_case_of_a_fixed_value_finder_takes_no_arguments() -> None:
    goals = catalogue.load_domain("goals")

    case = testcases.finder_case(goals, goals.finders[0])

    assert (case.match["status"], case.miss["status"]) == ("GoalStatus.ACTIVE", "GoalStatus.PAUSED")
    assert case.args == []


# types ----------------------------------------------------------------------


def test_field_type_of_an_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="unknown field type 'varchar'"):
        types.field_type("varchar")


@parametrize(("sign", "schema"), [("", ""), ("positive", "Positive"), ("signed", "Signed")])
def test_money_uses_the_migrations_money_type_and_its_sign_picks_the_schema(
    sign: str, schema: str
) -> None:
    money = types.field_type("money", sign=sign)

    assert (money.migration, money.schema) == ("MONEY", schema + "Amount")


def test_money_in_migrations_is_numeric_19_4_and_text_on_sqlite() -> None:
    assert types.MONEY_MIGRATION == (
        'sa.Numeric(precision=19, scale=4).with_variant(sa.String(length=24), "sqlite")'
    )
