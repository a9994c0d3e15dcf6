"""A domain's ``fin_infra:`` catalogue block: what each key means, read and checked.

A catalogue file names fin-infra's Pydantic model in a ``fin_infra:`` block. Fields of
the same name map to each other, converted by what the block says about fin-infra's
types (``money: float`` for ``Decimal`` amounts, ``decimals: float`` for the other
``decimal`` columns, ``days: datetime`` for ``date`` columns). A float is exact or
refused, both ways; a nullable column's ``None`` stays ``None``. The rest is listed, each
with its reason:

``set_by_database``
    fin-infra fields that ``<Entity>Read`` has and ``<Entity>Create`` does not (the id,
    timestamps): sent by ``to_fin_infra()``, not taken by ``from_fin_infra()``.
``breakdowns``
    a stored map of amounts spread over fin-infra's per-category fields.
``refused``
    fin-infra fields this table has no column for, holding what a user entered:
    ``from_fin_infra()`` raises when one is set rather than drop it.
``dropped``
    fin-infra fields this table has no column for, holding what fin-infra computes
    (counts, changes since the previous row): not stored, for the reason given.
``fields``
    every field of fin-infra's model, as it names them, computed fields included.
``nested``
    fin-infra fields that hold a model of their own (a holding's ``security``), each
    with that ``model`` and its ``fields``: held inline, its fields are our columns of
    the same name. Elsewhere in the block a dotted name reaches inside
    (``security.type`` in ``renamed``, ``security.close_price`` in ``dropped``); such a
    field can be dropped, not refused.
``pairs``
    a fin-infra ``(low, high)`` tuple -> the two nullable columns of ours that hold it,
    converted to floats: both ``None`` is fin-infra's ``None``, and a row with only one
    end set is refused rather than sent without the other.
``supplied``
    our fields fin-infra has no place for (the owner, when its model has none), with
    the reason: ``from_fin_infra()`` takes them as keyword arguments. A field missing
    here and from ``fields`` is taken the same way (the tests ask for its reason).
``renamed``
    fin-infra field name -> ours, where the two differ.
``sample``
    overrides of the catalogue's sample that every rendered test starts from.
``cases``
    rows the rendered round-trip test stores and converts, each under a name: ``ours``
    (overrides of the sample) and ``theirs`` (what fin-infra's model must then hold,
    dotted inside a nested model), as Python expressions. Without them the test
    converts the sample alone.

Copier's environment has no fin-infra, so nothing here imports it:
``tests/test_fin_infra.py`` checks every block against fin-infra's ``model_fields``.
"""

from __future__ import annotations

from typing import Any

from .catalogue import Domain, _raw
from .fin_infra import Breakdown, Case, Conversion, Nested, Pair, Refusal

BLOCK_KEYS = frozenset(
    {
        "model",
        "fields",
        "money",
        "decimals",
        "days",
        "set_by_database",
        "breakdowns",
        "refused",
        "dropped",
        "supplied",
        "renamed",
        "sample",
        "nested",
        "pairs",
        "cases",
    }
)
# What the database fills in, on a Read, that fin-infra may also have.
DATABASE_FIELDS = ("id", "created_at", "updated_at")


def _mapping(raw: Any, what: str, key: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"domain {key!r}: fin_infra.{what} must be a mapping")
    return raw


def _parse_pair(name: str, ends: Any, key: str) -> Pair:
    if not (isinstance(ends, list) and len(ends) == 2 and all(isinstance(e, str) for e in ends)):
        raise ValueError(f"domain {key!r}: fin_infra pairs map {name!r} onto two of our fields")
    return Pair(name, (ends[0], ends[1]))


def _expressions(raw: Any, what: str, key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _mapping(raw, what, key).items()}


def conversion(d: Domain) -> Conversion | None:
    """The ``fin_infra:`` block of ``d``'s catalogue file, or None when it has none.

    >>> from .catalogue import load_domain
    >>> conversion(load_domain("budgets")).alias
    'FinInfraBudget'
    """
    raw = _raw(d.source or d.key).get("fin_infra")
    if raw is None:
        return None
    unknown = sorted(set(raw) - BLOCK_KEYS)
    if unknown:
        raise ValueError(f"domain {d.key!r}: unknown fin_infra keys {unknown}")
    names = {f.name for f in d.fields}
    breakdowns = tuple(
        Breakdown(
            field=name,
            categories=spec["categories"],
            fields=tuple((str(k), str(v)) for k, v in spec["fields"].items()),
        )
        for name, spec in _mapping(raw.get("breakdowns"), "breakdowns", d.key).items()
    )
    refused = tuple(
        Refusal(name, spec["reason"], str(spec["example"]))
        for name, spec in _mapping(raw.get("refused"), "refused", d.key).items()
    )
    nested = tuple(
        Nested(name, spec["model"], tuple(spec["fields"]))
        for name, spec in _mapping(raw.get("nested"), "nested", d.key).items()
    )
    pairs = tuple(
        _parse_pair(name, ends, d.key)
        for name, ends in _mapping(raw.get("pairs"), "pairs", d.key).items()
    )
    cases = tuple(
        Case(
            name,
            _expressions(spec.get("ours"), f"cases.{name}.ours", d.key),
            _expressions(spec.get("theirs"), f"cases.{name}.theirs", d.key),
        )
        for name, spec in _mapping(raw.get("cases"), "cases", d.key).items()
    )
    result = Conversion(
        d=d,
        model=raw["model"],
        theirs=tuple(raw["fields"]),
        money=raw.get("money", "Decimal"),
        decimals=raw.get("decimals", "Decimal"),
        days=raw.get("days", "date"),
        set_by_database=tuple(raw.get("set_by_database", ())),
        breakdowns=breakdowns,
        refused=refused,
        dropped=dict(_mapping(raw.get("dropped"), "dropped", d.key)),
        supplied=dict(_mapping(raw.get("supplied"), "supplied", d.key)),
        renamed=dict(_mapping(raw.get("renamed"), "renamed", d.key)),
        sample=_expressions(raw.get("sample"), "sample", d.key),
        nested=nested,
        pairs=pairs,
        cases=cases,
    )
    _check(result, names)
    return result


