"""The domain catalogue: one YAML file per domain, turned into what templates render.

A domain is data: its entity, table, fields, unique keys and finder queries. The
options a user picks (tenancy, soft delete) are folded in here, so templates only
lay out the result. Indexes are derived from the queries the repository makes, so
every list query has one behind it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from . import shipped_yaml
from .custom import catalogue_entry
from .layout import LINE_LENGTH, call
from .naming import db_identifier, humanize, plural, snake, with_article
from .spec import is_handle
from .types import INT_MAX, INT_MIN, DecimalText, FieldType, field_type

DOMAINS_DIR = Path(__file__).with_name("domains")
FINDER_KINDS = ("equals", "within", "before", "latest", "between", "missing")
ON_DELETE = ("cascade", "restrict")
# Kinds a unique key may not name: no database compares them as plain values.
UNKEYED_KINDS = ("json", "text", "money_map", "secret")
# The most digits Python's default decimal context computes exactly.
MAX_PRECISION = 28


@dataclass(frozen=True)
class Field:
    """One column of a domain entity."""

    name: str
    kind: str
    doc: str
    type: FieldType
    nullable: bool = False
    default: Any = None
    length: int | None = None
    enum: str | None = None
    values: tuple[str, ...] = ()
    since: str | None = None  # the migration step that added it; None: the table's creation
    nullable_since: str | None = None  # the step that made it nullable; None: as created
    ref: str | None = None  # the domain a reference field points at
    on_delete: str = "restrict"  # what deleting the referenced row does to this one
    min: int | None = None  # an int's or a decimal's bounds, both included, checked by the
    max: int | None = None  # database too
    precision: int | None = None  # a decimal's digits, and how many follow the point
    scale: int | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def python_default(self) -> str:
        """The default as Python source, e.g. ``GoalStatus.ACTIVE`` or ``Decimal("0")``."""
        if self.kind == "enum":
            return f"{self.enum}.{str(self.default).upper()}"
        if self.kind in ("money", "decimal"):
            text = str(self.default)
            return f"Decimal({text})" if text.isdigit() else f'Decimal("{text}")'
        if self.kind == "json":
            return "dict"  # a fresh empty object for each row, never one shared
        if isinstance(self.default, str):
            return json.dumps(self.default)
        return repr(self.default)

    @property
    def annotation(self) -> str:
        return f"{self.type.python} | None" if self.nullable else self.type.python

    def schema_line(self, *, partial: bool = False) -> str:
        """``name: annotation = default`` for a Pydantic schema; ``partial`` for updates.

        Laid out for a class body (4 spaces in), split when longer than a line.

        >>> load_domain("budgets").field("name").schema_line()
        'name: Text = Field(min_length=1, max_length=200)'
        """
        annotation = self.type.schema
        if self.kind == "money_map":
            annotation = "AmountsByCategory"
        elif self.kind == "decimal":
            annotation = self.decimal_text.alias
        constraints = []
        if self.kind == "str":
            constraints = ([] if self.nullable else ["min_length=1"]) + [
                f"max_length={self.length}"
            ]
        elif self.kind == "text" and not self.nullable:
            constraints = ["min_length=1"]
        elif self.kind == "int":
            annotation = self.whole_number
        optional = partial or self.nullable
        if optional:
            annotation += " | None"
            default = "None"
        elif self.kind == "money_map" or (self.kind == "json" and self.has_default):
            default = "dict"
        elif self.has_default:
            default = self.python_default
        else:
            default = ""
        head = f"{self.name}: {annotation}"
        if constraints:
            if default == "dict":
                args = ["default_factory=dict", *constraints]
            else:
                args = ([f"default={default}"] if default else []) + constraints
            return call(f"{head} = Field", args, indent=4)
        if default == "dict":
            return call(f"{head} = Field", ["default_factory=dict"], indent=4)
        if default and 4 + len(f"{head} = {default}") > LINE_LENGTH:
            # Split the way ruff format keeps at any line length (a magic trailing comma).
            return call(f"{head} = Field", [f"default={default}"], indent=4)
        return head + (f" = {default}" if default else "")

    @property
    def whole_number(self) -> str:
        """An int's schema type, named by its bounds: ``WholeNumber``, ``WholeNumberFrom0``.

        The bounds live in the type, not in the field: Pydantic cannot put a field's
        bounds into the JSON schema of a type that converts its input first.
        """
        low, high = (
            None if n is None else str(n).replace("-", "Minus") for n in (self.min, self.max)
        )
        if low is not None and high is not None:
            return f"WholeNumber{low}To{high}"
        if low is not None:
            return f"WholeNumberFrom{low}"
        return "WholeNumber" if high is None else f"WholeNumberUpTo{high}"

    @property
    def decimal_text(self) -> DecimalText:
        """How a decimal field is written in JSON (see :class:`DecimalText`)."""
        assert self.precision is not None and self.scale is not None
        return DecimalText(self.precision, self.scale, self.min, self.max)

    @property
    def bounds(self) -> tuple[str, str]:
        """An int's schema bounds as source: its own, else what INTEGER holds."""
        low = "INT_MIN" if self.min is None else str(self.min)
        high = "INT_MAX" if self.max is None else str(self.max)
        return low, high

    @property
    def int_range(self) -> tuple[int, int]:
        """The values an int field holds, both included."""
        low = INT_MIN if self.min is None else self.min
        high = INT_MAX if self.max is None else self.max
        return low, high

    @property
    def check_sql(self) -> str:
        """The SQL of the CHECK behind an int's or a decimal's own bounds; ``""`` if none."""
        rules = []
        if self.min is not None:
            rules.append(f"{self.name} >= {self.min}")
        if self.max is not None:
            rules.append(f"{self.name} <= {self.max}")
        return " AND ".join(rules)

    @property
    def write_only(self) -> bool:
        """A secret: callers send it, and no schema they read holds it."""
        return self.kind == "secret"

    @property
    def enum_members(self) -> list[tuple[str, str]]:
        return [(value.upper(), value) for value in self.values]


