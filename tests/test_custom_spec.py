"""A custom entity from a one-line field spec (``domain=custom``, issue 11).

The grammar's every type, flag and refusal, fast; then, slow, custom entities rendered
with references, tenancy and soft delete through every check the catalogue's domains
pass, on SQLite, PostgreSQL and MariaDB, and ``copier update`` on them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier.errors import UserMessageError
from hypothesis import given, settings
from hypothesis import strategies as st

from extensions import questions
from extensions.catalogue import load_domain, reference_targets
from extensions.naming import is_identifier
from extensions.spec import SpecError, custom_key, handle, parse_fields
from tests.answer_helpers import cli, copy_template, snapshot
from tests.conftest import fresh_database, render, rendered_pytest, run
from tests.test_seed_domains import _lint_and_type_check, _migrate
from tests.test_update import App, Template

INVOICE = (
    "number:str(32):unique amount:money due_on:date? status:enum(open,paid,void) "
    "account:ref(accounts) paid:bool=false"
)
# Every type and flag of the grammar at least once, and names at their limits: the
# longest entity, enum, finder and plain field names the rendered lines fit in 88 columns.
EVERYTHING = (
    "pattern:str(120):index priority:int=0:unique note:text? weight:decimal(6,3)=1.5 "
    "active:bool=true sixteen_chars_xy:enum(food,travel,other)=other payload:json? "
    "fires_at:datetime? currency:currency=EUR external:uuid?:unique lookup:uuid:index "
    "cap:money?:signed floor:money=1:positive starts_on:date:unique "
    "code:str(3):unique size:decimal(4,4) connection:ref(bank_connections):cascade "
    "a_field_name_of_thirty_two_chars:str(8)? looked_up_by_16c:str(8)?:index"
)
TENANT_SOFT: dict[str, Any] = {"include_tenant": True, "include_soft_delete": True}


def _fields(spec: str) -> dict[str, dict[str, Any]]:
    return {raw["name"]: raw for raw, _ in parse_fields(spec, reference_targets())}


def _custom(entity: str, spec: str, **options: Any) -> Any:
    return load_domain(handle(entity, spec), **options)


# The grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("code:str(12)", {"type": "str", "length": 12}),
        ("note:text", {"type": "text"}),
        ("count:int", {"type": "int"}),
        ("done:bool", {"type": "bool"}),
        ("total:money", {"type": "money"}),
        ("rate:decimal(9,6)", {"type": "decimal", "precision": 9, "scale": 6}),
        ("due_on:date", {"type": "date"}),
        ("seen_at:datetime", {"type": "datetime"}),
        ("external:uuid", {"type": "uuid"}),
        ("extra:json", {"type": "json"}),
        ("currency:currency", {"type": "currency"}),
        ("state:enum(open,closed)", {"type": "enum", "values": ["open", "closed"]}),
        ("account:ref(accounts)", {"type": "ref", "ref": "accounts", "on_delete": "restrict"}),
    ],
)
def test_each_type_becomes_the_catalogue_field_of_that_kind(
    token: str, expected: dict[str, Any]
) -> None:
    (raw,) = _fields(token).values()

    assert raw.items() >= expected.items()
    assert raw["nullable"] is False


def test_the_issues_example_is_an_invoice_owned_by_a_user() -> None:
    invoices = _custom("Invoice", INVOICE)

    assert (invoices.key, invoices.table, invoices.entity) == ("invoices", "invoices", "Invoice")
    assert [(f.name, f.kind, f.nullable) for f in invoices.fields] == [
        ("user_id", "str", False),
        ("number", "str", False),
        ("amount", "money", False),
        ("due_on", "date", True),
        ("status", "enum", False),
        ("account_id", "ref", False),
        ("paid", "bool", False),
    ]
    assert invoices.field("status").enum == "InvoiceStatus"
    assert invoices.field("paid").python_default == "False"
    assert invoices.unique == [("user_id", "number")]
    assert [f.name for f in invoices.finders] == ["get_by_account"]


def test_names_default_from_the_entity_through_inflection() -> None:
    assert custom_key("MerchantRule") == "merchant_rules"
    assert custom_key("Category2") == "category2s"
    rules = _custom("MerchantRule", "pattern:str(40)")
    assert (rules.snake, rules.plural, rules.human_plural) == (
        "merchant_rule",
        "merchant_rules",
        "merchant rules",
    )


def test_flags_make_keys_finders_signs_and_cascades() -> None:
    spec = (
        "code:str(8):unique label:str(40):index cap:money:signed floor:money:positive "
        "connection:ref(bank_connections):cascade"
    )
    rules = _custom("Rule", spec)

    assert rules.unique == [("user_id", "code")]
    assert [(f.name, f.field) for f in rules.finders] == [
        ("get_by_label", "label"),
        ("get_by_connection", "connection_id"),
    ]
    assert rules.field("cap").type.schema == "SignedAmount"
    assert rules.field("floor").type.schema == "PositiveAmount"
    assert rules.field("connection_id").on_delete == "cascade"
    # Every finder and unique key has an index that leads with the owner.
    assert {i.columns for i in rules.indexes} >= {
        ("user_id", "label", "created_at"),
        ("connection_id", "user_id", "created_at"),
    }


@pytest.mark.parametrize(
    ("token", "default"),
    [
        ("paid:bool=true", True),
        ("tries:int=-3", -3),
        ("fee:money=2.5", "2.5"),
        ("rate:decimal(5,2)=1.25", "1.25"),
        ("state:enum(open,closed)=closed", "closed"),
        ("currency:currency=EUR", "EUR"),
        ("label:str(8)=new-one", "new-one"),
        ("memo:text=empty", "empty"),
    ],
)
def test_a_default_the_column_can_hold_is_kept(token: str, default: object) -> None:
    (raw,) = _fields(token).values()

    assert raw["default"] == default


def test_a_ref_field_names_its_column_after_the_id_it_holds() -> None:
    assert list(_fields("account:ref(accounts) parent_id:ref(categories)")) == [
        "account_id",
        "parent_id",
    ]


# Every refusal names the field and what is allowed: (spec, the offending token, why).
REFUSED = [
    ("amount:monee", "amount:monee", "unknown type 'monee'; the types are str(n), text"),
    ("amount", "amount", "a field is name:type"),
    ("code:str", "code:str", "str needs a length in parentheses, e.g. str(64)"),
    ("code:str(0)", "code:str(0)", "a length from 1 to 2000"),
    ("code:str(x)", "code:str(x)", "a length from 1 to 2000"),
    ("code:str(5000)", "code:str(5000)", "use text for longer values"),
    ("note:text(5)", "note:text(5)", "text takes nothing in parentheses"),
    ("rate:decimal(30,2)", "rate:decimal(30,2)", "1 <= p <= 28"),
    ("rate:decimal(4,6)", "rate:decimal(4,6)", "s <= p"),
    ("rate:decimal(4)", "rate:decimal(4)", "a precision and a scale"),
    ("state:enum(open)", "state:enum(open)", "two or more values"),
    ("state:enum(open,open)", "state:enum(open,open)", "names a value twice"),
    ("state:enum(Open,closed)", "state:enum(Open,closed)", "lower-case identifier"),
    ("state:enum(a-b,c)", "state:enum(a-b,c)", "lower-case identifier"),
    ("a:int b:int a:text", "a:text", "the field a is given twice"),
    ("account:ref(accounts) account_id:uuid", "account_id:uuid", "account_id is given twice"),
    ("id:uuid", "id:uuid", "a column every table has"),
    ("created_at:datetime", "created_at:datetime", "a column every table has"),
    ("deleted_at:datetime", "deleted_at:datetime", "a column every table has"),
    ("class:int", "class:int", "a Python keyword"),
    ("select:int", "select:int", "a SQL keyword"),
    ("metadata:json", "metadata:json", "SQLAlchemy keeps on every model"),
    ("model_name:str(9)", "model_name:str(9)", "Pydantic keeps on every schema"),
    ("Amount:money", "Amount:money", "a lower-case identifier"),
    ("_x:int", "_x:int", "starting with a letter"),
    ("x" * 33 + ":int", "x" * 33 + ":int", "at most 32 characters"),
    ("s" * 17 + ":enum(a,b)", "s" * 17 + ":enum(a,b)", "name is at most 16 characters"),
    ("s" * 17 + ":int:index", "s" * 17 + ":int:index", "name is at most 16 characters"),
    ("s" * 17 + ":ref(accounts)", "s" * 17 + ":ref(accounts)", "get_by_<name> finder"),
    ("net:ref(net_worth)", "net:ref(net_worth)", "accounts, bank_connections, budgets, categ"),
    ("thing:ref(things)", "thing:ref(things)", "names no domain a reference can point at"),
    ("a:int:primary", "a:int:primary", "unknown flag :primary; the flags are :unique"),
    ("a:int:index:index", "a:int:index:index", "the flag :index is given twice"),
    ("note:text:unique", "note:text:unique", ":unique works on str, int, uuid"),
    ("extra:json:index", "extra:json:index", ":index works on str, int, enum, uuid, ref"),
    ("a:ref(accounts):index", "a:ref(accounts):index", "always indexed"),
    ("code:str(2):unique", "code:str(2):unique", "at least 3 characters"),
    ("n:int:signed", "n:int:signed", ":signed and :positive are for money"),
    ("m:money:signed:positive", "m:money:signed:positive", "contradict"),
    ("n:int:cascade", "n:int:cascade", ":cascade is for ref fields"),
    ("due:date?=x", "due:date?=x", "a nullable field's default is empty"),
    ("due:date=2026-01-01", "due:date=2026-01-01", "a date field takes no default"),
    ("paid:bool=yes", "paid:bool=yes", "true or false"),
    ("n:int=9999999999", "n:int=9999999999", "a whole number INTEGER holds"),
    ("m:money=1.23456", "m:money=1.23456", "at most 4 decimal places"),
    ("m:money=-1", "m:money=-1", "a negative default needs :signed"),
    ("m:money=0:positive", "m:money=0:positive", "a :positive default must be above zero"),
    ("s:enum(a,b)=c", "s:enum(a,b)=c", "one of a, b"),
    ("c:currency=usd", "c:currency=usd", "three-letter ISO 4217 code"),
    ("label:str(3)=toolong", "label:str(3)=toolong", "fit the length"),
    ('label:str(9)="x"', 'label:str(9)="x"', "letters, digits"),
    ("label:str(9)=a'b", "label:str(9)=a'b", "letters, digits"),
]


@pytest.mark.parametrize(("spec", "token", "why"), REFUSED)
def test_each_mistake_is_refused_naming_the_field(spec: str, token: str, why: str) -> None:
    message = questions.fields(spec, "Invoice")

    assert message.startswith(f"fields: {token!r} (field "), message
    assert why in message, message


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("", "give at least one field"),
        ("   ", "give at least one field"),
        (" ".join(f"f{i}:int" for i in range(41)), "41 fields are too many; at most 40"),
        ("account:ref(accounts)", "at least one field that is not a reference"),
        ("user_id:int", "user_id is the owner of each row"),
        ("code:str(2) rate:decimal(3,2)", "one field whose value can differ from row to row"),
        (" ".join(f"f{i}:str(2000)" for i in range(7)), "make the long ones text"),
    ],
)
def test_a_spec_as_a_whole_is_refused_with_the_reason(spec: str, why: str) -> None:
    message = questions.fields(spec, "Invoice")

    assert message.startswith("fields: ") and why in message, message


@pytest.mark.parametrize(
    ("entity", "why"),
    [
        ("invoice", "CamelCase"),
        ("Invoice_Line", "CamelCase"),
        ("X" + "y" * 32, "at most 32"),
        ("MerchantCategoryXy", "named 'merchant_category_xy'"),
        ("Budget", "the catalogue's budgets domain; answer domain=budgets"),
        ("Account", "the catalogue's accounts domain"),
        ("Decimal", "a class the rendered code already uses"),
        ("Group", "would name the table 'groups', a SQL keyword"),
        ("Inv\nvoice", "CamelCase"),
    ],
)
def test_an_entity_name_is_refused_with_the_reason(entity: str, why: str) -> None:
    message = questions.entity(entity)

    assert message.startswith("entity: ") and why in message, message


@pytest.mark.parametrize(
    ("entity", "field", "enum"),
    [("Invoice", "batch", "InvoiceBatch"), ("Invoice", "page", "InvoicePage")],
)
def test_an_enum_class_the_rendered_code_uses_is_refused(
    entity: str, field: str, enum: str
) -> None:
    message = questions.fields(f"{field}:enum(a,b)", entity)

    assert f"its enum class {enum} is a class the rendered code already uses" in message


# Hostile input: whatever the spec, nothing but checked names and values reaches code.

SAFE_DEFAULT = re.compile(r"[A-Za-z0-9_.-]+")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_spec_is_refused_or_holds_only_safe_names_and_values(spec: str) -> None:
    try:
        parsed = parse_fields(spec, reference_targets())
    except SpecError as error:
        assert str(error).startswith("fields: ")
        return
    for raw, flags in parsed:
        assert is_identifier(raw["name"])
        assert all(is_identifier(value) for value in raw.get("values", ()))
        default = raw.get("default")
        assert default is None or isinstance(default, bool | int) or SAFE_DEFAULT.fullmatch(default)
        assert all(flag.isalpha() for flag in flags)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a:int",
                "b:str(9)?",
                "c:money=1",
                "d:enum(x,y)",
                "e:bool=true",
                "f:uuid:index",
                "g:json?",
                "h:date:unique",
                "i:decimal(5,2)",
                "j:ref(accounts)",
                "k:text?",
            ]
        ),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_any_valid_spec_loads_with_an_index_behind_every_finder(tokens: list[str]) -> None:
    spec = " ".join(tokens)
    if all(t.startswith("j:") for t in tokens):
        return  # a reference alone is refused (tested above)
    d = _custom("Probe", spec)

    index_columns = [i.columns for i in d.indexes] + [u.columns for u in d.unique_constraints]
    for finder in d.finders:
        assert any(finder.field in columns for columns in index_columns), finder
    assert d.change, "the rendered update tests need a field to change"


# Through Copier: a refusal writes nothing --------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entity": "invoice", "fields": "a:int"}, "entity: 'invoice' is not allowed"),
        ({"entity": "Invoice", "fields": "a:int b:monee"}, "fields: 'b:monee' (field 2)"),
        ({"entity": "Invoice", "fields": "amount:money=__import__('os')"}, "fields: "),
        ({"entity": "Invoice", "fields": 'x:str(5)=";import'}, "fields: "),
        ({"entity": "Budget", "fields": "a:int"}, "answer domain=budgets"),
    ],
)
def test_a_refused_spec_leaves_the_app_byte_identical(
    template: Path, tmp_path: Path, data: dict[str, str], message: str
) -> None:
    app = tmp_path / "app"
    render(app, domain="goals")
    before = snapshot(app)

    result = cli(template, app, {"domain": "custom", **data})

    assert result.returncode != 0
    assert message in result.stderr + result.stdout, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert snapshot(app) == before


def test_the_questionnaire_shows_the_grammar() -> None:
    config = yaml.safe_load((Path(__file__).parents[1] / "copier.yml").read_text())
    grammar = config["fields"]["help"]

    assert "custom" in config["domain"]["choices"].values()
    for part in ("str(n)", "decimal(p,s)", "enum(a,b,...)", "ref(domain)", ":unique", ":index"):
        assert part in grammar
    assert "? (nullable)" in grammar and "=default" in grammar


# End to end ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def custom_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two custom entities next to the ledger tables they reference, every option on."""
    app = tmp_path_factory.mktemp("custom") / "app"
    options = {**TENANT_SOFT, "api": "fastapi"}
    for domain in ("bank_connections", "accounts"):
        render(app, domain=domain, **options)
    render(app, domain="custom", entity="Invoice", fields=INVOICE, **options)
    render(
        app,
        domain="custom",
        entity="MerchantCategory",
        fields=EVERYTHING,
        **options,
    )
    yield app


