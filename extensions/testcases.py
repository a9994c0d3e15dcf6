"""Test data for the rendered finder tests, derived from each finder's shape.

For every finder: the fields of a row it must return, of a row it must not return,
and the arguments to call it with, all as Python source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import Domain, Finder


@dataclass(frozen=True)
class FinderCase:
    finder: Finder
    match: dict[str, str]
    miss: dict[str, str]
    args: list[str]  # the finder's positional arguments, as Python source

    @property
    def returns_one(self) -> bool:
        return self.finder.kind == "latest"


def _member(domain: Domain, field: str, value: str) -> str:
    return f"{domain.field(field).enum}.{value.upper()}"


def _exact_pair(length: int) -> tuple[str, str]:
    """Two strings of at most ``length`` characters an exact match tells apart.

    A trailing space, where it fits: some collations ignore it.

    >>> _exact_pair(40), _exact_pair(1)
    (('"Corner Bakery"', '"Corner Bakery "'), ('"C"', '"c"'))
    """
    hit = "Corner Bakery"[: max(1, length - 1)].rstrip()
    other = hit + " " if len(hit) < length else hit[:-1] + hit[-1].swapcase()
    return f'"{hit}"', f'"{other}"'


def finder_case(domain: Domain, finder: Finder) -> FinderCase:
    """How to test one finder of ``domain``.

    >>> from .catalogue import load_domain
    >>> budgets = load_domain("budgets")
    >>> finder_case(budgets, budgets.finders[1]).args
    ['BudgetPeriod.WEEKLY']
    """
    kind, field = finder.kind, finder.field
    column = domain.field(field) if field else None
    if kind == "equals" and column is not None and column.kind in ("ref", "uuid"):
        hit, other = "uuid.UUID(int=7)", "uuid.UUID(int=8)"
        return FinderCase(finder, {field: hit}, {field: other}, [hit])
    if kind == "equals" and finder.by:
        # The same value of the field under another ``by``: only the pair matches.
        hit, by, other_by = '"Corner Bakery"', '"budgets"', '"goals"'
        return FinderCase(
            finder, {finder.by: by, field: hit}, {finder.by: other_by, field: hit}, [by, hit]
        )
    if kind == "equals" and column is not None and column.kind == "str":
        hit, other = _exact_pair(column.length or 1)
        return FinderCase(finder, {field: hit}, {field: other}, [hit])
    if kind == "equals" and column is not None and column.kind == "int":
        low, high = column.int_range
        return FinderCase(finder, {field: str(high)}, {field: str(high - 1)}, [str(high)])
    if kind == "equals" and column is not None and column.kind == "bool":
        hit = "True" if str(finder.value).lower() == "true" else "False"
        other = "False" if hit == "True" else "True"
        return FinderCase(finder, {field: hit}, {field: other}, [])
    if kind == "missing":
        return FinderCase(finder, {field: "None"}, {field: "uuid.UUID(int=9)"}, [])
    if kind == "between" and column is not None and column.kind == "datetime":
        # From start up to end: the last moment before end is in, end itself is not.
        end = "datetime(2026, 4, 1, tzinfo=UTC)"
        return FinderCase(
            finder,
            {field: "datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)"},
            {field: end},
            ["datetime(2026, 3, 1, tzinfo=UTC)", end],
        )
    if kind == "between" and finder.by:
        day, hit, other = "date(2026, 3, 31)", "uuid.UUID(int=7)", "uuid.UUID(int=8)"
        return FinderCase(
            finder,
            {field: day, finder.by: hit},
            {field: day, finder.by: other},
            [hit, "date(2026, 3, 1)", "date(2026, 3, 31)"],
        )
    if kind == "equals":
        values = domain.field(field).values
        hit = finder.value or values[0]
        other = next(v for v in values if v != hit)
        args = [] if finder.value else [_member(domain, field, hit)]
        return FinderCase(
            finder,
            {field: _member(domain, field, hit)},
            {field: _member(domain, field, other)},
            args,
        )
    if kind == "within":
        return FinderCase(
            finder,
            {finder.start: "date(2026, 3, 1)", finder.end: "date(2026, 3, 31)"},
            {finder.start: "date(2026, 4, 1)", finder.end: "date(2026, 4, 30)"},
            ["date(2026, 3, 31)"],
        )
    if kind == "before" and column is not None and column.kind == "datetime":
        # Before the day starts (UTC): its midnight is not before it.
        return FinderCase(
            finder,
            {field: "datetime(2026, 3, 31, 23, 59, tzinfo=UTC)"},
            {field: "datetime(2026, 4, 1, tzinfo=UTC)"},
            ["date(2026, 4, 1)"],
        )
    if kind == "before":
        return FinderCase(
            finder, {field: "date(2026, 3, 1)"}, {field: "date(2026, 5, 1)"}, ["date(2026, 4, 1)"]
        )
    if kind == "between":
        return FinderCase(
            finder,
            {field: "date(2026, 3, 31)"},
            {field: "date(2026, 4, 1)"},
            ["date(2026, 3, 1)", "date(2026, 3, 31)"],
        )
    if kind == "latest":
        return FinderCase(finder, {field: "date(2026, 3, 2)"}, {field: "date(2026, 3, 1)"}, [])
    raise ValueError(f"no test case for finder kind {kind!r}")


def check_violation(domain: Domain) -> dict[str, str]:
    """Fields (as Python source) that break the domain's first CHECK (or a NOT NULL).

    >>> from .catalogue import load_domain
    >>> check_violation(load_domain("goals"))
    {'target_amount': 'Decimal(-1)'}
    """
    if domain.date_ranges:
        return {domain.date_ranges[0]["end"]: "date(2000, 1, 1)"}
    if not domain.checks:  # a NOT NULL column left empty
        required = [f for f in domain.fields if not f.nullable and not f.has_default]
        return {required[-1].name: "None"}
    first = domain.checks[0].sql.split()[0]
    column = domain.field(first) if first in {f.name for f in domain.fields} else None
    if column is not None and column.kind == "int":
        low, high = column.int_range
        return {first: str(low - 1 if column.min is not None else high + 1)}
    if column is not None and column.kind == "decimal" and column.min is not None:
        return {first: f"Decimal({column.min - 1})"}
    if column is not None and column.kind == "decimal" and column.max is not None:
        return {first: f"Decimal({column.max + 1})"}
    return {first: "Decimal(-1)"}


def value_imports(source: str) -> list[str]:
    """What test values written as ``source`` need imported: days, moments, amounts.

    >>> value_imports("datetime(2026, 4, 1, tzinfo=UTC) date(2026, 4, 1)")
    ['datetime:date', 'datetime:UTC', 'datetime:datetime']
    """
    specs = []
    if re.search(r"\bdate\(", source):
        specs.append("datetime:date")
    if re.search(r"\bdatetime\(", source):
        specs += ["datetime:UTC", "datetime:datetime"]
    if "Decimal(" in source:
        specs.append("decimal:Decimal")
    return specs


def finder_cases(domain: Domain) -> list[FinderCase]:
    return [finder_case(domain, finder) for finder in domain.finders]
