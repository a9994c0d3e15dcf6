"""The field kinds the seed domains need (int, decimal, text, json) and documents.

Each kind is checked where it is decided (its types, its schema rule, its CHECK) and,
in the slow tests, end to end: rendered, linted, type-checked, migrated and tested.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, Field, JsonValue, Strict, ValidationError

from extensions import catalogue
from extensions.catalogue import _field, check_field, load_domain
from extensions.fin_infra_block import conversion
from extensions.reserved_names import RENDERED_CLASS_NAMES
from extensions.types import INT_MAX, INT_MIN, DecimalText, field_type
from tests.conftest import ROOT, mypy_strict, render, rendered_pytest, run, tool

DOCUMENTS_MODEL = "app/models/documents/document.py"
LINT = "E,F,W,I,UP,B,SIM,C4,RET,PIE,ARG,PT"


def _schema(*raw_fields: dict[str, Any], partial: bool = False) -> type[BaseModel]:
    """A Pydantic model made of the schema lines the catalogue writes for these fields,
    with the int and decimal types they name defined as the schemas module defines them."""
    fields = [_field({"doc": "", **raw}) for raw in raw_fields]
    body = "\n".join(f"    {f.schema_line(partial=partial)}" for f in fields)
    namespace: dict[str, Any] = {
        "Annotated": Annotated,
        "Any": Any,
        "BaseModel": BaseModel,
        "Decimal": Decimal,
        "Field": Field,
        "JsonValue": JsonValue,
        "Text": str,
    }
    for f in fields:
        if f.kind == "int":
            low, high = (
                eval(bound, {"INT_MIN": INT_MIN, "INT_MAX": INT_MAX}) for bound in f.bounds
            )
            whole = Annotated[int, Strict(), Field(ge=low, le=high), BeforeValidator(_whole)]
            namespace[f.whole_number] = whole
        if f.kind == "decimal":
            shape = f.decimal_text
            checks = eval(f"dict({', '.join(shape.constraints)})")
            text = BeforeValidator(_text_matching(shape.pattern))
            namespace[shape.alias] = Annotated[Decimal, Field(**checks), text]
    # Compiled apart from this module, so its annotations are not postponed strings.
    source = f"class Probe(BaseModel):\n{body}\n"
    exec(compile(source, "<probe>", "exec", dont_inherit=True), namespace)
    model: type[BaseModel] = namespace["Probe"]
    return model


def _whole(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _text_matching(pattern: str) -> Any:
    def check(value: object) -> object:
        if isinstance(value, Decimal) or (isinstance(value, str) and re.fullmatch(pattern, value)):
            return value
        raise ValueError(f"must be text matching {pattern}")

    return check


# How each kind is spelled -------------------------------------------------------------


def test_int_is_a_python_int_in_an_integer_column() -> None:
    kind = field_type("int")

    assert (kind.python, kind.column, kind.migration, kind.schema) == (
        "int",
        "",  # Mapped[int] is Integer
        "sa.Integer()",
        "WholeNumber",  # a JSON integer (7 or 7.0), not true or "7"
    )


def test_decimal_is_exact_at_its_own_precision_and_scale() -> None:
    kind = field_type("decimal", precision=9, scale=4)

    assert (kind.python, kind.column, kind.migration, kind.schema) == (
        "Decimal",
        "Fixed(9, 4)",
        "NUMERIC_9_4",
        "Decimal",  # the field names its JSON shape: DecimalText, Field.decimal_text
    )
    assert "decimal:Decimal" in kind.python_imports


def test_text_is_longtext_on_mysql_and_mariadb() -> None:
    kind = field_type("text")

    assert (kind.python, kind.column, kind.schema) == ("str", "LONG_TEXT", "Text")
    assert kind.migration == 'sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")'
    assert "sqlalchemy.dialects:mysql" in kind.migration_imports


@pytest.mark.parametrize("nullable", [False, True])
def test_json_is_an_object_whose_none_is_sql_null(nullable: bool) -> None:
    kind = field_type("json", nullable=nullable)

    assert (kind.python, kind.column, kind.migration, kind.schema) == (
        "dict[str, Any]",
        "JSON(none_as_null=True)",
        "sa.JSON()",
        "dict[str, JsonValue]",
    )


def test_the_names_the_new_kinds_render_are_reserved() -> None:
    assert {"Fixed", "INT_MAX", "INT_MIN", "JsonValue", "LONG_TEXT"} <= RENDERED_CLASS_NAMES


# What the schemas accept --------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, INT_MAX + 1, 1.5, "many"])
def test_an_int_outside_its_bounds_is_refused(value: object) -> None:
    probe = _schema({"name": "count", "type": "int", "min": 0})

    with pytest.raises(ValidationError):
        probe(count=value)


@pytest.mark.parametrize("value", [INT_MIN - 1, INT_MAX + 1])
def test_an_unbounded_int_still_fits_in_an_integer_column(value: int) -> None:
    probe = _schema({"name": "count", "type": "int"})

    assert probe(count=INT_MIN).model_dump() == {"count": INT_MIN}
    with pytest.raises(ValidationError, match="count"):
        probe(count=value)


def test_an_int_takes_both_of_its_bounds_and_nothing_past_them() -> None:
    probe = _schema({"name": "year", "type": "int", "min": 1900, "max": 2100})

    assert [probe(year=y).model_dump()["year"] for y in (1900, 2100)] == [1900, 2100]
    for year in (1899, 2101):
        with pytest.raises(ValidationError, match="greater than or equal|less than or equal"):
            probe(year=year)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (Decimal("1.234"), "no more than 2 decimal places"),
        (Decimal("12345678.5"), "no more than 7 digits before the decimal point"),
        (Decimal("NaN"), "finite number"),
        (Decimal("Infinity"), "finite number"),
        ("1.234", "must be text matching"),
        ("12345678.5", "must be text matching"),
        ("NaN", "must be text matching"),
        ("1e3", "must be text matching"),
        (12.5, "must be text matching"),
    ],
)
def test_a_decimal_the_column_cannot_hold_is_refused_not_rounded(value: object, error: str) -> None:
    probe = _schema({"name": "rate", "type": "decimal", "precision": 9, "scale": 2})

    with pytest.raises(ValidationError, match=error):
        probe(rate=value)


def test_a_decimal_within_its_size_is_kept_digit_for_digit() -> None:
    probe = _schema({"name": "rate", "type": "decimal", "precision": 9, "scale": 2})

    assert probe(rate="-9999999.99").model_dump() == {"rate": Decimal("-9999999.99")}


def test_an_update_of_a_bounded_int_keeps_the_bounds() -> None:
    probe = _schema({"name": "year", "type": "int", "min": 1900}, partial=True)

    assert probe().model_dump() == {"year": None}
    with pytest.raises(ValidationError):
        probe(year=1899)


def test_required_text_must_not_be_empty_and_has_no_length_limit() -> None:
    probe = _schema({"name": "note", "type": "text"})

    assert len(probe(note="x" * 100_000).model_dump()["note"]) == 100_000
    with pytest.raises(ValidationError):
        probe(note="")


def test_json_takes_an_object_of_json_values_only() -> None:
    probe = _schema(
        {"name": "data", "type": "json", "default": {}},
        {"name": "extra", "type": "json", "nullable": True},
    )

    assert probe().model_dump() == {"data": {}, "extra": None}
    assert probe(data={"a": [1, "b", None]}).model_dump()["data"] == {"a": [1, "b", None]}
    for bad in ([1, 2], {"when": Decimal("1")}, "text"):
        with pytest.raises(ValidationError):
            probe(data=bad)


def test_each_row_gets_a_fresh_json_default() -> None:
    probe = _schema({"name": "data", "type": "json", "default": {}})

    first, second = probe(), probe()
    vars(first)["data"]["a"] = 1

    assert vars(second)["data"] == {}


# What the catalogue refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ({"type": "str", "length": 8, "min": 1}, "only an int or a decimal has min and max"),
        ({"type": "int", "min": 5, "max": 1}, "min is above max"),
        ({"type": "int", "max": INT_MAX + 1}, "whole numbers INTEGER holds"),
        ({"type": "int", "min": True}, "whole numbers INTEGER holds"),
        ({"type": "decimal", "precision": 9}, "a decimal needs"),
        ({"type": "decimal", "precision": 4, "scale": 5}, "a decimal needs"),
        ({"type": "decimal", "precision": 29, "scale": 2}, "a decimal needs"),
        ({"type": "int", "precision": 9, "scale": 2}, "only a decimal has precision"),
        ({"type": "json", "default": {"a": 1}}, "only default"),
    ],
)
def test_a_field_the_rendered_code_cannot_store_is_refused(
    raw: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(ValueError, match=refusal):
        check_field("probe", _field({"name": "x", **raw}))


@pytest.mark.parametrize("kind", ["json", "text"])
def test_a_unique_key_cannot_hold_json_or_text(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    raw = catalogue._raw("documents") | {"unique": [["user_id", "body"]]}
    raw["fields"] = [*raw["fields"], {"name": "body", "type": kind}]
    monkeypatch.setattr(catalogue, "_raw", lambda key: raw)

    with pytest.raises(ValueError, match="a unique key cannot hold body"):
        load_domain("documents")


# Documents ----------------------------------------------------------------------------


def test_documents_bound_their_ints_with_checks_the_database_enforces() -> None:
    documents = load_domain("documents")

    assert [(c.name, c.sql) for c in documents.checks] == [
        ("ck_documents_file_size_not_negative", "file_size >= 0"),
        ("ck_documents_tax_year_in_range", "tax_year >= 1900 AND tax_year <= 2100"),
    ]
    assert documents.int_limits == ["INT_MAX"]  # file_size has no maximum of its own


def test_documents_have_an_index_behind_each_finder() -> None:
    documents = load_domain("documents", tenant_field="tenant_id")

    assert [i.columns for i in documents.indexes] == [
        ("tenant_id", "user_id", "created_at"),
        ("tenant_id", "user_id", "type", "created_at"),
        ("tenant_id", "user_id", "tax_year", "created_at"),
    ]


def test_documents_name_fin_infras_metadata_extracted_data() -> None:
    documents = load_domain("documents")
    fin = conversion(documents)

    assert fin is not None
    assert "metadata" not in {f.name for f in documents.fields}
    assert fin.renamed == {"metadata": "extracted_data"}
    assert fin.sent() == [
        "user_id",
        "filename",
        "file_size",
        "upload_date",
        "storage_path",
        "content_type",
        "checksum",
        "metadata",
        "type",
        "tax_year",
        "form_type",
        "id",
    ]


def test_documents_render_their_kinds(app: Path) -> None:
    render(app, domain="documents")

    model = (app / DOCUMENTS_MODEL).read_text()
    schemas = (app / "app/models/documents/document_schemas.py").read_text()
    assert "    file_size: Mapped[int]\n" in model
    assert "extracted_data: Mapped[dict[str, Any]] = mapped_column(\n" in model
    assert "JSON(none_as_null=True),\n        default=dict,\n" in model
    assert "    tax_year: WholeNumber1900To2100 | None = None\n" in schemas
    assert "    file_size: WholeNumberFrom0\n" in schemas
    assert "extracted_data: dict[str, JsonValue] = Field(default_factory=dict)" in schemas


# End to end ---------------------------------------------------------------------------


def _lint_and_type_check(app: Path, mypy_cache: Path) -> None:
    for length in ("88", "100", "120"):
        result = run(
            [tool("ruff"), "format", "--isolated", "--check", "--line-length", length, "."], app
        )
        assert result.returncode == 0, (length, result.stdout, result.stderr)
    result = run([tool("ruff"), "check", "--isolated", "--extend-select", LINT, "."], app)
    assert result.returncode == 0, result.stdout
    result = mypy_strict(app, mypy_cache)
    assert result.returncode == 0, result.stdout


def _migrate(
    app: Path, url: str = "", steps: tuple[str, ...] = ("upgrade", "check", "downgrade")
) -> None:
    """Alembic upgrade head, check and downgrade base (SQLite unless ``url`` says)."""
    commands = {
        "upgrade": ["upgrade", "head"],
        "check": ["check"],
        "downgrade": ["downgrade", "base"],
    }
    env = {"DATABASE_URL": url or f"sqlite+aiosqlite:///{app}/app.db"}
    for step in steps:
        result = run([tool("alembic"), *commands[step]], app, env)
        assert result.returncode == 0, (step, result.stdout, result.stderr[-3000:])


def _rendered_tests_pass(app: Path, database_url: str = "") -> None:
    """The app's rendered tests, all run (none skipped), on SQLite or ``database_url``."""
    result = rendered_pytest(app, {"TEST_DATABASE_URL": database_url} if database_url else None)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