@pytest.mark.slow
def test_custom_entities_render_with_their_own_answers_files(custom_app: Path) -> None:
    answers = yaml.safe_load((custom_app / ".copier/answers.invoices.yml").read_text())
    assert (answers["domain"], answers["entity"], answers["fields"]) == (
        "custom",
        "Invoice",
        INVOICE,
    )
    assert answers["spec_history"] == [INVOICE]
    long_key = "merchant_categories"
    assert (custom_app / f".copier/answers.{long_key}.yml").is_file()
    assert (custom_app / "tests/invoices/test_invoice_repository.py").is_file()
    model = (custom_app / "app/models/invoices/invoice.py").read_text()
    assert "from app.models.accounts import account as _accounts_model  # noqa: F401" in model


def _custom_tests(app: Path, env: dict[str, str] | None = None) -> str:
    """The custom entities' rendered tests (the ledger's run in tests/test_databases.py).

    On a server, without the FastAPI routes' tests: the routes send no SQL of their
    own, and their tests run on SQLite (docs/databases.md, how CI samples).
    """
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += [
        "-W",
        "error::sqlalchemy.exc.SAWarning",
        "tests/invoices",
        "tests/merchant_categories",
    ]
    if env:
        command.append("--ignore-glob=*_api.py")
    result = run(command, app, env)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
    return result.stdout


