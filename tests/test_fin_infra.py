"""Conversions to fin-infra's own models and back: the catalogue against fin-infra itself.

Copier's environment has no fin-infra, so the ``fin_infra:`` blocks are plain data;
these tests hold them to fin-infra's real models (``model_fields``), so no field of
fin-infra goes unaccounted for and no type is mapped wrongly.
"""

from __future__ import annotations

import datetime
import importlib
import sys
import types
import typing
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from extensions import fin_infra_block
from extensions.catalogue import _raw, domain_keys, load_domain
from extensions.fin_infra import Conversion
from extensions.fin_infra_block import conversion
from tests.conftest import render, run

SCRIPTS = Path(__file__).with_name("scripts")
CONVERTED = [key for key in domain_keys() if _raw(key).get("fin_infra")]
# fin-infra's Pydantic models are slow to import (about 1,300 modules of svc-infra,
# more of its own): once per test session.
parametrize_domains = pytest.mark.parametrize("key", CONVERTED)


def _load(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _conversion(key: str) -> Conversion:
    found = conversion(load_domain(key))
    assert found is not None
    return found


def _model(key: str) -> type[BaseModel]:
    model: type[BaseModel] = _load(_conversion(key).model)
    return model


def _names(model: type[BaseModel]) -> list[str]:
    """A model's fields as its ``model_dump()`` gives them: computed fields last."""
    return [*model.model_fields, *model.model_computed_fields]


def _nested_models(key: str) -> dict[str, type[BaseModel]]:
    return {n.field: _load(n.model) for n in _conversion(key).nested}


def _paths(key: str) -> list[str]:
    """Every field of fin-infra's model, a nested model's dotted (``security.cusip``)."""
    nested = _nested_models(key)
    return [
        path
        for name in _names(_model(key))
        for path in (
            [f"{name}.{inner}" for inner in _names(nested[name])] if name in nested else [name]
        )
    ]


def _computed(key: str) -> set[str]:
    nested = _nested_models(key)
    inside = {f"{name}.{inner}" for name, m in nested.items() for inner in m.model_computed_fields}
    return set(_model(key).model_computed_fields) | inside


def _field(key: str, path: str) -> FieldInfo:
    """fin-infra's field at ``path``, inside a nested model when dotted."""
    outer, _, name = path.rpartition(".")
    model = _nested_models(key)[outer] if outer else _model(key)
    return model.model_fields[name]


def _plain(annotation: Any) -> set[Any]:
    """``float | None`` -> ``{float, None}``: the types an annotation allows."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return {type(None) if a is type(None) else a for a in typing.get_args(annotation)}
    return {annotation}


def test_every_domain_with_a_fin_infra_model_has_conversions() -> None:
    # The others (bank_connections, categories, audit events, snapshots of budgets and
    # progress of goals): fin-infra 0.13 has no model of them.
    with_models = {"budgets", "goals", "net_worth", "documents", "accounts", "transactions"}
    with_models |= {"recurring_patterns", "holdings"}

    assert with_models <= set(CONVERTED)


@parametrize_domains
def test_the_catalogue_lists_exactly_fin_infras_fields(key: str) -> None:
    c = _conversion(key)
    model = _model(key)

    assert list(c.theirs) == _names(model)
    for n in c.nested:
        nested = _load(n.model)
        assert model.model_fields[n.field].annotation is nested, "required, and that model"
        assert list(n.theirs) == _names(nested), n.field


@parametrize_domains
def test_every_fin_infra_field_is_mapped_or_listed_with_a_reason(key: str) -> None:
    c = _conversion(key)
    theirs = set(_paths(key))

    sent = set(c.sent())
    listed = {r.name for r in c.refused} | set(c.dropped)

    assert sent <= theirs, f"sent to fields fin-infra does not have: {sorted(sent - theirs)}"
    assert not sent & _computed(key), "sent to a field fin-infra computes"
    assert not sent & listed, f"both mapped and not stored: {sorted(sent & listed)}"
    assert theirs == sent | listed, f"not accounted for: {sorted(theirs - sent - listed)}"


@parametrize_domains
def test_every_field_we_store_reaches_fin_infra_or_is_supplied_with_a_reason(key: str) -> None:
    c = _conversion(key)
    d = load_domain(key)

    kept = {f.name for f in c.fields} | set(c.given)

    assert kept == {f.name for f in d.fields}
    assert set(c.given) <= set(c.supplied), "no reason given in fin_infra.supplied"
    assert len(c.sent()) == len(set(c.sent())), "two of our fields fill one of fin-infra's"


@parametrize_domains
def test_money_days_and_ids_have_the_types_the_catalogue_gives_fin_infra(key: str) -> None:
    c = _conversion(key)
    fields = _model(key).model_fields
    numbers = {"float": float, "Decimal": Decimal}
    money, decimals = numbers[c.money], numbers[c.decimals]
    days = {"datetime": datetime.datetime, "date": datetime.date}
    breakdowns = {b.field for b in c.breakdowns}
    paired = {end for p in c.pairs for end in p.ends}

    for f in c.fields:
        if f.name in breakdowns | paired:
            continue
        annotation = _field(key, c.target(f.name)).annotation
        allowed = _plain(annotation) - {type(None)}
        assert type(None) in _plain(annotation) or not f.nullable, f"{f.name} may be None"
        if f.kind == "money":
            assert allowed == {money}, f.name
        elif f.kind == "decimal":
            assert allowed == {decimals}, f.name
        elif f.kind == "money_map":
            (annotation,) = allowed
            assert typing.get_args(annotation) == (str, money), f.name
        elif f.kind == "date":
            assert allowed == {days[c.days]}, f.name
        elif f.kind == "ref":
            assert allowed == {str}, f.name  # sent as str(uuid)
    for b in c.breakdowns:
        for _, target in b.fields:
            assert fields[target].annotation is money, target
    for p in c.pairs:
        assert _plain(fields[p.field].annotation) == {tuple[float, float], type(None)}, p.field


@parametrize_domains
def test_our_enums_have_exactly_fin_infras_values(key: str) -> None:
    c = _conversion(key)

    for f in load_domain(key).enums:
        theirs: Any = _field(key, c.target(f.name)).annotation
        assert issubclass(theirs, Enum)
        assert set(f.values) == {member.value for member in theirs}, f.name


@parametrize_domains
def test_breakdown_keys_are_fin_infras_categories(key: str) -> None:
    for b in _conversion(key).breakdowns:
        categories = _load(b.categories)

        assert [k for k, _ in b.fields] == [member.value for member in categories]


@parametrize_domains
def test_refused_fields_are_empty_unless_set(key: str) -> None:
    # from_fin_infra() refuses a refused field when it is truthy: its default must not be.
    fields = _model(key).model_fields

    for r in _conversion(key).refused:
        assert not fields[r.name].get_default(call_default_factory=True), r.name
        assert eval(r.example), r.name  # the rendered tests' example must set it


@parametrize_domains
def test_what_fin_infra_stamps_on_a_row_is_what_the_database_sets(key: str) -> None:
    fields = _model(key).model_fields

    set_by_database = _conversion(key).set_by_database

    for name in set_by_database:
        assert name in fields
    if "id" in set_by_database:
        assert fields["id"].annotation is str  # so to_fin_infra() sends str(self.id)
    else:
        assert "id" not in fields


def _with_block(monkeypatch: pytest.MonkeyPatch, key: str, **block: Any) -> None:
    raw = {**_raw(key), "fin_infra": {**_raw(key)["fin_infra"], **block}}
    monkeypatch.setattr(fin_infra_block, "_raw", lambda _key: raw)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"mapped": {}}, "unknown fin_infra keys"),
        ({"money": "int"}, "float or Decimal"),
        ({"supplied": {"owner": "who owns it"}}, "fields it does not have"),
        ({"breakdowns": {"name": {"categories": "x.Y", "fields": {}}}}, "must be money maps"),
        ({"set_by_database": ["version"]}, "set_by_database holds only"),
        ({"dropped": {"tags": ""}}, "needs a reason"),
        ({"refused": {}}, "neither mapped nor listed"),
    ],
)
def test_a_bad_fin_infra_block_is_refused(
    monkeypatch: pytest.MonkeyPatch, block: dict[str, Any], message: str
) -> None:
    _with_block(monkeypatch, "goals", **block)

    with pytest.raises(ValueError, match=message):
        conversion(load_domain("goals"))


def test_a_domain_without_a_block_has_no_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = {k: v for k, v in _raw("goals").items() if k != "fin_infra"}
    monkeypatch.setattr(fin_infra_block, "_raw", lambda _key: raw)

    assert conversion(load_domain("goals")) is None


def test_supplied_fields_become_keyword_arguments_of_from_fin_infra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fields = [name for name in _raw("goals")["fin_infra"]["fields"] if name != "user_id"]
    _with_block(monkeypatch, "goals", supplied={"user_id": "no owner"}, fields=fields)

    c = conversion(load_domain("goals"))

    assert c is not None
    assert c.from_params() == ["cls", "goal: FinInfraGoal", "*", "user_id: str"]
    assert c.from_arguments() == ["goal", "user_id=self.user_id"]
    assert '"user_id": user_id,' in c.from_entries(12)
    assert "user_id" not in c.sent()


def test_renamed_fields_map_under_fin_infras_name(monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = ["title" if name == "name" else name for name in _raw("goals")["fin_infra"]["fields"]]
    _with_block(monkeypatch, "goals", renamed={"title": "name"}, fields=theirs)

    c = conversion(load_domain("goals"))

    assert c is not None
    assert '"title": self.name,' in c.to_entries(12)
    assert '"name": goal.title,' in c.from_entries(12)


def test_long_entries_are_split_so_ruff_keeps_them() -> None:
    entries = _conversion("net_worth").to_entries(12)

    assert all(len(line) <= 88 for entry in entries for line in (" " * 12 + entry).splitlines())
    assert "**_spread(\n" in "".join(entries)


def _without(mapping: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != name}


HOLDINGS = _raw("holdings")["fin_infra"]
SECTOR = {"reason": "the security's", "example": '"Technology"'}


@pytest.mark.parametrize(
    ("key", "block", "message"),
    [
        ("recurring_patterns", {"decimals": "int"}, "float or Decimal"),
        ("recurring_patterns", {"days": "time"}, "datetime or date"),
        ("recurring_patterns", {"pairs": {"amount_range": ["amount_min"]}}, "onto two of our"),
        ("recurring_patterns", {"pairs": {"range": ["amount_min", "amount_max"]}}, "its model"),
        ("recurring_patterns", {"pairs": {"amount_range": ["amount_min", "low"]}}, "not have"),
        # Both ends nullable numbers fin-infra holds as floats, each mapped once.
        ("recurring_patterns", {"money": "Decimal"}, "two nullable numbers"),
        ("recurring_patterns", {"pairs": {"amount_range": ["amount", "confidence"]}}, "nullable"),
        (
            "recurring_patterns",
            {"supplied": {"user_id": "no owner", "amount_max": "kept"}},
            "pairs a field mapped elsewhere",
        ),
        ("recurring_patterns", {"cases": {"x": {"ours": {"nope": "1"}}}}, r"not have: \['nope'\]"),
        ("recurring_patterns", {"cases": {"x": {"theirs": {"amount_min": "1"}}}}, "never sent"),
        ("recurring_patterns", {"cases": {"x": {"ours": ["amount"]}}}, "must be a mapping"),
        ("holdings", {"nested": {"securities": HOLDINGS["nested"]["security"]}}, "its model"),
        ("holdings", {"renamed": {"security.kind": "security_type"}}, "its model lacks"),
        (
            "holdings",
            {"dropped": {**HOLDINGS["dropped"], "security.ceo": "not stored"}},
            r"its model lacks: \['security.ceo'\]",
        ),
        (
            "holdings",
            {"dropped": _without(HOLDINGS["dropped"], "security.currency")},
            r"\['security.currency'\] are neither mapped nor listed",
        ),
        (
            "holdings",
            {
                "dropped": _without(HOLDINGS["dropped"], "security.sector"),
                "refused": {"security.sector": SECTOR},
            },
            "cannot refuse inside a nested model",
        ),
    ],
)
def test_a_bad_nested_pair_or_case_is_refused(
    monkeypatch: pytest.MonkeyPatch, key: str, block: dict[str, Any], message: str
) -> None:
    _with_block(monkeypatch, key, **block)

    with pytest.raises(ValueError, match=message):
        conversion(load_domain(key))


def test_a_nested_model_is_one_dict_of_our_columns() -> None:
    c = _conversion("holdings")

    (entry,) = [e for e in c.to_entries(12) if e.startswith('"security"')]

    assert entry.splitlines() == [
        '"security": {',
        '                "security_id": self.security_id,',
        '                "cusip": self.cusip,',
        '                "isin": self.isin,',
        '                "sedol": self.sedol,',
        '                "ticker_symbol": self.ticker_symbol,',
        '                "name": self.name,',
        '                "type": self.security_type,',
        "            },",
    ]
    assert '"security_type": holding.security.type,' in c.from_entries(12)
    assert '"cusip": holding.security.cusip,' in c.from_entries(12)


def test_a_field_of_fin_infras_own_model_wins_over_the_nested_models() -> None:
    # Holding.currency and Security.currency: ours is the holding's; the security's is
    # close_price's, dropped with it.
    c = _conversion("holdings")

    assert c.target("currency") == "currency"
    assert c.target("name") == "security.name"
    assert c.target("user_id") == ""
    assert "security.currency" in c.dropped
    assert "security" not in c.sent()


def test_a_pair_is_one_tuple_sent_and_two_columns_back() -> None:
    c = _conversion("recurring_patterns")

    to, back = c.to_entries(12), c.from_entries(12)

    assert [e for e in to if "amount_range" in e] == [
        '"amount_range": _pair(self.amount_min, self.amount_max, "amount_range"),'
    ]
    assert '"amount_min": _end(recurring_pattern.amount_range, 0),' in back
    assert '"amount_max": _end(recurring_pattern.amount_range, 1),' in back
    assert c.sent().count("amount_range") == 1
    assert {"_pair", "_end", "_to_float", "_to_decimal"} <= c.helpers


def test_nullable_amounts_convert_to_floats_with_none_kept() -> None:
    c = _conversion("recurring_patterns")

    assert '"amount": _to_optional_float(self.amount, "amount"),' in c.to_entries(12)
    assert '"amount": _to_optional_decimal(recurring_pattern.amount),' in c.from_entries(12)
    # The amount fin-infra's float cannot hold is a column of its own, not a pair's end.
    assert c.unfloatable() == ("amount", 'Decimal("999999999999999.9999")')


def test_decimals_convert_to_floats_only_when_the_block_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_floats = _conversion("recurring_patterns")
    _with_block(monkeypatch, "recurring_patterns", decimals="Decimal")
    as_decimals = conversion(load_domain("recurring_patterns"))

    assert '"confidence": _to_float(self.confidence, "confidence"),' in as_floats.to_entries(12)
    assert '"confidence": _to_decimal(recurring_pattern.confidence),' in (
        as_floats.from_entries(12)
    )
    assert as_decimals is not None
    assert '"confidence": self.confidence,' in as_decimals.to_entries(12)
    assert '"confidence": recurring_pattern.confidence,' in as_decimals.from_entries(12)
    assert '"amount": _to_optional_float(self.amount, "amount"),' in as_decimals.to_entries(12)


def test_cases_become_params_ruff_keeps_at_any_line_length() -> None:
    params = _conversion("recurring_patterns").case_params(8)

    assert params[0] == (
        "pytest.param(\n"
        "            {},\n"
        '            {"amount": 15.49, "amount_range": None, "confidence": 0.95},\n'
        '            id="fixed",\n'
        "        ),"
    )
    assert '                "amount_min": Decimal("-55.25"),\n' in params[1]
    assert all(len(line) <= 88 for p in params for line in (" " * 8 + p).splitlines())


@pytest.mark.parametrize(("length", "lines"), [(2, 1), (38, 1), (39, 5)])
def test_a_case_stays_on_one_line_while_it_fits_with_its_comma(
    monkeypatch: pytest.MonkeyPatch, length: int, lines: int
) -> None:
    # 8 spaces, 'pytest.param({}, {"reasoning": ', the string, '}, id="x"),': 88 at 38.
    text = "'" + "a" * (length - 2) + "'"
    _with_block(monkeypatch, "recurring_patterns", cases={"x": {"theirs": {"reasoning": text}}})

    c = conversion(load_domain("recurring_patterns"))

    assert c is not None
    (param,) = c.case_params(8)
    assert len(param.splitlines()) == lines
    assert max(len(line) for line in (" " * 8 + param).splitlines()) <= 88


def test_the_tests_of_cases_and_pairs_import_what_they_use() -> None:
    holdings = _conversion("holdings").test_imports("app.models.holdings")
    patterns = _conversion("recurring_patterns").test_imports("app.models.recurring_patterns")

    assert {"operator:attrgetter", "datetime:date", "decimal:Decimal"} <= set(holdings)
    assert "app.models.holdings:HoldingNotConvertible" not in holdings  # nothing refused
    assert "app.models.recurring_patterns:RecurringPatternNotConvertible" in patterns
    assert "datetime:date" not in patterns


# Rendering --------------------------------------------------------------------------


def test_a_column_fin_infra_lacks_becomes_a_keyword_of_from_fin_infra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A later release may add a column before the catalogue gives fin-infra's reason.
    fields = [name for name in _raw("goals")["fin_infra"]["fields"] if name != "description"]
    _with_block(monkeypatch, "goals", fields=fields)

    c = conversion(load_domain("goals"))

    assert c is not None
    assert c.given == ["description"]
    assert "description: str | None = None" in c.from_params()
    assert "description" not in c.sent()


def test_fin_infra_has_a_requirements_file_of_its_own_for_domains_with_conversions(
    tmp_path: Path,
) -> None:
    for key in domain_keys():
        render(tmp_path, domain=key)

    for key in domain_keys():
        text = (tmp_path / f".copier/requirements.{key}.txt").read_text()
        optional = tmp_path / f".copier/requirements.{key}.fin-infra.txt"
        assert "fin-infra>=0.13" not in text.splitlines(), key
        assert optional.is_file() == (key in CONVERTED), key
        assert key not in CONVERTED or "fin-infra>=0.13" in optional.read_text().splitlines()
        tests = list((tmp_path / "tests" / key).glob("test_*_fin_infra.py"))
        assert len(tests) == (key in CONVERTED), key


def test_the_rendered_conversion_tests_skip_with_a_reason_without_fin_infra(
    tmp_path: Path,
) -> None:
    render(tmp_path, domain="goals")
    tests = (tmp_path / "tests/goals/test_goal_fin_infra.py").read_text()

    skip = tests.index('pytest.importorskip(\n    "fin_infra",')

    assert skip < tests.index("from fin_infra.")
    assert "see .copier/requirements.goals.fin-infra.txt" in tests


def test_importing_the_schemas_does_not_import_fin_infra(tmp_path: Path) -> None:
    for key in ("budgets", "goals", "net_worth"):
        render(tmp_path, domain=key)
    modules = [
        f"app.models.{key}.{load_domain(key).snake}_schemas"
        for key in ("budgets", "goals", "net_worth")
    ]
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint('fin_infra' in sys.modules)"

    result = run([sys.executable, "-c", code], tmp_path, {"PYTHONPATH": str(tmp_path)})

    assert result.stdout.strip() == "False", result.stderr[-2000:]


@pytest.mark.slow
def test_stored_rows_convert_to_fin_infras_models_and_back_in_python_mode(
    three_domain_app: Path,
) -> None:
    result = run(
        [sys.executable, str(SCRIPTS / "fin_infra_roundtrip.py")],
        three_domain_app,
        {"PYTHONPATH": str(three_domain_app)},
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "Budget",
        "Goal",
        "NetWorthSnapshot",
        "NetWorthSnapshot from fin-infra",
    ]
