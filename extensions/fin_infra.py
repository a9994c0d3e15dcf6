"""fin-infra's own model of a domain, and how a stored row converts to it and back.

A catalogue file names fin-infra's Pydantic model in a ``fin_infra:`` block. Fields of
the same name map to each other, converted by what the block says about fin-infra's
types (``money: float`` for ``Decimal`` amounts, ``days: datetime`` for ``date``
columns). The rest is listed, each with its reason:

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
    every field of fin-infra's model, as it names them.
``supplied``
    our fields fin-infra has no place for (the owner, when its model has none), with
    the reason: ``from_fin_infra()`` takes them as keyword arguments. A field missing
    here and from ``fields`` is taken the same way (the tests ask for its reason).
``renamed``
    fin-infra field name -> ours, where the two differ.

Copier's environment has no fin-infra, so nothing here imports it:
``tests/test_fin_infra.py`` checks every block against fin-infra's ``model_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalogue import Domain, Field, _raw
from .layout import LINE_LENGTH, call

BLOCK_KEYS = frozenset(
    {
        "model",
        "fields",
        "money",
        "days",
        "set_by_database",
        "breakdowns",
        "refused",
        "dropped",
        "supplied",
        "renamed",
        "sample",
    }
)
# What the database fills in, on a Read, that fin-infra may also have.
DATABASE_FIELDS = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class Breakdown:
    """One stored map of amounts, spread over fin-infra's per-category fields."""

    field: str
    categories: str  # fin-infra's enum of the categories: its values are the keys
    fields: tuple[tuple[str, str], ...]  # (category, fin-infra field)

    @property
    def constant(self) -> str:
        """``_ASSET_BREAKDOWN``: the rendered mapping of category to fin-infra field."""
        return f"_{self.field.upper()}"


@dataclass(frozen=True)
class Refusal:
    """A fin-infra field with no column, refused when set, and a value that sets it."""

    name: str
    reason: str
    example: str  # a Python expression, for the rendered tests