@dataclass(frozen=True)
class Finder:
    """A domain query the repository offers beside CRUD."""

    name: str
    kind: str
    doc: str
    field: str = ""
    value: str | None = None
    start: str = ""
    end: str = ""
    by: str = ""  # a reference field the finder also matches, e.g. account_id
    since: str | None = None


@dataclass(frozen=True)
class Link:
    """A reference field backed by a real foreign key: its target is rendered in the app."""

    field: str
    table: str  # the referenced table
    tenant_field: str  # the referenced table's tenant column; "" when it has none
    step: str | None = None  # the migration step that adds the key; None: the creation
    after_step: str = ""  # the domain's newest step when the key was added
    after_revision: str = ""  # the app's head then: the step's parent


@dataclass(frozen=True)
class ForeignKey:
    name: str
    field: str  # the reference field
    columns: tuple[str, ...]  # the tenant column first, when the key is tenant-safe
    table: str
    target_columns: tuple[str, ...]
    on_delete: str
    nullable: bool

    @property
    def tenant_safe(self) -> bool:
        """Whether the key pairs the tenant with the id, on both sides."""
        return len(self.columns) > 1

    @property
    def targets(self) -> tuple[str, ...]:
        """``accounts.id``-style column references."""
        return tuple(f"{self.table}.{column}" for column in self.target_columns)


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    name: str
    sql: str