def _passes_every_check(app: Path, mypy_cache: Path) -> None:
    """Ruff at three line lengths, mypy --strict, the migrations, the rendered tests."""
    _lint_and_type_check(app, mypy_cache)
    _migrate(app)
    _rendered_tests_pass(app)


@pytest.mark.slow
def test_documents_with_tenancy_and_soft_delete_pass_every_check(
    app: Path, mypy_cache: Path
) -> None:
    render(app, domain="documents", include_tenant=True, include_soft_delete=True)

    _passes_every_check(app, mypy_cache)


# A domain of the kinds documents do not use (decimal, text, unbounded and nullable
# ints, nullable json), rendered from a copy of the template that holds it.
PROBE = """\
entity: Probe
table: probes
summary: A row of every field kind the seed domains add.
sort_key: created_at
fields:
  - {name: user_id, type: str, length: 64, doc: Owner of the probe.}
  - {name: code, type: str, length: 16, doc: Short code.}
  - {name: note, type: text, doc: Text of any length.}
  - {name: memo, type: text, nullable: true, doc: Optional text of any length.}
  - {name: rate, type: decimal, precision: 9, scale: 4, default: "0", doc: A rate.}
  - {name: fee, type: decimal, precision: 5, scale: 2, nullable: true, doc: A fee.}
  - {name: hits, type: int, default: 0, doc: A count with no bounds of its own.}
  - {name: rank, type: int, min: 1, max: 10, nullable: true, doc: A bounded rank.}
  - {name: payload, type: json, nullable: true, doc: Optional JSON object.}
unique:
  - [code, rate]
date_ranges: []
finders:
  - {name: get_by_hits, kind: equals, field: hits, doc: Probes with this many hits.}
sample:
  user_id: '"user-1"'
  code: '"A1"'
  note: '"x" * 70000'
  memo: None
  rate: Decimal("12345.6789")
  fee: Decimal("-999.99")
  hits: "-5"
  rank: "10"
  payload: '{"nested": {"list": [1, 2.5, "three", None, True]}}'
vary:
  code: f"A{i}"
change: {field: rate, value: Decimal("0.0001")}
"""


