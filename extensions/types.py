"""Field types of the catalogue, mapped to SQLAlchemy, Alembic and Pydantic.

Each catalogue field names one of these types; a :class:`FieldType` says how that
type is spelled in the model, in a migration and in a schema, and what each needs
imported. Money is ``Decimal`` end to end; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldType:
    """How one catalogue type is written in each rendered file."""

    python: str
    column: str
    migration: str
    schema: str
    python_imports: tuple[str, ...] = ()
    model_imports: tuple[str, ...] = ()
    migration_imports: tuple[str, ...] = field(default=("sqlalchemy as sa",))
    schema_imports: tuple[str, ...] = ()


MONEY_PRECISION = 19
MONEY_SCALE = 4
# How a migration spells money; SQLite keeps the digits as text (see the model's Money).
MONEY_MIGRATION = f'sa.Numeric(precision={MONEY_PRECISION}, scale={MONEY_SCALE}).with_variant(sa.String(length=24), "sqlite")'
DATETIME_MIGRATION = (
    'sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")'
)


# SQLAlchemy's Integer: 32 bits on PostgreSQL, MySQL and MariaDB.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# MySQL's TEXT holds 64 KiB; LONGTEXT is as unbounded as PostgreSQL's TEXT.
TEXT_MIGRATION = 'sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")'


def numeric_constant(precision: int, scale: int) -> str:
    """The migration constant of one decimal size, e.g. ``NUMERIC_9_4``."""
    return f"NUMERIC_{precision}_{scale}"


def numeric_sizes(fields: Iterable[Any]) -> list[tuple[str, int, int]]:
    """Each decimal size ``fields`` use, once: its constant, precision and scale."""
    sizes = {(f.precision, f.scale) for f in fields if f.kind == "decimal"}
    return [(numeric_constant(p, s), p, s) for p, s in sorted(sizes)]


@dataclass(frozen=True)
class DecimalText:
    r"""How a decimal field travels in JSON: text its pattern describes, never a number.

    A float holds few decimals exactly, so a schema takes ``"0.25"`` and refuses
    ``0.25``. The pattern also says the field's bounds, where a pattern can: none, at
    least 0, or from 0 to a power of ten (the catalogue uses no other).

    >>> print(DecimalText(5, 4, 0, 1).pattern)
    ^(0(\.\d{1,4})?|1(\.0{1,4})?)$
    >>> DecimalText(9, 4, None, None).alias
    'Decimal_9_4'
    """

    precision: int
    scale: int
    minimum: int | None
    maximum: int | None

    def __post_init__(self) -> None:
        if self.minimum not in (None, 0):
            raise ValueError("a decimal's minimum is none or 0")
        if self.maximum is not None:
            powers = [10**k for k in range(self.precision - self.scale)]
            if self.minimum != 0 or self.maximum not in powers:
                raise ValueError("a decimal's maximum is a power of ten below its size, min 0")

    @property
    def alias(self) -> str:
        """The schema's type alias, e.g. ``Decimal_9_4_Unsigned``."""
        name = f"Decimal_{self.precision}_{self.scale}"
        if self.maximum is not None:
            return f"{name}_UpTo_{self.maximum}"
        return f"{name}_Unsigned" if self.minimum == 0 else name

    @property
    def constraints(self) -> list[str]:
        """The alias's own checks of a value, e.g. ``["ge=0", "max_digits=9", ...]``.

        The pattern holds JSON text to them; these hold a ``Decimal`` given in Python.
        """
        rules = [("ge", self.minimum), ("le", self.maximum)]
        bounds = [f"{rule}={bound}" for rule, bound in rules if bound is not None]
        return [*bounds, f"max_digits={self.precision}", f"decimal_places={self.scale}"]

    @property
    def constant(self) -> str:
        """The name of the pattern's constant, e.g. ``DECIMAL_9_4_UNSIGNED``."""
        return self.alias.upper()

    @property
    def pattern(self) -> str:
        fraction = rf"(\.\d{{1,{self.scale}}})?" if self.scale else ""
        if self.maximum is None:
            body = _whole_digits(self.precision - self.scale) + fraction
        else:
            below = _whole_digits(len(str(self.maximum)) - 1) + fraction
            zeros = rf"(\.0{{1,{self.scale}}})?" if self.scale else ""
            body = f"({below}|{self.maximum}{zeros})"
        return f"^{'' if self.minimum == 0 else '-?'}{body}$"