@dataclass
class Domain:
    """A catalogue entry with the user's options applied."""

    key: str  # names its answers file, tests folder and migration ids
    entity: str
    table: str
    summary: str
    sort_key: str
    fields: list[Field]
    unique: list[tuple[str, ...]]
    finders: list[Finder]
    date_ranges: list[dict[str, str]] = field(default_factory=list)
    balances: list[dict[str, str]] = field(default_factory=list)
    immutable: bool = False
    sample: dict[str, str] = field(default_factory=dict)
    vary: dict[str, str] = field(default_factory=dict)
    change: dict[str, str] = field(default_factory=dict)
    tenant_field: str | None = None
    soft_delete: bool = False
    steps: tuple[str, ...] = ()  # migration steps released after the table's creation
    rls: bool = False  # PostgreSQL row-level security on the tenant column
    links: tuple[Link, ...] = ()  # references with a foreign key (the rest are plain ids)
    sync_key: tuple[str, ...] = ()  # the provider's key ``sync_many`` matches rows on
    tree_parent: str | None = None  # a reference to the same table that forms a tree
    tree_levels: int = 0  # how deep that tree may grow, its top level counted
    keyset_indexes: bool = False  # list and finder indexes end with id, the tie-breaker
    source: str = ""  # what load_domain was given: the key, or a custom entity's handle
    append_only: bool = False  # rows are written once: no update, delete, restore or purge
    # The step that added the ``(tenant, id)`` key references point at; None: the creation.
    # A domain released before anything referred to it gets the key by a later step.
    reference_key_since: str | None = None
    reference_key: bool = True  # whether its migrations have made that key (as_of says)

    @property
    def rls_policy(self) -> str:
        return db_identifier(self.table, "tenant_isolation")

    @property
    def append_only_function(self) -> str:
        """The PostgreSQL function an append-only table's triggers call."""
        return db_identifier(self.table, "append_only")

    def append_only_trigger(self, statement: str) -> str:
        """The trigger that refuses ``statement`` (update, delete, truncate) on the table."""
        return db_identifier("trg", self.table, "no", statement)

    def as_of(self, applied: set[str], *, soft_delete: bool) -> Domain:
        """The domain as its migrations left it once ``applied`` steps had run."""
        fields = [f for f in self.fields if f.since is None or f.since in applied]
        return replace(
            self,
            fields=[
                replace(f, nullable=False) if f.nullable_since not in (None, *applied) else f
                for f in fields
            ],
            finders=[f for f in self.finders if f.since is None or f.since in applied],
            soft_delete=soft_delete,
            links=tuple(link for link in self.links if link.step is None or link.step in applied),
            reference_key=self.reference_key_since in (None, *applied),
        )

    @property
    def snake(self) -> str:
        """``net_worth_snapshot``: module and variable names."""
        return snake(self.entity)

    @property
    def plural(self) -> str:
        return plural(self.snake)

    @property
    def human(self) -> str:
        """``net-worth snapshot``: how docstrings name one row."""
        return humanize(self.snake)

    @property
    def a_human(self) -> str:
        """``a net-worth snapshot``, ``an invoice``: one row, with its article."""
        return with_article(self.human)

    @property
    def human_plural(self) -> str:
        return humanize(self.plural)

    @property
    def owner_columns(self) -> tuple[str, ...]:
        """The columns every list query filters on first: tenant, then user."""
        return ((self.tenant_field,) if self.tenant_field else ()) + ("user_id",)

    @property
    def readable_fields(self) -> list[Field]:
        """Fields a caller reads back: all but the secrets."""
        return [f for f in self.fields if not f.write_only]

    @property
    def secrets(self) -> list[Field]:
        return [f for f in self.fields if f.write_only]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def sort_field_kind(self) -> str:
        return "datetime" if self.sort_key == "created_at" else self.field(self.sort_key).kind

    @property
    def enums(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "enum"]

    @property
    def enum_filters(self) -> list[Field]:
        """Enum fields ``list()`` and ``count()`` can filter on."""
        return self.enums

    def has_kind(self, kind: str) -> bool:
        return any(f.kind == kind for f in self.fields)

    @property
    def decimal_texts(self) -> list[DecimalText]:
        """Each JSON shape of the domain's decimal fields, once, in a stable order."""
        shapes = {f.decimal_text for f in self.fields if f.kind == "decimal"}
        return sorted(shapes, key=lambda shape: shape.alias)

    @property
    def whole_numbers(self) -> list[tuple[str, str, str]]:
        """Each int schema type the domain uses, once: its name and its two bounds."""
        shapes = {(f.whole_number, *f.bounds) for f in self.fields if f.kind == "int"}
        return sorted(shapes)

    @property
    def int_limits(self) -> list[str]:
        """``INT_MIN`` and ``INT_MAX``, those an int schema field uses for a bound."""
        used = {bound for f in self.fields if f.kind == "int" for bound in f.bounds}
        return [name for name in ("INT_MIN", "INT_MAX") if name in used]

    @property
    def references(self) -> list[Field]:
        """Fields that hold the id of a row of another domain (or of this one)."""
        return [f for f in self.fields if f.kind == "ref"]

    @property
    def takes_ids(self) -> bool:
        """Whether a method takes the id of a row besides its own: a reference, a uuid finder."""
        uuid_finders = [f for f in self.finders if f.field and self.field(f.field).kind == "uuid"]
        return bool(self.references or uuid_finders)

    @property
    def is_reference_target(self) -> bool:
        """Whether a catalogue domain references this one (it then offers ``(tenant, id)``)."""
        return self.key in reference_targets()

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        """The references backed by a key; with tenancy on both sides, tenant and id together.

        A composite key on ``(tenant, id)`` means the database itself refuses a row that
        points at another tenant's row, whatever the code writing it does.
        """
        keys = []
        for link in self.links:
            ref = self.field(link.field)
            columns: tuple[str, ...]
            targets: tuple[str, ...]
            if self.tenant_field and link.tenant_field:
                columns = (self.tenant_field, ref.name)
                targets = (link.tenant_field, "id")
            else:
                columns, targets = (ref.name,), ("id",)
            name = db_identifier("fk", self.table, ref.name)
            keys.append(
                ForeignKey(
                    name,
                    ref.name,
                    columns,
                    link.table,
                    targets,
                    ref.on_delete.upper(),
                    ref.nullable,
                )
            )
        return keys

    @property
    def sync_columns(self) -> tuple[str, ...]:
        """The unique key ``sync_many`` matches on, with the tenant first."""
        return self.owner_columns[:-1] + self.sync_key

    @property
    def synced_fields(self) -> list[Field]:
        """What a sync may change: every field but the key and the owner."""
        # A secret's ciphertext differs each time it is written, so a sync would see
        # every row as changed: secrets are set through create and update only.
        return [
            f for f in self.readable_fields if f.name not in self.sync_key and f.name != "user_id"
        ]

    @property
    def starts_days(self) -> bool:
        """Whether a finder compares a datetime column with a day's start (UTC)."""
        return any(
            finder.kind == "before" and self.field(finder.field).kind == "datetime"
            for finder in self.finders
        )

    @property
    def takes_days(self) -> bool:
        """Whether a finder takes a calendar day (a ``date``) as an argument."""
        return any(
            f.kind in ("within", "before") or (f.kind == "between" and not self._of_moments(f))
            for f in self.finders
        )

    @property
    def takes_moments(self) -> bool:
        """Whether a finder takes aware datetimes: a ``between`` on a datetime column."""
        return any(f.kind == "between" and self._of_moments(f) for f in self.finders)

    def _of_moments(self, finder: Finder) -> bool:
        return self.field(finder.field).kind == "datetime"

    def finder_kinds(self) -> set[str]:
        return {finder.kind for finder in self.finders}

    @property
    def unique_constraints(self) -> list[Index]:
        tenant = self.owner_columns[:-1]
        keys = [
            Index(db_identifier("uq", self.table, *tenant, *columns), tenant + columns)
            for columns in self.unique
        ]
        if tenant and self.is_reference_target and self.reference_key:
            # What tenant-safe foreign keys of other tables point at.
            keys.append(Index(db_identifier("uq", self.table, *tenant, "id"), (*tenant, "id")))
        return keys

    @property
    def indexes(self) -> list[Index]:
        """One index per query shape, dropping any that another index already leads with."""
        tenant = self.owner_columns[:-1]
        shapes = [self.owner_columns + (self.sort_key,)]
        for finder in self.finders:
            field = self.field(finder.field) if finder.field else None
            if finder.kind == "equals" and field is not None and field.kind == "ref":
                # Leads with the reference, so it also serves the foreign key's checks.
                shapes.append((*tenant, finder.field, "user_id", self.sort_key))
            elif finder.kind == "equals" and finder.by:
                shapes.append(self.owner_columns + (finder.by, finder.field, self.sort_key))
            elif finder.by:
                shapes.append((*tenant, finder.by, "user_id", finder.field))
            elif finder.kind in ("equals", "missing"):
                shapes.append(self.owner_columns + (finder.field, self.sort_key))
            elif finder.kind == "within":
                shapes.append(self.owner_columns + (finder.start,))
            else:
                shapes.append(self.owner_columns + (finder.field,))
        if self.keyset_indexes:
            # A page far down a big table then seeks to its cursor instead of reading
            # every row that shares the cursor's sort value.
            shapes = [(*shape, "id") for shape in shapes]
        # A foreign key needs an index that leads with its columns (MySQL makes one if not).
        shapes += [(*tenant, f.name) for f in self.references]
        covering = [c.columns for c in self.unique_constraints]
        kept: list[tuple[str, ...]] = []
        for shape in sorted(set(shapes), key=len, reverse=True):
            if not any(other[: len(shape)] == shape for other in kept + covering):
                kept.append(shape)
        kept.sort(key=shapes.index)
        return [Index(db_identifier("ix", self.table, *columns), columns) for columns in kept]

    @property
    def checks(self) -> list[Check]:
        """Database CHECK constraints that back the schema's own rules."""
        checks = [
            Check(
                db_identifier("ck", self.table, f"{r['end']}_not_before_{r['start']}"),
                f"{r['end']} >= {r['start']}",
            )
            for r in self.date_ranges
        ]
        for f in self.fields:
            if f.kind == "money" and f.type.schema != "SignedAmount":
                op = ">" if f.type.schema == "PositiveAmount" else ">="
                checks.append(
                    Check(
                        db_identifier(
                            "ck",
                            self.table,
                            f"{f.name}_{'positive' if op == '>' else 'not_negative'}",
                        ),
                        f"{f.name} {op} 0",
                    )
                )
            elif f.check_sql:
                only_min = f.max is None and f.min == 0
                rule = "not_negative" if only_min else "in_range"
                checks.append(
                    Check(db_identifier("ck", self.table, f"{f.name}_{rule}"), f.check_sql)
                )
        return checks