@pytest.fixture
def probe_template(tmp_path: Path) -> Path:
    """A copy of this template whose catalogue also holds the probe domain."""
    copy = tmp_path / "template"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".git", ".venv", "*_cache", "__pycache__", "site"),
    )
    (copy / "extensions/domains/probes.yml").write_text(PROBE)
    questions = copy / "copier.yml"
    last = "    Documents (a user's uploaded tax forms, statements and receipts): documents\n"
    text = questions.read_text()
    assert last in text
    questions.write_text(text.replace(last, last + "    Probes: probes\n"))
    return copy


@pytest.mark.slow
def test_every_new_kind_renders_migrates_and_passes_its_tests(
    probe_template: Path, app: Path, mypy_cache: Path
) -> None:
    from copier import run_copy

    data = {"domain": "probes", "include_tenant": True, "include_soft_delete": True}
    run_copy(str(probe_template), app, data=data, defaults=True, unsafe=True, quiet=True)

    model = (app / "app/models/probes/probe.py").read_text()
    assert "    rate: Mapped[Decimal] = mapped_column(Fixed(9, 4), default=Decimal(0))\n" in model
    assert "    note: Mapped[str] = mapped_column(LONG_TEXT)\n" in model
    _lint_and_type_check(app, mypy_cache)
    _migrate(app)
    result = rendered_pytest(app)
    assert result.returncode == 0, result.stdout[-3000:]


