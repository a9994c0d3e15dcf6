"""How a stored row converts to fin-infra's own model and back, as rendered code.

A :class:`Conversion` holds one domain's ``fin_infra:`` catalogue block, read and
checked by :mod:`extensions.fin_infra_block` (whose docstring says what each key
means). Its methods lay out ``to_fin_infra()`` / ``from_fin_infra()`` and the tests the
templates render for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import Domain, Field
from .layout import LINE_LENGTH, argument, call, python_string
from .testcases import value_imports


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
class Nested:
    """A fin-infra field holding a model of its own, whose fields are our columns."""

    field: str
    model: str
    theirs: tuple[str, ...]  # every field of that model (tests compare them)


@dataclass(frozen=True)
class Pair:
    """A fin-infra ``(low, high)`` tuple, held in two nullable columns of ours."""

    field: str
    ends: tuple[str, str]  # our columns: the low end's, then the high end's


@dataclass(frozen=True)
class Case:
    """A row the rendered round-trip test stores, and what fin-infra's model then holds."""

    name: str
    ours: dict[str, str]  # overrides of the sample, as Python expressions
    theirs: dict[str, str]  # fin-infra field (dotted inside a nested model) -> its value


@dataclass(frozen=True)
class Conversion:
    """How one domain's rows convert to fin-infra's model and back."""

    d: Domain
    model: str
    theirs: tuple[str, ...]  # every field of fin-infra's model (tests compare them)
    money: str = "Decimal"
    decimals: str = "Decimal"
    days: str = "date"
    set_by_database: tuple[str, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    refused: tuple[Refusal, ...] = ()
    dropped: dict[str, str] = field(default_factory=dict)
    supplied: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # fin-infra's name -> ours
    sample: dict[str, str] = field(default_factory=dict)
    nested: tuple[Nested, ...] = ()
    pairs: tuple[Pair, ...] = ()
    cases: tuple[Case, ...] = ()

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

    def target(self, ours: str) -> str:
        """The fin-infra field our field ``ours`` fills; ``""`` when its model has none.

        Its own name or the one ``renamed`` gives, dotted inside a nested model
        (``security.cusip``), or the tuple of the pair it is an end of.
        """
        renamed = next((fin for fin, name in self.renamed.items() if name == ours), "")
        if renamed:
            return renamed
        pair = self._pair(ours)
        if pair:
            return pair.field
        if ours in self.theirs and not self._nested(ours):
            return ours
        return next((f"{n.field}.{ours}" for n in self.nested if ours in n.theirs), "")

    def _breakdown(self, name: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.field == name), None)

    def _pair(self, name: str) -> Pair | None:
        """The pair whose end our field ``name`` is."""
        return next((p for p in self.pairs if name in p.ends), None)

    def _nested(self, path: str) -> Nested | None:
        """The nested model fin-infra's field ``path`` is (``security``) or is inside."""
        return next((n for n in self.nested if path.partition(".")[0] == n.field), None)

    @property
    def paths(self) -> list[str]:
        """Every field of fin-infra's model, a nested model's fields as ``security.cusip``."""
        paths = []
        for name in self.theirs:
            nested = self._nested(name)
            paths += [f"{name}.{inner}" for inner in nested.theirs] if nested else [name]
        return paths

    @property
    def given(self) -> list[str]:
        """Our fields fin-infra's model has no place for: ``from_fin_infra()`` keywords.

        Those the catalogue lists under ``supplied`` (with the reason), and any other
        field whose name fin-infra's model lacks, such as a column a later release adds.
        """
        return [
            f.name
            for f in self.d.fields
            if f.name in self.supplied or (not self._breakdown(f.name) and not self.target(f.name))
        ]

    @property
    def fields(self) -> list[Field]:
        """Our fields that fin-infra's model holds (under their own name or another)."""
        return [f for f in self.d.fields if f.name not in self.given]

    def _floats(self, f: Field) -> bool:
        """Whether fin-infra holds our field ``f`` as a float (or a map of them)."""
        if f.kind in ("money", "money_map"):
            return self.money == "float"
        return f.kind == "decimal" and self.decimals == "float"

    @property
    def uses_floats(self) -> bool:
        return any(self._floats(f) for f in self.fields)

    @property
    def uses_days(self) -> bool:
        return self.days == "datetime" and any(f.kind == "date" for f in self.fields)

    def _second_end(self, f: Field) -> bool:
        """Whether ``f`` is the high end of a pair: the low end's entry sends both."""
        pair = self._pair(f.name)
        return pair is not None and f.name == pair.ends[1]

    def sent(self) -> list[str]:
        """The fin-infra fields ``to_fin_infra()`` fills, breakdown fields included."""
        names = [
            self.target(f.name)
            for f in self.fields
            if not self._breakdown(f.name) and not self._second_end(f)
        ]
        names += [target for b in self.breakdowns for _, target in b.fields]
        return names + list(self.set_by_database)

    def _to(self, f: Field) -> tuple[str, list[str]]:
        """How ``to_fin_infra()`` converts ``f``: a function and its arguments, or none."""
        value = f"self.{f.name}"
        pair = self._pair(f.name)
        if pair:
            return "_pair", [*(f"self.{end}" for end in pair.ends), f'"{pair.field}"']
        if self._floats(f) and f.kind == "money_map":
            return "_to_floats", [value, f'"{f.name}"']
        if self._floats(f):
            return "_to_optional_float" if f.nullable else "_to_float", [value, f'"{f.name}"']
        if self.uses_days and f.kind == "date":
            return "_midnight", [value]
        if f.kind == "ref":
            return "str", [value]
        return "", [value]

    def _from(self, f: Field) -> tuple[str, list[str]]:
        """How ``from_fin_infra()`` converts ``f`` back: a function and its arguments."""
        value = f"{self.param}.{self.target(f.name)}"
        breakdown = self._breakdown(f.name)
        pair = self._pair(f.name)
        if f.name in self.given:
            return "", [f.name]
        if breakdown:
            return "_gather", [self.param, breakdown.constant]
        if pair:
            return "_end", [f"{self.param}.{pair.field}", str(pair.ends.index(f.name))]
        if self._floats(f) and f.kind == "money_map":
            return "_to_decimals", [value]
        if self._floats(f):
            return "_to_optional_decimal" if f.nullable else "_to_decimal", [value]
        if self.uses_days and f.kind == "date":
            return "_day", [value, f'"{f.name}"']
        return "", [value]

    @staticmethod
    def _entry(key: str, function: str, args: list[str], indent: int) -> str:
        if not function:
            return f'"{key}": {args[0]},'
        return call(f'"{key}": {function}', args, indent, tail=",")

    def _members(self, nested: Nested) -> list[Field]:
        """Our fields that fill the nested model's."""
        return [f for f in self.fields if self._nested(self.target(f.name)) == nested]

    def _nested_entry(self, nested: Nested, indent: int) -> str:
        """The nested model as a dict, one item a line (ruff keeps them so)."""
        pad = " " * (indent + 4)
        items = [
            pad + self._entry(self.target(f.name).partition(".")[2], *self._to(f), indent + 4)
            for f in self._members(nested)
        ]
        return "\n".join([f'"{nested.field}": {{', *items, " " * indent + "},"])

    def to_entries(self, indent: int) -> list[str]:
        """The items of the dict ``to_fin_infra()`` validates, each ending in a comma."""
        entries = []
        for f in self.fields:
            breakdown = self._breakdown(f.name)
            nested = self._nested(self.target(f.name))
            if breakdown:
                args = [f"self.{f.name}", f'"{f.name}"', breakdown.constant]
                entries.append(call("**_spread", args, indent, tail=","))
            elif nested:
                if f == self._members(nested)[0]:
                    entries.append(self._nested_entry(nested, indent))
            elif not self._second_end(f):
                entries.append(self._entry(self.target(f.name), *self._to(f), indent))
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
        if used & {"_to_floats", "_spread", "_to_optional_float", "_pair"}:
            used.add("_to_float")
        if used & {"_to_decimals", "_gather", "_to_optional_decimal", "_end"}:
            used.add("_to_decimal")
        return used - {""}

    def unfloatable(self) -> tuple[str, str] | None:
        """A field, and a value for it that fin-infra's float cannot hold: for the tests.

        A map of amounts when there is one (no rule ties it to another field), else an
        amount outside any balance rule or pair.
        """
        if not self.uses_floats:
            return None
        big = 'Decimal("999999999999999.9999")'
        for f in self.fields:
            if f.kind == "money_map" and self._floats(f):
                breakdown = self._breakdown(f.name)
                key = breakdown.fields[0][0] if breakdown else "food"
                return f.name, f'{{"{key}": {big}}}'
        balanced = {name for b in self.d.balances for name in b.values()}
        unpaired = [f for f in self.fields if not self._pair(f.name)]
        money = [
            f for f in unpaired if f.kind == "money" and self._floats(f) and f.name not in balanced
        ]
        return (money[0].name, big) if money else None

    def case_params(self, indent: int) -> list[str]:
        """``pytest.param(ours, theirs, id=name),`` of each case, laid out for ruff."""
        params = []
        for case in self.cases:
            dicts = [_items(case.ours), _items(case.theirs)]
            name = f"id={python_string(case.name)}"
            flat = [*(call("", items, brackets="{}") for items in dicts), name]
            line = call("pytest.param", flat, indent, tail=",")
            if "\n" in line:
                # One argument a line, each dict split again where it is still too long.
                args = [*(argument("", items, indent + 4, "{}") for items in dicts), name]
                body = "".join(f"{' ' * (indent + 4)}{arg},\n" for arg in args)
                line = f"pytest.param(\n{body}{' ' * indent}),"
            params.append(line)
        return params

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
        """What the rendered conversion tests import before they skip without fin-infra.

        fin-infra's own model is imported after ``pytest.importorskip`` (see
        :meth:`skip_reason`), so the tests skip when the app has not installed it.
        """
        e, entity = self.param, self.d.entity
        specs = [
            "__future__:annotations",
            "uuid",
            "datetime:UTC",
            "datetime:datetime",
            "typing:Any",
            "pytest",
            "sqlalchemy.ext.asyncio:AsyncSession",
            f"{package}:{entity}",
            f"{package}:{entity}Create",
            f"{package}:{entity}Read",
            f".conftest:{e}_values",
        ]
        refusals = [self.unfloatable(), self.timed_day(), self.breakdowns, self.refused]
        if any(refusals) or self.pairs:
            specs.append(f"{package}:{self.error}")
        uses = " ".join([*self.sample.values(), str(self.unfloatable())])
        if "Decimal(" in uses or self.breakdowns or self.pairs:
            specs.append("decimal:Decimal")
        if self.cases:
            cases = [v for case in self.cases for v in (*case.ours.values(), *case.theirs.values())]
            specs += ["operator:attrgetter", *value_imports(" ".join(cases))]
        return specs

    @staticmethod
    def skip_reason(domain_key: str) -> str:
        """Why the rendered conversion tests skip, and the file that installs fin-infra.

        Short enough for one line of the rendered test at 88 columns for every domain.

        >>> print(Conversion.skip_reason("recurring_patterns"))
        no fin-infra, see .copier/requirements.recurring_patterns.fin-infra.txt
        """
        return f"no fin-infra, see .copier/requirements.{domain_key}.fin-infra.txt"

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


def _items(values: dict[str, str]) -> list[str]:
    """``{"amount": "None"}`` -> ``['"amount": None']``: the items of a dict literal."""
    return [f'"{k}": {v}' for k, v in values.items()]