@cache
def domain_keys() -> tuple[str, ...]:
    """Every domain the catalogue knows, in a stable order."""
    return tuple(sorted(path.stem for path in DOMAINS_DIR.glob("*.yml")))


@cache
def reference_targets() -> tuple[str, ...]:
    """Domains the catalogue's references point at: their tables offer ``(tenant, id)``."""
    refs = {f["ref"] for key in domain_keys() for f in _raw(key)["fields"] if f.get("ref")}
    return tuple(sorted(refs))


@cache
def _raw(key: str) -> dict[str, Any]:
    if is_handle(key):  # a custom entity: its spec is the catalogue entry
        return catalogue_entry(key, domain_keys(), reference_targets())
    path = DOMAINS_DIR / f"{key}.yml"
    if not path.is_file():
        raise KeyError(f"unknown domain {key!r}; known: {', '.join(domain_keys())}")
    data: dict[str, Any] = shipped_yaml.load(path.read_text(encoding="utf-8"))
    return data


def _field(raw: dict[str, Any]) -> Field:
    sign = "positive" if raw.get("positive") else "signed" if raw.get("signed") else ""
    kind = raw["type"]
    nullable = bool(raw.get("nullable", False))
    return Field(
        name=raw["name"],
        kind=kind,
        doc=raw.get("doc", ""),
        type=field_type(
            kind,
            length=raw.get("length"),
            enum=raw.get("enum"),
            sign=sign,
            precision=raw.get("precision"),
            scale=raw.get("scale"),
            nullable=nullable,
        ),
        nullable=nullable,
        default=raw.get("default"),
        length=raw.get("length"),
        enum=raw.get("enum"),
        values=tuple(raw.get("values", ())),
        since=raw.get("since"),
        nullable_since=raw.get("nullable_since"),
        ref=raw.get("ref"),
        on_delete=raw.get("on_delete", "restrict"),
        min=raw.get("min"),
        max=raw.get("max"),
        precision=raw.get("precision"),
        scale=raw.get("scale"),
    )


