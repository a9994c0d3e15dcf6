"""Field types of the catalogue, mapped to SQLAlchemy, Alembic and Pydantic.

Each catalogue field names one of these types; a :class:`FieldType` says how that
type is spelled in the model, in a migration and in a schema, and what each needs
imported. Money is ``Decimal`` end to end; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


def field_type(
    kind: str, *, length: int | None = None, enum: str | None = None, sign: str = ""
) -> FieldType:
    """The :class:`FieldType` of one catalogue field.

    ``sign`` picks the money schema type: ``""`` (zero or more), ``"positive"`` or
    ``"signed"``.

    >>> field_type("str", length=64).column
    'ExactString(64)'
    """
    if kind == "str":
        # Compared byte for byte on every database (see the model's ExactString).
        return FieldType("str", f"ExactString({length})", f"exact_string({length})", "Text")
    if kind == "currency":
        return FieldType("str", "String(3)", "sa.String(length=3)", "CurrencyCode")
    if kind == "bool":
        return FieldType("bool", "", "sa.Boolean()", "bool")
    if kind == "date":
        return FieldType(
            "date",
            "",
            "sa.Date()",
            "date",
            python_imports=("datetime:date",),
            schema_imports=("datetime:date",),
        )
    if kind == "datetime":
        return FieldType(
            "datetime",
            "UTCDateTime",
            DATETIME_MIGRATION,
            "AwareDatetime",
            python_imports=("datetime:datetime",),
            migration_imports=("sqlalchemy as sa", "sqlalchemy.dialects:mysql"),
            schema_imports=("pydantic:AwareDatetime",),
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
    if kind == "ref":
        # The id of a row of another domain (or of this one): a foreign key when its
        # table is rendered in the app, a plain indexed id until then.
        return FieldType("uuid.UUID", "", "sa.Uuid()", "uuid.UUID")
    if kind == "enum":
        assert enum is not None
        return FieldType(enum, f"_stored_by_value({enum})", "sa.String(length=32)", enum)
    raise ValueError(f"unknown field type {kind!r}")
