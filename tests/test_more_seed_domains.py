"""Recurring patterns and holdings (issue 11), and what the catalogue grew for them.

Their field names follow fin-infra 0.13's ``RecurringPattern`` and ``Holding`` (the
held ``Security`` inline); their ``fin_infra:`` blocks, the range as a pair and the
security as a nested model, are checked in test_fin_infra.py. The catalogue grew bounds
on decimals and a ``before`` finder on a datetime column; the slow tests render each
domain and run every check on the result.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from extensions.catalogue import _field, check_field, domain_keys, load_domain
from extensions.layout import LINE_LENGTH
from extensions.testcases import check_violation, finder_cases, value_imports
from tests.conftest import render
from tests.test_seed_domains import _lint_and_type_check, _passes_every_check, _schema

TENANT_SOFT: dict[str, Any] = {"include_tenant": True, "include_soft_delete": True}


def _fin_infra_fields(path: str) -> dict[str, Any]:
    module, _, name = path.rpartition(".")
    model = getattr(__import__(module, fromlist=[name]), name)
    fields: dict[str, Any] = model.model_fields
    return fields


def _values(enum: Any) -> list[str]:
    assert issubclass(enum, Enum)
    return [member.value for member in enum]


# Recurring patterns -------------------------------------------------------------------


def test_recurring_patterns_hold_fin_infras_fields_with_the_range_split() -> None:
    patterns = load_domain("recurring_patterns")
    theirs = set(_fin_infra_fields("fin_infra.recurring.models.RecurringPattern"))
    ours = {f.name for f in patterns.fields}

    assert theirs - ours == {"amount_range"}  # two columns: amount_min and amount_max
    assert ours - theirs == {"user_id", "amount_min", "amount_max"}
    assert [(f.name, f.kind, f.nullable) for f in patterns.fields] == [
        ("user_id", "str", False),
        ("merchant_name", "str", False),
        ("normalized_merchant", "str", False),
        ("pattern_type", "enum", False),
        ("cadence", "enum", False),
        ("amount", "money", True),
        ("amount_min", "money", True),
        ("amount_max", "money", True),
        ("amount_variance_pct", "decimal", False),
        ("occurrence_count", "int", False),
        ("first_date", "datetime", False),
        ("last_date", "datetime", False),
        ("next_expected_date", "datetime", False),
        ("date_std_dev", "decimal", False),
        ("confidence", "decimal", False),
        ("reasoning", "text", True),
    ]


def test_recurring_pattern_enums_are_fin_infras() -> None:
    from fin_infra.recurring.models import CadenceType, PatternType

    patterns = load_domain("recurring_patterns")

    assert list(patterns.field("pattern_type").values) == _values(PatternType)
    assert list(patterns.field("cadence").values) == _values(CadenceType)


def test_recurring_pattern_days_are_datetimes_as_fin_infras_are() -> None:
    from datetime import datetime

    fields = _fin_infra_fields("fin_infra.recurring.models.RecurringPattern")
    patterns = load_domain("recurring_patterns")

    for name in ("first_date", "last_date", "next_expected_date"):
        assert fields[name].annotation is datetime
        assert patterns.field(name).kind == "datetime"


def test_recurring_patterns_keep_fin_infras_bounds_in_schema_and_database() -> None:
    patterns = load_domain("recurring_patterns", tenant_field="tenant_id")

    assert [(c.name, c.sql) for c in patterns.checks] == [
        ("ck_recurring_patterns_occurrence_count_in_range", "occurrence_count >= 2"),
        ("ck_recurring_patterns_date_std_dev_not_negative", "date_std_dev >= 0"),
        ("ck_recurring_patterns_confidence_in_range", "confidence >= 0 AND confidence <= 1"),
    ]
    confidence = patterns.field("confidence")
    assert confidence.schema_line() == "confidence: Decimal_5_4_UpTo_1"
    assert confidence.decimal_text.constraints == [
        "ge=0",
        "le=1",
        "max_digits=5",
        "decimal_places=4",
    ]
    assert confidence.decimal_text.pattern == r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$"
    assert check_violation(patterns) == {"occurrence_count": "1"}


def test_recurring_patterns_are_one_per_merchant_and_cadence_with_keyset_indexes() -> None:
    patterns = load_domain("recurring_patterns", tenant_field="tenant_id")

    assert [u.columns for u in patterns.unique_constraints] == [
        ("tenant_id", "user_id", "normalized_merchant", "cadence")
    ]
    assert [i.columns for i in patterns.indexes] == [
        ("tenant_id", "user_id", "created_at", "id"),
        ("tenant_id", "user_id", "cadence", "created_at", "id"),
        ("tenant_id", "user_id", "next_expected_date", "id"),
        ("tenant_id", "user_id", "normalized_merchant", "created_at", "id"),
    ]
    assert patterns.starts_days


def test_due_before_a_day_is_tested_at_the_days_first_moment() -> None:
    patterns = load_domain("recurring_patterns")
    (case,) = [c for c in finder_cases(patterns) if c.finder.name == "get_due_before"]

    assert case.match == {"next_expected_date": "datetime(2026, 3, 31, 23, 59, tzinfo=UTC)"}
    assert case.miss == {"next_expected_date": "datetime(2026, 4, 1, tzinfo=UTC)"}
    assert case.args == ["date(2026, 4, 1)"]
    assert value_imports(" ".join([*case.match.values(), *case.args])) == [
        "datetime:date",
        "datetime:UTC",
        "datetime:datetime",
    ]
    assert value_imports("datetime(2026, 4, 1, tzinfo=UTC)") == [
        "datetime:UTC",
        "datetime:datetime",
    ]


# Holdings -----------------------------------------------------------------------------


def test_holdings_hold_fin_infras_fields_with_the_security_inline() -> None:
    holdings = load_domain("holdings")
    holding = set(_fin_infra_fields("fin_infra.investments.models.Holding"))
    ours = {f.name for f in holdings.fields}

    assert holding - ours == {"security"}
    # What identifies the security; its market data is not the holding's.
    identifiers = {"security_id", "cusip", "isin", "sedol", "ticker_symbol", "name"}
    assert identifiers | {"security_type"} <= ours
    assert ours - holding == identifiers | {"user_id", "security_type"}
    assert [(f.name, f.kind, f.nullable) for f in holdings.fields] == [
        ("user_id", "str", False),
        ("account_id", "ref", False),
        ("security_id", "str", False),
        ("cusip", "str", True),
        ("isin", "str", True),
        ("sedol", "str", True),
        ("ticker_symbol", "str", True),
        ("name", "str", False),
        ("security_type", "enum", False),
        ("quantity", "decimal", False),
        ("institution_price", "decimal", False),
        ("institution_value", "money", False),
        ("cost_basis", "money", True),
        ("currency", "currency", False),
        ("unofficial_currency_code", "str", True),
        ("as_of_date", "date", True),
    ]


def test_holding_security_types_are_fin_infras() -> None:
    from fin_infra.investments.models import SecurityType

    assert list(load_domain("holdings").field("security_type").values) == _values(SecurityType)


def test_holdings_size_prices_past_an_amounts_four_places() -> None:
    holdings = load_domain("holdings")
    price, quantity = holdings.field("institution_price"), holdings.field("quantity")

    assert (price.precision, price.scale, price.min) == (20, 8, 0)
    assert (quantity.precision, quantity.scale, quantity.min) == (20, 8, 0)
    probe = _schema({"name": "price", "type": "decimal", "precision": 20, "scale": 8, "min": 0})
    assert probe(price="0.00012345").model_dump() == {"price": Decimal("0.00012345")}
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        probe(price=Decimal("-0.00000001"))
    with pytest.raises(ValidationError, match="must be text matching"):
        probe(price="-0.00000001")


def test_holdings_belong_to_an_account_and_are_one_per_security() -> None:
    holdings = load_domain("holdings", tenant_field="tenant_id")
    account = holdings.field("account_id")

    assert (account.ref, account.on_delete) == ("accounts", "cascade")
    assert [u.columns for u in holdings.unique_constraints] == [
        ("tenant_id", "account_id", "security_id")
    ]
    assert [i.columns for i in holdings.indexes] == [
        ("tenant_id", "user_id", "created_at", "id"),
        ("tenant_id", "account_id", "user_id", "created_at", "id"),
        ("tenant_id", "user_id", "security_id", "created_at", "id"),
    ]


# What the catalogue grew --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ({"precision": 5, "scale": 4, "max": 10}, "fit the decimal's precision"),
        ({"precision": 5, "scale": 4, "min": -10}, "fit the decimal's precision"),
        ({"precision": 5, "scale": 4, "min": 1, "max": 0}, "min is above max"),
        ({"precision": 5, "scale": 4, "min": 0.5}, "whole numbers"),
    ],
)
def test_a_decimals_bounds_must_be_whole_and_fit_it(raw: dict[str, Any], refusal: str) -> None:
    with pytest.raises(ValueError, match=refusal):
        check_field("probe", _field({"name": "x", "type": "decimal", **raw}))


def test_a_bounded_decimal_is_refused_past_its_bounds_even_on_update() -> None:
    raw = {"name": "share", "type": "decimal", "precision": 5, "scale": 4, "min": 0, "max": 1}
    probe, partial = _schema(raw), _schema(raw, partial=True)

    assert probe(share="1").model_dump() == {"share": Decimal("1")}
    assert partial().model_dump() == {"share": None}
    for value in ("-0.0001", "1.0001"):
        with pytest.raises(ValidationError):
            probe(share=value)
        with pytest.raises(ValidationError):
            partial(share=value)


@pytest.mark.parametrize("key", domain_keys())
def test_every_models_docstring_fits_a_line(key: str) -> None:
    d = load_domain(key)
    line = f'"""{d.human_plural.capitalize()}: {d.summary[0].lower()}{d.summary[1:]}"""'

    assert len(line) <= LINE_LENGTH, line


# End to end ---------------------------------------------------------------------------


@pytest.mark.slow
def test_recurring_patterns_with_tenancy_and_soft_delete_pass_every_check(
    app: Path, mypy_cache: Path
) -> None:
    render(app, domain="recurring_patterns", **TENANT_SOFT)

    _passes_every_check(app, mypy_cache)


@pytest.mark.slow
def test_holdings_with_the_ledger_pass_every_check(ledger_app: Path, mypy_cache: Path) -> None:
    # The ledger and holdings, tenancy and soft delete on (conftest.py). Its migrations
    # and its rendered tests, holdings' among them, run once, in test_relations.py's
    # test_the_four_ledger_domains_link_at_creation_and_migrate_as_one_chain.
    model = (ledger_app / "app/models/holdings/holding.py").read_text()
    assert "from app.models.accounts import account as _accounts_model  # noqa: F401" in model
    assert list(ledger_app.glob("tests/holdings/test_holding_*.py"))
    _lint_and_type_check(ledger_app, mypy_cache)