def check_field(key: str, f: Field) -> None:
    """Refuse a field the rendered code could not store as the catalogue describes it."""
    where = f"domain {key!r}: field {f.name}"
    if (f.min is not None or f.max is not None) and f.kind not in ("int", "decimal"):
        raise ValueError(f"{where}: only an int or a decimal has min and max")
    for bound in (f.min, f.max):
        if bound is not None and not (
            isinstance(bound, int) and not isinstance(bound, bool) and INT_MIN <= bound <= INT_MAX
        ):
            raise ValueError(f"{where}: min and max are whole numbers INTEGER holds")
    if f.min is not None and f.max is not None and f.min > f.max:
        raise ValueError(f"{where}: min is above max")
    if f.kind == "decimal":
        p, s = f.precision, f.scale
        if not (isinstance(p, int) and isinstance(s, int) and 0 <= s <= p <= MAX_PRECISION):
            raise ValueError(f"{where}: a decimal needs 0 <= scale <= precision <= 28")
        if any(b is not None and abs(b) >= 10 ** (p - s) for b in (f.min, f.max)):
            raise ValueError(f"{where}: min and max must fit the decimal's precision")
    elif f.precision is not None or f.scale is not None:
        raise ValueError(f"{where}: only a decimal has precision and scale")
    if f.kind == "json" and f.default not in (None, {}):
        raise ValueError(f"{where}: a json field's only default is {{}}")