@dataclass(frozen=True)
class Conversion:
    """How one domain's rows convert to fin-infra's model and back."""

    d: Domain
    model: str
    theirs: tuple[str, ...]  # every field of fin-infra's model (tests compare them)
    money: str = "Decimal"
    days: str = "date"
    set_by_database: tuple[str, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    refused: tuple[Refusal, ...] = ()
    dropped: dict[str, str] = field(default_factory=dict)
    supplied: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # fin-infra's name -> ours
    sample: dict[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.model.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.model.rpartition(".")[2]

    @property
    def alias(self) -> str:
        """``FinInfraBudget``: what the schemas module calls fin-infra's model."""
        return f"FinInfra{self.name}"

    @property
    def error(self) -> str:
        return f"{self.d.entity}NotConvertible"

    @property
    def param(self) -> str:
        return self.d.snake

    def _fin_name(self, ours: str) -> str:
        return next((fin for fin, name in self.renamed.items() if name == ours), ours)

    def _breakdown(self, name: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.field == name), None)

    @property
    def given(self) -> list[str]:
        """Our fields fin-infra's model has no place for: ``from_fin_infra()`` keywords.

        Those the catalogue lists under ``supplied`` (with the reason), and any other
        field whose name fin-infra's model lacks, such as a column a later release adds.
        """
        return [
            f.name
            for f in self.d.fields
            if f.name in self.supplied
            or (not self._breakdown(f.name) and self._fin_name(f.name) not in self.theirs)
        ]

    @property
    def fields(self) -> list[Field]:
        """Our fields that fin-infra's model holds (under their own name or another)."""
        return [f for f in self.d.fields if f.name not in self.given]

    @property
    def uses_floats(self) -> bool:
        return self.money == "float" and any(f.kind in ("money", "money_map") for f in self.fields)

    @property
    def uses_days(self) -> bool:
        return self.days == "datetime" and any(f.kind == "date" for f in self.fields)

    def sent(self) -> list[str]:
        """The fin-infra fields ``to_fin_infra()`` fills, breakdown fields included."""
        names = [self._fin_name(f.name) for f in self.fields if not self._breakdown(f.name)]
        names += [target for b in self.breakdowns for _, target in b.fields]
        return names + list(self.set_by_database)

    def _to(self, f: Field) -> tuple[str, list[str]]:
        """How ``to_fin_infra()`` converts ``f``: a function and its arguments, or none."""
        value = f"self.{f.name}"
        if self.uses_floats and f.kind == "money":
            return "_to_float", [value, f'"{f.name}"']
        if self.uses_floats and f.kind == "money_map":
            return "_to_floats", [value, f'"{f.name}"']
        if self.uses_days and f.kind == "date":
            return "_midnight", [value]
        if f.kind == "ref":
            return "str", [value]
        return "", [value]

    def _from(self, f: Field) -> tuple[str, list[str]]:
        """How ``from_fin_infra()`` converts ``f`` back: a function and its arguments."""
        value = f"{self.param}.{self._fin_name(f.name)}"
        breakdown = self._breakdown(f.name)
        if f.name in self.given:
            return "", [f.name]
        if breakdown:
            return "_gather", [self.param, breakdown.constant]
        if self.uses_floats and f.kind == "money":
            return "_to_decimal", [value]
        if self.uses_floats and f.kind == "money_map":
            return "_to_decimals", [value]
        if self.uses_days and f.kind == "date":
            return "_day", [value, f'"{f.name}"']
        return "", [value]

    @staticmethod
    def _entry(key: str, function: str, args: list[str], indent: int) -> str:
        if not function:
            return f'"{key}": {args[0]},'
        return call(f'"{key}": {function}', args, indent, tail=",")

    def to_entries(self, indent: int) -> list[str]:
        """The items of the dict ``to_fin_infra()`` validates, each ending in a comma."""
        entries = []
        for f in self.fields:
            breakdown = self._breakdown(f.name)
            if breakdown:
                args = [f"self.{f.name}", f'"{f.name}"', breakdown.constant]
                entries.append(call("**_spread", args, indent, tail=","))
            else:
                entries.append(self._entry(self._fin_name(f.name), *self._to(f), indent))
        for name in self.set_by_database:
            value = "str(self.id)" if name == "id" else f"self.{name}"
            entries.append(f'"{name}": {value},')
        return entries

    def from_entries(self, indent: int) -> list[str]:
        """The items of the dict ``from_fin_infra()`` validates, each ending in a comma."""
        return [self._entry(f.name, *self._from(f), indent) for f in self.d.fields]

    def from_params(self) -> list[str]:
        """``from_fin_infra``'s parameters: fin-infra's model, then what it lacks."""
        keyword = [
            f"{f.name}: {f.annotation}" + _default(f) for f in self.d.fields if f.name in self.given
        ]
        return ["cls", f"{self.param}: {self.alias}", *(["*", *keyword] if keyword else [])]

    def supplied_arguments(self, source: str) -> list[str]:
        """``user_id=new.user_id``: what a test passes ``from_fin_infra()`` beside the model."""
        return [f"{name}={source}.{name}" for name in self.given]

    def from_arguments(self) -> list[str]:
        """How ``to_fin_infra()`` calls ``from_fin_infra()`` to check nothing was lost."""
        return [self.param, *(f"{name}=self.{name}" for name in self.given)]

    def import_line(self, indent: int) -> str:
        """``from fin_infra... import Budget as FinInfraBudget``, split when too long."""
        line = f"from {self.module} import {self.name} as {self.alias}"
        if indent + len(line) <= LINE_LENGTH:
            return line
        return call(f"from {self.module} import ", [f"{self.name} as {self.alias}"], indent)

    @property
    def helpers(self) -> set[str]:
        """The conversion functions the schemas module needs."""
        sent = [f for f in self.fields if not self._breakdown(f.name)]
        used = {self._to(f)[0] for f in sent} | {self._from(f)[0] for f in self.d.fields}
        if self.breakdowns:
            used |= {"_spread", "_to_float"}
        if used & {"_to_floats", "_spread"}:
            used.add("_to_float")
        if used & {"_to_decimals", "_gather"}:
            used.add("_to_decimal")
        return used - {""}

    def unfloatable(self) -> tuple[str, str] | None:
        """A field, and a value for it that fin-infra's float cannot hold: for the tests.

        A map of amounts when there is one (no rule ties it to another field), else an
        amount outside any balance rule.
        """
        if not self.uses_floats:
            return None
        big = 'Decimal("999999999999999.9999")'
        for f in self.fields:
            if f.kind == "money_map":
                breakdown = self._breakdown(f.name)
                key = breakdown.fields[0][0] if breakdown else "food"
                return f.name, f'{{"{key}": {big}}}'
        balanced = {name for b in self.d.balances for name in b.values()}
        money = [f for f in self.fields if f.kind == "money" and f.name not in balanced]
        return (money[0].name, big) if money else None

    def timed_day(self) -> tuple[str, str] | None:
        """A day field the sample fills, and a datetime in it with a time of day."""
        if not self.uses_days:
            return None
        for f in self.fields:
            sample = self.d.sample.get(f.name, "None")
            if f.kind == "date" and sample.startswith("date("):
                return f.name, f"datetime({sample[5:-1]}, 12, tzinfo=UTC)"
        return None

    def test_imports(self, package: str) -> list[str]:
        """What the rendered conversion tests import."""
        e, entity = self.param, self.d.entity
        specs = [
            "__future__:annotations",
            "uuid",
            "datetime:UTC",
            "datetime:datetime",
            "typing:Any",
            "pytest",
            "sqlalchemy.ext.asyncio:AsyncSession",
            f"{self.module}:{self.name} as {self.alias}",
            f"{package}:{entity}",
            f"{package}:{entity}Create",
            f"{package}:{entity}Read",
            f".conftest:{e}_values",
        ]
        if self.unfloatable() or self.timed_day() or self.breakdowns or self.refused:
            specs.append(f"{package}:{self.error}")
        uses = " ".join([*self.sample.values(), str(self.unfloatable())])
        if "Decimal(" in uses or self.breakdowns:
            specs.append("decimal:Decimal")
        return specs

    def schemas_imports(self) -> list[str]:
        """What the schemas module imports for the conversions."""
        specs = ["typing:TYPE_CHECKING", "typing:Self", "pydantic:BaseModel"]
        for f in self.d.fields:
            if f.name in self.given:
                specs += f.type.python_imports
        if self.uses_floats:
            specs.append("decimal:Decimal")
        if self.uses_days:
            specs += ["datetime:UTC", "datetime:date", "datetime:datetime", "datetime:time"]
        if self.breakdowns:
            specs.append("collections.abc:Mapping")
        return specs


def _default(f: Field) -> str:
    """`` = None`` or the field's own default, for a keyword of ``from_fin_infra()``."""
    if f.nullable:
        return " = None"
    return f" = {f.python_default}" if f.has_default else ""


def _mapping(raw: Any, what: str, key: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"domain {key!r}: fin_infra.{what} must be a mapping")
    return raw


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
    result = Conversion(
        d=d,
        model=raw["model"],
        theirs=tuple(raw["fields"]),
        money=raw.get("money", "Decimal"),
        days=raw.get("days", "date"),
        set_by_database=tuple(raw.get("set_by_database", ())),
        breakdowns=breakdowns,
        refused=refused,
        dropped=dict(_mapping(raw.get("dropped"), "dropped", d.key)),
        supplied=dict(_mapping(raw.get("supplied"), "supplied", d.key)),
        renamed=dict(_mapping(raw.get("renamed"), "renamed", d.key)),
        sample={k: str(v) for k, v in _mapping(raw.get("sample"), "sample", d.key).items()},
    )
    _check(result, names)
    return result


def _check(c: Conversion, names: set[str]) -> None:
    """Refuse a block that names fields the domain does not have, or types it cannot map."""
    key = c.d.key
    if c.money not in ("float", "Decimal") or c.days not in ("datetime", "date"):
        raise ValueError(
            f"domain {key!r}: fin_infra money is float or Decimal, days datetime or date"
        )
    ours = [b.field for b in c.breakdowns] + list(c.supplied) + list(c.renamed.values())
    ours += list(c.sample)
    missing = sorted(set(ours) - names)
    if missing:
        raise ValueError(f"domain {key!r}: fin_infra names fields it does not have: {missing}")
    bad = [b.field for b in c.breakdowns if c.d.field(b.field).kind != "money_map"]
    if bad:
        raise ValueError(f"domain {key!r}: fin_infra breakdowns must be money maps: {bad}")
    extra = sorted(set(c.set_by_database) - set(DATABASE_FIELDS))
    if extra:
        raise ValueError(f"domain {key!r}: set_by_database holds only {DATABASE_FIELDS}: {extra}")
    if any(f.kind == "ref" and f.nullable for f in c.fields):
        raise ValueError(f"domain {key!r}: a nullable reference cannot convert yet; supply it")
    if c.money == "float" and any(f.kind == "money" and f.nullable for f in c.fields):
        raise ValueError(f"domain {key!r}: a nullable amount cannot convert to a float yet")
    listed = {r.name for r in c.refused} | set(c.dropped) | set(c.set_by_database)
    unaccounted = [name for name in c.theirs if name not in set(c.sent()) | listed]
    if unaccounted:
        raise ValueError(
            f"domain {key!r}: fin-infra's {unaccounted} are neither mapped nor listed"
            " (refused or dropped, with the reason)"
        )
    reasons = [*c.dropped.values(), *c.supplied.values(), *(r.reason for r in c.refused)]
    if not all(isinstance(reason, str) and reason.strip() for reason in reasons):
        raise ValueError(f"domain {key!r}: every field fin_infra does not map needs a reason")