# A decimal's JSON text: the pattern says what the column and its bounds hold ------------

SHAPES = [
    DecimalText(9, 4, None, None),
    DecimalText(9, 4, 0, None),
    DecimalText(5, 4, 0, 1),
    DecimalText(20, 8, 0, None),
    DecimalText(4, 4, None, None),
    DecimalText(6, 0, 0, 100),
]


def _holds(shape: DecimalText, value: Decimal) -> bool:
    """What the column and the bounds hold, decided with Decimal arithmetic alone."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    whole = 0 if value == 0 else max(0, len(digits) + exponent)
    fits = places <= shape.scale and whole <= shape.precision - shape.scale
    low = shape.minimum is None or value >= shape.minimum
    high = shape.maximum is None or value <= shape.maximum
    return fits and low and high


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.alias)
@given(value=st.decimals(allow_nan=False, allow_infinity=False, places=None))
@settings(max_examples=300, deadline=None)
def test_a_decimals_pattern_takes_exactly_the_text_of_what_it_holds(
    shape: DecimalText, value: Decimal
) -> None:
    text = format(value, "f")
    if text.startswith("-") and value == 0:
        text = text[1:]  # "-0.00": the pattern may take it or not, the value is 0 either way

    assert (re.fullmatch(shape.pattern, text) is not None) == _holds(shape, value), text


@pytest.mark.parametrize(
    ("minimum", "maximum"), [(1, None), (None, 10), (0, 5), (-1, 1), (0, 1000000)]
)
def test_bounds_a_pattern_cannot_say_are_refused_when_the_catalogue_loads(
    minimum: int | None, maximum: int | None
) -> None:
    with pytest.raises(ValueError, match="minimum|maximum"):
        DecimalText(6, 2, minimum, maximum)