def load_domain(
    key: str,
    *,
    table: str | None = None,
    tenant_field: str | None = None,
    soft_delete: bool = False,
    rls: bool = False,
    links: tuple[Link, ...] = (),
) -> Domain:
    """The domain ``key`` (or a custom entity's handle) with the user's options applied."""
    raw = _raw(key)
    source, key = key, raw.get("key", key)
    finders = [Finder(**finder) for finder in raw.get("finders", ())]
    unknown = [f.kind for f in finders if f.kind not in FINDER_KINDS]
    if unknown:
        raise ValueError(f"domain {key!r}: unknown finder kinds {unknown}")
    fields = [_field(f) for f in raw["fields"]]
    for f in fields:
        check_field(key, f)
    kinds = {f.name: f.kind for f in fields}
    for columns in raw.get("unique", ()):
        unkeyed = [name for name in columns if kinds.get(name) in UNKEYED_KINDS]
        if unkeyed:
            raise ValueError(f"domain {key!r}: a unique key cannot hold {', '.join(unkeyed)}")
    sync_key = tuple(raw.get("sync_key", ()))
    if sync_key and [*sync_key] not in [list(u) for u in raw.get("unique", ())]:
        raise ValueError(f"domain {key!r}: sync_key must be one of its unique keys")
    for f in fields:
        if f.kind == "ref" and (f.ref not in domain_keys() or f.on_delete not in ON_DELETE):
            raise ValueError(f"domain {key!r}: reference {f.name} needs ref and on_delete")
    tree = raw.get("tree", {})
    if tree:
        check_tree(key, tree, fields, sync_key)
    check_finders(key, finders, fields)
    append_only = bool(raw.get("append_only", False))
    if append_only:
        check_append_only(key, raw, fields, soft_delete)
    return Domain(
        key=key,
        source=source,
        entity=raw["entity"],
        table=table or raw["table"],
        summary=raw["summary"],
        sort_key=raw["sort_key"],
        fields=fields,
        unique=[tuple(columns) for columns in raw.get("unique", ())],
        finders=finders,
        date_ranges=list(raw.get("date_ranges", ())),
        balances=list(raw.get("balances", ())),
        immutable=bool(raw.get("immutable", False)) or append_only,
        sample={name: str(value) for name, value in raw["sample"].items()},
        vary={name: str(value) for name, value in raw["vary"].items()},
        change={name: str(value) for name, value in raw.get("change", {}).items()},
        tenant_field=tenant_field or None,
        soft_delete=soft_delete,
        rls=rls,
        links=links,
        sync_key=sync_key,
        tree_parent=tree.get("parent"),
        tree_levels=int(tree.get("levels", 0)),
        keyset_indexes=bool(raw.get("keyset_indexes", False)),
        steps=_steps(key, raw, tenanted=bool(tenant_field)),
        append_only=append_only,
        reference_key_since=raw.get("reference_key_since"),
    )


