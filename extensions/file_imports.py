"""What each rendered file imports, as specs for :func:`imports.import_block`.

A spec is ``"module"`` (``import module``) or ``"module:name"`` (``from module import
name``). Computing them here keeps the templates looking like the files they render.
"""

from __future__ import annotations

from .api import iso_types
from .catalogue import Domain


def model_imports(d: Domain, base_module: str, base_name: str) -> list[str]:
    """The model module: typed columns, its enums and the column types it defines.

    >>> from .catalogue import load_domain
    >>> "sqlalchemy:Numeric" in model_imports(load_domain("goals"), "app.db", "Base")
    True
    """
    specs = [
        "__future__:annotations",
        "uuid",
        "datetime:UTC",
        "datetime:datetime",
        "typing:Any",
        "types:MappingProxyType",
        "sqlalchemy:DateTime",
        "sqlalchemy:String",
        "sqlalchemy:TypeDecorator",
        "sqlalchemy.dialects:mysql",
        "sqlalchemy.engine:Dialect",
        "sqlalchemy.orm:Mapped",
        "sqlalchemy.orm:mapped_column",
        "sqlalchemy.types:TypeEngine",
        "typing_extensions:override",
        f"{base_module}:{base_name}",
    ]
    for f in d.fields:
        specs += [*f.type.python_imports, *f.type.model_imports]
    if d.enums:
        specs += ["enum:StrEnum", "sqlalchemy:Enum"]
    if d.has_kind("money"):
        specs += ["decimal:Decimal", "sqlalchemy:Numeric"]
    if d.has_kind("money_map") or d.has_kind("json"):
        specs.append("sqlalchemy:JSON")
    if d.has_kind("money_map"):
        specs.append("decimal:Decimal")
    if d.has_kind("decimal"):
        specs += ["decimal:Decimal", "sqlalchemy:Numeric"]
    if d.has_kind("text"):
        specs.append("sqlalchemy:Text")
    if d.has_kind("secret"):
        specs += [
            "os",
            "functools:cache",
            "cryptography.fernet:Fernet",
            "cryptography.fernet:InvalidToken",
            "cryptography.fernet:MultiFernet",
            "sqlalchemy:Text",
        ]
    if d.unique_constraints:
        specs.append("sqlalchemy:UniqueConstraint")
    if d.checks:
        specs += ["sqlalchemy:CheckConstraint", "sqlalchemy.sql.naming:conv"]
    if d.indexes:
        specs.append("sqlalchemy:Index")
    if d.foreign_keys:
        specs.append("sqlalchemy:ForeignKeyConstraint")
    return specs


def schemas_imports(d: Domain, model_module: str) -> list[str]:
    """The schemas module: Pydantic, the model's enums, and the annotated types it uses."""
    specs = [
        "__future__:annotations",
        "uuid",
        "typing:Annotated",
        "pydantic:AfterValidator",
        "pydantic:AwareDatetime",
        "pydantic:BaseModel",
        "pydantic:ConfigDict",
        "pydantic:Field",
    ]
    if not d.immutable or d.date_ranges or d.balances:  # a model validator checks them
        specs += ["typing:Self", "pydantic:model_validator"]
    if not d.immutable:  # the update's JSON schema hook
        specs.append("typing:Any")
    iso = iso_types(d)
    if iso:
        specs += ["pydantic:BeforeValidator"] + (["datetime:date"] if "Day" in iso else [])
    for f in d.fields:
        specs += f.type.schema_imports
        if f.kind == "enum":
            specs.append(f".{model_module}:{f.enum}")
    if d.has_kind("money") or d.has_kind("money_map") or d.decimal_texts:
        specs += ["decimal:Decimal", "re", "collections.abc:Callable", "typing:Any"]
        specs.append("pydantic:BeforeValidator")
    return specs