def _check(c: Conversion, names: set[str]) -> None:
    """Refuse a block that names fields the domain does not have, or types it cannot map."""
    key = c.d.key
    if c.money not in ("float", "Decimal") or c.decimals not in ("float", "Decimal"):
        raise ValueError(f"domain {key!r}: fin_infra money and decimals are float or Decimal")
    if c.days not in ("datetime", "date"):
        raise ValueError(f"domain {key!r}: fin_infra days are datetime or date")
    ours = [b.field for b in c.breakdowns] + list(c.supplied) + list(c.renamed.values())
    ours += list(c.sample) + [end for p in c.pairs for end in p.ends]
    ours += [name for case in c.cases for name in case.ours]
    missing = sorted(set(ours) - names)
    if missing:
        raise ValueError(f"domain {key!r}: fin_infra names fields it does not have: {missing}")
    bad = [b.field for b in c.breakdowns if c.d.field(b.field).kind != "money_map"]
    if bad:
        raise ValueError(f"domain {key!r}: fin_infra breakdowns must be money maps: {bad}")
    extra = sorted(set(c.set_by_database) - set(DATABASE_FIELDS))
    if extra:
        raise ValueError(f"domain {key!r}: set_by_database holds only {DATABASE_FIELDS}: {extra}")
    _check_nested_and_pairs(c)
    if any(f.kind == "ref" and f.nullable for f in c.fields):
        raise ValueError(f"domain {key!r}: a nullable reference cannot convert yet; supply it")
    listed = {r.name for r in c.refused} | set(c.dropped) | set(c.set_by_database)
    strange = sorted((listed | set(c.renamed)) - set(c.paths))
    if strange:
        raise ValueError(f"domain {key!r}: fin_infra lists fields its model lacks: {strange}")
    unaccounted = [name for name in c.paths if name not in set(c.sent()) | listed]
    if unaccounted:
        raise ValueError(
            f"domain {key!r}: fin-infra's {unaccounted} are neither mapped nor listed"
            " (refused or dropped, with the reason)"
        )
    reasons = [*c.dropped.values(), *c.supplied.values(), *(r.reason for r in c.refused)]
    if not all(isinstance(reason, str) and reason.strip() for reason in reasons):
        raise ValueError(f"domain {key!r}: every field fin_infra does not map needs a reason")
    expected = sorted({name for case in c.cases for name in case.theirs} - set(c.sent()))
    if expected:
        raise ValueError(f"domain {key!r}: fin_infra cases expect fields never sent: {expected}")


def _check_nested_and_pairs(c: Conversion) -> None:
    """Refuse a nested model or a pair the conversions cannot hold to their word."""
    key = c.d.key
    outside = sorted(({n.field for n in c.nested} | {p.field for p in c.pairs}) - set(c.theirs))
    if outside:
        raise ValueError(
            f"domain {key!r}: fin_infra nests or pairs fields its model lacks: {outside}"
        )
    inside = sorted(r.name for r in c.refused if "." in r.name)
    if inside:
        raise ValueError(f"domain {key!r}: fin_infra cannot refuse inside a nested model: {inside}")
    for p in c.pairs:
        ends = [c.d.field(end) for end in p.ends]
        if p.field in {n.field for n in c.nested} or not all(
            f.nullable and f.kind != "money_map" and c._floats(f) for f in ends
        ):
            raise ValueError(
                f"domain {key!r}: fin_infra pairs {p.field!r} with two nullable numbers"
                " it holds as floats (money or decimals: float)"
            )
        taken = set(c.supplied) | set(c.renamed.values()) | {b.field for b in c.breakdowns}
        taken |= {end for other in c.pairs if other != p for end in other.ends}
        if taken & set(p.ends):
            raise ValueError(f"domain {key!r}: fin_infra pairs a field mapped elsewhere: {p.field}")