def catalogue_steps(key: str) -> tuple[str, ...]:
    """Every step the catalogue releases for ``key``, those of tenanted tables included."""
    return tuple(step["step"] for step in _raw(key).get("migrations", ()))


def _steps(key: str, raw: dict[str, Any], *, tenanted: bool) -> tuple[str, ...]:
    """The catalogue's steps for this table: a ``tenant_only`` step needs a tenant column.

    Such a step changes only what tenancy brings (the ``(tenant, id)`` key), so a table
    without a tenant would get an empty migration from it: it gets none.
    """
    steps = [s for s in raw.get("migrations", ()) if tenanted or not s.get("tenant_only")]
    since = raw.get("reference_key_since")
    if since is not None:
        marked = [s for s in raw.get("migrations", ()) if s["step"] == since]
        if not marked or not marked[0].get("tenant_only"):
            raise ValueError(
                f"domain {key!r}: reference_key_since names a tenant_only step of its migrations"
            )
    return tuple(step["step"] for step in steps)


def check_tree(
    key: str, tree: dict[str, Any], fields: list[Field], sync_key: tuple[str, ...]
) -> None:
    """A tree hangs on a nullable reference to its own domain, at least two levels deep."""
    parent = next((f for f in fields if f.name == tree.get("parent")), None)
    if parent is None or parent.kind != "ref" or parent.ref != key or not parent.nullable:
        raise ValueError(f"domain {key!r}: tree.parent must be a nullable reference to {key}")
    if not isinstance(tree.get("levels"), int) or tree["levels"] < 2:
        raise ValueError(f"domain {key!r}: tree.levels must be a whole number of at least 2")
    if sync_key:
        raise ValueError(f"domain {key!r}: sync_many would write past the tree's checks")


def check_finders(key: str, finders: list[Finder], fields: list[Field]) -> None:
    """A finder's ``by`` names a field: a reference for ``between``, text for ``equals``."""
    kinds = {f.name: f.kind for f in fields}
    for finder in finders:
        if not finder.by:
            continue
        wanted = {"between": "ref", "equals": "str"}.get(finder.kind)
        if wanted is None or kinds.get(finder.by) != wanted or finder.value is not None:
            raise ValueError(
                f"domain {key!r}: finder {finder.name}: by names a reference field of a "
                "between finder, or a str field of an equals finder on a str field"
            )
        if finder.kind == "equals" and kinds.get(finder.field) != "str":
            raise ValueError(f"domain {key!r}: finder {finder.name}: by needs a str field")
        if finder.kind == "between" and kinds.get(finder.field) == "datetime":
            raise ValueError(f"domain {key!r}: finder {finder.name}: by needs a range of days")


def check_append_only(
    key: str, raw: dict[str, Any], fields: list[Field], soft_delete: bool
) -> None:
    """An append-only domain has nothing that changes or removes a row once written."""
    where = f"domain {key!r} is append-only"
    if raw.get("change"):
        raise ValueError(f"{where}: a change block tests an update it does not have")
    if raw.get("sync_key"):
        raise ValueError(f"{where}: sync_many would update rows")
    if raw.get("tree"):
        raise ValueError(f"{where}: a tree moves its rows by update")
    cascading = [f.name for f in fields if f.kind == "ref" and f.on_delete == "cascade"]
    if cascading:
        raise ValueError(
            f"{where}: deleting what {', '.join(cascading)} refers to would delete its rows"
        )
    if soft_delete:
        raise ValueError(f"{where}: soft delete would hide rows, and rows are never deleted")