@pytest.mark.slow
def test_custom_entities_pass_lint_mypy_alembic_and_their_tests(
    custom_app: Path, mypy_cache: Path
) -> None:
    _lint_and_type_check(custom_app, mypy_cache)
    _migrate(custom_app)
    _custom_tests(custom_app)


@pytest.mark.slow
@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_custom_entities_pass_their_tests_on_a_server(custom_app: Path, server: str) -> None:
    for url in fresh_database(server):
        _custom_tests(custom_app, {"TEST_DATABASE_URL": url})


# Updating: a changed spec is a migration step, or refused -------------------------------

BASE = "number:str(32):unique amount:money due_on:date? paid:bool=false"


@pytest.fixture
def invoice_app(tmp_path: Path) -> Iterator[App]:
    """An app under git with invoices rendered, its database migrated to the creation."""
    app = App(tmp_path / "app", Template(_template_dir(tmp_path)))
    app.copy(domain="custom", entity="Invoice", fields=BASE)
    _migrate(app.path, _database(app.path), ("upgrade",))
    yield app


def _template_dir(tmp_path: Path) -> Path:
    path = tmp_path / "template"
    path.mkdir()
    return path


def _database(app: Path) -> str:
    """A SQLite database beside the app, so its git stays clean for copier update."""
    return f"sqlite+aiosqlite:///{app.parent}/app.db"


