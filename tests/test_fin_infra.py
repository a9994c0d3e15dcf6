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

from extensions import fin_infra
from extensions.catalogue import _raw, domain_keys, load_domain
from extensions.fin_infra import Conversion, conversion
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


def _plain(annotation: Any) -> set[Any]:
    """``float | None`` -> ``{float, None}``: the types an annotation allows."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return {type(None) if a is type(None) else a for a in typing.get_args(annotation)}
    return {annotation}


def test_every_domain_with_a_fin_infra_model_has_conversions() -> None:
    # bank_connections and categories: fin-infra 0.13 has no model of either.
    assert {"budgets", "goals", "net_worth", "accounts", "transactions"} <= set(CONVERTED)


@parametrize_domains
def test_the_catalogue_lists_exactly_fin_infras_fields(key: str) -> None:
    assert list(_conversion(key).theirs) == list(_model(key).model_fields)


@parametrize_domains
def test_every_fin_infra_field_is_mapped_or_listed_with_a_reason(key: str) -> None:
    c = _conversion(key)
    theirs = set(_model(key).model_fields)

    sent = set(c.sent())
    listed = {r.name for r in c.refused} | set(c.dropped)

    assert sent <= theirs, f"sent to fields fin-infra does not have: {sorted(sent - theirs)}"
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
    money = {"float": float, "Decimal": Decimal}[c.money]
    days = {"datetime": datetime.datetime, "date": datetime.date}
    breakdowns = {b.field for b in c.breakdowns}

    for f in c.fields:
        if f.name in breakdowns:
            continue
        allowed = _plain(fields[c._fin_name(f.name)].annotation) - {type(None)}
        if f.kind == "money":
            assert allowed == {money}, f.name
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


@parametrize_domains
def test_our_enums_have_exactly_fin_infras_values(key: str) -> None:
    c = _conversion(key)
    fields = _model(key).model_fields

    for f in load_domain(key).enums:
        theirs: Any = fields[c._fin_name(f.name)].annotation
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

    for name in _conversion(key).set_by_database:
        assert name in fields
    assert fields["id"].annotation is str  # so to_fin_infra() sends str(self.id)


def _with_block(monkeypatch: pytest.MonkeyPatch, key: str, **block: Any) -> None:
    raw = {**_raw(key), "fin_infra": {**_raw(key)["fin_infra"], **block}}
    monkeypatch.setattr(fin_infra, "_raw", lambda _key: raw)


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
    monkeypatch.setattr(fin_infra, "_raw", lambda _key: raw)

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


def test_requirements_name_fin_infra_only_for_domains_with_conversions(tmp_path: Path) -> None:
    for key in domain_keys():
        render(tmp_path, domain=key)

    for key in domain_keys():
        text = (tmp_path / f".copier/requirements.{key}.txt").read_text()
        assert ("fin-infra>=0.13" in text) == (key in CONVERTED), key
        tests = list((tmp_path / "tests" / key).glob("test_*_fin_infra.py"))
        assert len(tests) == (key in CONVERTED), key


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