def _whole_digits(most: int) -> str:
    """A pattern of a whole part of at most ``most`` digits; ``0`` when there are none."""
    return rf"\d{{1,{most}}}" if most else "0"


def field_type(
    kind: str,
    *,
    length: int | None = None,
    enum: str | None = None,
    sign: str = "",
    precision: int | None = None,
    scale: int | None = None,
    nullable: bool = False,
) -> FieldType:
    """The :class:`FieldType` of one catalogue field.

    ``sign`` picks the money schema type: ``""`` (zero or more), ``"positive"`` or
    ``"signed"``. ``precision`` and ``scale`` size a ``decimal``; ``nullable`` tells a
    ``json`` column to store None as SQL NULL rather than JSON ``null``.

    >>> field_type("str", length=64).column
    'ExactString(64)'
    """
    if kind == "str":
        # Compared byte for byte on every database (see the model's ExactString).
        return FieldType("str", f"ExactString({length})", f"exact_string({length})", "Text")
    if kind == "currency":
        return FieldType("str", "String(3)", "sa.String(length=3)", "CurrencyCode")
    if kind == "bool":
        # Strict: JSON's true or false, not 0, 1 or "yes", as the OpenAPI schema says.
        return FieldType(
            "bool", "", "sa.Boolean()", "StrictBool", schema_imports=("pydantic:StrictBool",)
        )
    if kind == "date":
        return FieldType(
            "date",
            "",
            "sa.Date()",
            "Day",
            python_imports=("datetime:date",),
            schema_imports=("datetime:date", "pydantic:BeforeValidator"),
        )
    if kind == "datetime":
        return FieldType(
            "datetime",
            "UTCDateTime",
            DATETIME_MIGRATION,
            "Moment",
            python_imports=("datetime:datetime",),
            migration_imports=("sqlalchemy as sa", "sqlalchemy.dialects:mysql"),
            schema_imports=("pydantic:AwareDatetime", "pydantic:BeforeValidator"),
        )
    if kind == "money":
        schema = {"positive": "PositiveAmount", "signed": "SignedAmount"}.get(sign, "Amount")
        return FieldType(
            "Decimal",
            "Money",
            "MONEY",
            schema,
            python_imports=("decimal:Decimal",),
        )
    if kind == "money_map":
        return FieldType(
            "dict[str, Decimal]",
            "AmountMap",
            "sa.JSON()",
            "dict[str, Amount]",
            python_imports=("decimal:Decimal",),
        )
    if kind == "secret":
        # Encrypted by the model's column type; schemas take it in and never give it out.
        return FieldType(
            "str",
            "EncryptedToken",
            "sa.Text()",
            "SecretStr",
            schema_imports=("pydantic:SecretStr",),
        )
    if kind == "int":
        # A JSON integer (7 or 7.0, as JSON Schema counts), not true or "7".
        return FieldType(
            "int",
            "",
            "sa.Integer()",
            "WholeNumber",
            schema_imports=("pydantic:BeforeValidator", "pydantic:Strict"),
        )
    if kind == "decimal":
        if precision is None or scale is None:
            raise ValueError("a decimal needs a precision and a scale")
        # Exact on every database; SQLite keeps the digits as text (see the model's Fixed).
        return FieldType(
            "Decimal",
            f"Fixed({precision}, {scale})",
            numeric_constant(precision, scale),
            "Decimal",
            python_imports=("decimal:Decimal",),
            schema_imports=("decimal:Decimal",),
        )
    if kind == "text":
        return FieldType(
            "str",
            "LONG_TEXT",
            TEXT_MIGRATION,
            "Text",
            migration_imports=("sqlalchemy as sa", "sqlalchemy.dialects:mysql"),
        )
    if kind == "json":
        # A JSON object; None is SQL NULL (refused unless nullable), never JSON null.
        return FieldType(
            "dict[str, Any]",
            "JSON(none_as_null=True)",
            "sa.JSON()",
            "dict[str, JsonValue]",
            schema_imports=("pydantic:JsonValue",),
        )
    if kind == "uuid":
        return FieldType("uuid.UUID", "", "sa.Uuid()", "uuid.UUID")
    if kind == "ref":
        # The id of a row of another domain (or of this one): a foreign key when its
        # table is rendered in the app, a plain indexed id until then.
        return FieldType("uuid.UUID", "", "sa.Uuid()", "uuid.UUID")
    if kind == "enum":
        assert enum is not None
        return FieldType(enum, f"_stored_by_value({enum})", "sa.String(length=32)", enum)
    raise ValueError(f"unknown field type {kind!r}")