def _outside_git(app: App) -> dict[str, Any]:
    return {k: v for k, v in snapshot(app.path).items() if not k.startswith(".git")}


def _steps(app: App) -> list[str]:
    return sorted(p.name.split("_", 1)[1] for p in (app.path / "migrations/versions").glob("*.py"))


@pytest.mark.slow
def test_an_update_without_a_spec_change_changes_nothing(invoice_app: App) -> None:
    before = _outside_git(invoice_app)

    invoice_app.update("invoices")

    assert _outside_git(invoice_app) == before


@pytest.mark.slow
def test_spec_changes_become_migration_steps_the_database_takes(
    invoice_app: App, mypy_cache: Path
) -> None:
    app = invoice_app
    relaxed = BASE.replace("amount:money", "amount:money?")

    app.update("invoices", fields=f"{relaxed} note:text? tag:str(10)?:index")
    app.commit("spec 2")
    first_step = (app.path / "migrations/versions").glob("*_invoices_spec_2.py")
    (spec_2,) = list(first_step)
    spec_2_bytes = spec_2.read_bytes()
    app.update("invoices", fields=f"{relaxed} note:text? tag:str(10)?:index seen:datetime?")

    assert _steps(app) == ["create_invoices.py", "invoices_spec_2.py", "invoices_spec_3.py"]
    assert spec_2.read_bytes() == spec_2_bytes  # an applied step is never rewritten
    assert app.answers("invoices")["spec_history"] == [
        BASE,
        f"{relaxed} note:text? tag:str(10)?:index",
        f"{relaxed} note:text? tag:str(10)?:index seen:datetime?",
    ]
    step = spec_2.read_text()
    assert (
        'batch.alter_column(\n            "amount",' in step
        or 'batch.alter_column("amount"' in step
    )
    assert "ix_invoices_user_id_tag_created_at" in step
    model = app.read("app/models/invoices/invoice.py")
    assert "amount: Mapped[Decimal | None]" in model and "seen: Mapped[datetime | None]" in model
    # The database created before the update takes the steps, and matches the model.
    _migrate(app.path, _database(app.path))
    _lint_and_type_check(app.path, mypy_cache)
    result = rendered_pytest(app.path)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("number:str(32):unique due_on:date? paid:bool=false", "the new spec drops amount"),
        (BASE.replace("str(32)", "str(40)"), "the new spec changes number"),
        (BASE.replace("due_on:date?", "due_on:date"), "the new spec makes due_on required"),
        (f"{BASE} note:text", "add it as note:text?"),
        (f"{BASE} account:ref(accounts)?", "a reference or a unique field"),
    ],
)
def test_a_spec_change_that_would_lose_data_is_refused_and_writes_nothing(
    invoice_app: App, fields: str, message: str
) -> None:
    before = _outside_git(invoice_app)

    with pytest.raises(UserMessageError, match=re.escape(message)):
        invoice_app.update("invoices", fields=fields)

    assert _outside_git(invoice_app) == before


@pytest.mark.slow
def test_two_custom_entities_update_each_on_their_own(invoice_app: App) -> None:
    app = invoice_app
    app.copy(domain="custom", entity="MerchantRule", fields="pattern:str(120):index")
    rules = _outside_git(app)

    app.update("invoices", fields=f"{BASE} note:text?")

    after = _outside_git(app)
    changed = {name for name in set(rules) | set(after) if rules.get(name) != after.get(name)}
    assert changed and all("merchant_rule" not in name for name in changed), changed
    assert "pattern:str(120):index" in app.read(".copier/answers.merchant_rules.yml")