def repository_imports(d: Domain, model_module: str, schemas_module: str) -> list[str]:
    """The repository: SQLAlchemy's query builders and errors, the model and schemas."""
    specs = [
        "__future__:annotations",
        "base64",
        "json",
        "uuid",
        "collections.abc:AsyncIterator",
        "collections.abc:Sequence",
        "contextlib:asynccontextmanager",
        "dataclasses:dataclass",
        f"datetime:{d.sort_field_kind}",
        "enum:Enum",
        "functools:cache",
        "sqlalchemy:BindParameter",
        "sqlalchemy:ColumnElement",
        "sqlalchemy:Integer",
        "sqlalchemy:Select",
        "sqlalchemy:and_",
        "sqlalchemy:bindparam",
        "sqlalchemy:func",
        "sqlalchemy:insert",
        "sqlalchemy:or_",
        "sqlalchemy:select",
        "sqlalchemy.exc:DataError",
        "sqlalchemy.exc:DBAPIError",
        "sqlalchemy.exc:IntegrityError",
        "sqlalchemy.exc:StatementError",
        "sqlalchemy.ext.asyncio:AsyncSession",
        "sqlalchemy.orm.exc:StaleDataError",
        "datetime:datetime",
        "typing:Any",
        f".{model_module}:{d.entity}",
        f".{model_module}:utc_now",
        f".{schemas_module}:{d.entity}Create",
        f".{schemas_module}:{d.entity}Read",
    ]
    if d.takes_days:
        specs += ["datetime:date", "datetime:datetime"]
    if d.takes_moments:
        specs.append("datetime:datetime")
    if d.starts_days:
        specs += ["datetime:UTC", "datetime:time"]
    if d.enum_filters:
        specs += ["contextlib:suppress", "enum:StrEnum", "typing:TypeVar"]
        specs += [f".{model_module}:{f.enum}" for f in d.enum_filters]
    if d.soft_delete or d.sync_key:
        specs.append(f".{model_module}:utc_now")
    if not d.immutable:
        specs += [f".{schemas_module}:{d.entity}Base", f".{schemas_module}:{d.entity}Update"]
    if d.rls:
        specs.append("sqlalchemy:text")
    if d.secrets:
        specs += ["typing:Any", "pydantic:SecretStr", f".{model_module}:TokenKeyError"]
        # reencrypt_tokens: the tokens read and written as stored, past the column type.
        specs += [
            "collections.abc:Awaitable",
            "collections.abc:Callable",
            "cryptography.fernet:InvalidToken",
            "sqlalchemy:Executable",
            "sqlalchemy:Text",
            "sqlalchemy:Update",
            "sqlalchemy:type_coerce",
            "sqlalchemy:update",
            f".{model_module}:TOKEN_KEYS",
            f".{model_module}:reencrypted_token",
        ]
    if d.sync_key:
        specs += [
            "typing:Any",
            "datetime:datetime",
            "typing:Any",
            "datetime:datetime",
            "sqlalchemy.dialects:mysql",
            "sqlalchemy.dialects:postgresql",
            "sqlalchemy.dialects:sqlite",
            "sqlalchemy.engine:Dialect",
            "sqlalchemy.orm.util:identity_key",
            "sqlalchemy.sql.base:ReadOnlyColumnCollection",
            "sqlalchemy:Insert",
            "sqlalchemy:true",
            f".{model_module}:utc_now",
        ]
    return specs


def migration_imports(uses_mysql: bool = True, uses_sa: bool = True) -> list[str]:
    """A migration: Alembic's ``op``, SQLAlchemy, and MySQL's types when it adds one.

    MySQL's DATETIME keeps microseconds, its LONGTEXT holds text of any length. A step
    that only adds a unique key names no SQLAlchemy type.
    """
    specs = ["__future__:annotations", "alembic:op"] + (["sqlalchemy as sa"] if uses_sa else [])
    if uses_mysql:
        specs.append("sqlalchemy.dialects:mysql")
    return specs
