"""A custom entity from a one-line field spec, turned into a catalogue entry.

``domain=custom`` asks for an ``entity`` (``Invoice``) and its ``fields``::

    number:str(32):unique amount:money due_on:date? status:enum(open,paid,void)
    account:ref(accounts) paid:bool=false

Each field is ``name:type``, then ``?`` (nullable), ``=default``, and ``:flags``. The
result is the same raw mapping a catalogue YAML file holds, so the custom entity goes
through exactly the templates, checks and tests the built-in domains do. Every
mistake is refused here, naming the field, before anything is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .naming import is_identifier, plural, snake
from .reserved_names import (
    BASE_CLASS_NAMES,
    BUILTINS,
    PYDANTIC_ATTRIBUTES,
    PYDANTIC_PREFIXES,
    PYTHON_KEYWORDS,
    RENDERED_CLASS_NAMES,
    RENDERED_CODE_NAMES,
    RENDERED_MODULE_NAMES,
    RENDERED_PARAMETERS,
    SQLALCHEMY_ATTRIBUTES,
    SQLALCHEMY_PREFIXES,
    SYSTEM_COLUMNS,
    entity_class_names,
    entity_names,
    field_collision,
)
from .sql_keywords import SQL_KEYWORDS
from .types import INT_MAX, INT_MIN

CUSTOM = "custom"
HANDLE_PREFIX = "custom:"
# The handle's parts are joined by this; neither an entity nor a spec holds it.
_SEPARATOR = "\x1f"
TYPES = (
    "str(n)", "text", "int", "bool", "money", "decimal(p,s)", "date", "datetime",
    "uuid", "json", "currency", "enum(a,b,...)", "ref(domain)",
)  # fmt: skip
FLAGS = {
    "unique": "unique per owner (tenant and user)",
    "index": "indexed, with a get_by_<field> finder",
    "signed": "money that may be negative",
    "positive": "money above zero",
    "cascade": "a reference whose rows go when the referenced row is deleted",
}
# Kinds a get_by_<field> finder can match on, with a test the template writes.
INDEXABLE = ("str", "int", "enum", "uuid", "ref")
UNIQUE_KINDS = ("str", "int", "uuid", "date", "money", "decimal")
MAX_FIELDS = 40
MAX_NAME = 32  # as the tenant column: index names and 88-column lines are built from it
# Fields that name a class (an enum's is the entity's name and the field's) or a
# finder (get_by_<name>, and its tests): the longest that keep those lines within 88
# columns, e.g. `name: Mapped[Class | None] = mapped_column(`.
MAX_NAMING_FIELD = 16
MAX_ENTITY = 32
MAX_SNAKE = 17  # the longest ``snake_case`` entity whose rendered lines fit 88 columns
MAX_TABLE_NAME = 40  # as the table_name question allows
MAX_STR = 2000
# MariaDB's rows hold at most 65,535 bytes of VARCHAR (4 bytes a character in utf8mb4).
MAX_STR_TOTAL = 12000
MAX_ENUM_VALUE = 32  # the column is VARCHAR(32)
_ENTITY = re.compile(r"[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*")
_FIELD = re.compile(
    r"(?P<name>[^:?=]*):(?P<kind>[a-z]+)(?:\((?P<args>[^()]*)\))?"
    r"(?P<nullable>\?)?(?:=(?P<default>[^:]*))?(?P<flags>(?::[a-z]+)*)"
)
_WORD = re.compile(r"[A-Za-z0-9_.-]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class SpecError(ValueError):
    """A field spec the template cannot render; the message names the field."""


@dataclass(frozen=True)
class _Token:
    position: int
    text: str

    def refuse(self, why: str) -> SpecError:
        return SpecError(f"fields: {self.text!r} (field {self.position}): {why}")


def custom_key(entity: str) -> str:
    """The domain key (answers file, tests folder) and default table of an entity.

    >>> custom_key("MerchantRule")
    'merchant_rules'
    """
    return plural(snake(entity))


def normalized(spec: str) -> str:
    """A spec with its fields separated by single spaces, as it is recorded."""
    return " ".join(spec.split())


def handle(entity: str, fields: str, history: Sequence[str] = ()) -> str:
    """What stands for a custom domain wherever a catalogue key does.

    It carries the entity and its specs, oldest first: ``history`` (the specs the app
    has migrated to, as recorded) and then ``fields`` when it differs from the last.
    """
    specs = [normalized(spec) for spec in history]
    if not specs or specs[-1] != normalized(fields):
        specs.append(normalized(fields))
    return HANDLE_PREFIX + _SEPARATOR.join([entity, *specs])


def is_handle(domain: str) -> bool:
    return domain.startswith(HANDLE_PREFIX)


def parts_of(domain_handle: str) -> tuple[str, list[str]]:
    """The entity and its specs (oldest first) of a handle."""
    entity, *specs = domain_handle.removeprefix(HANDLE_PREFIX).split(_SEPARATOR)
    return entity, specs


def spec_of(domain_handle: str) -> str:
    """The current field spec of a handle."""
    return parts_of(domain_handle)[1][-1]


def entity_problem(entity: str, catalogue: tuple[str, ...], base_class: str = "") -> str:
    """Why ``entity`` cannot name a custom entity (``""`` when it can), with a name that can.

    ``base_class`` is the app's declarative base (its default answer), which the model
    module imports beside the entity's classes.

    >>> entity_problem("Header", ())
    "entity: 'Header' would define Header, a class the rendered code already uses (imports or defines); choose another name, e.g. HeaderRecord."
    """
    if problem := _entity_problem(entity, catalogue, base_class):
        joint = " " if problem.endswith(", or") else "; "
        return f"{problem}{joint}choose another name, e.g. {_entity_suggestion(entity, catalogue, base_class)}."
    return ""


def _entity_suggestion(entity: str, catalogue: tuple[str, ...], base_class: str) -> str:
    """An entity name like ``entity`` that passes every check."""
    word = entity.capitalize() if entity.isupper() else entity
    if word.startswith("Test") and len(word) > 4:
        word = word[4:]
    word = word if _ENTITY.fullmatch(word) else "Invoice"
    candidates = (word, f"{word}Record", f"{word}Item", f"App{word}", "Invoice", "LedgerEntry")
    return next(c for c in candidates if not _entity_problem(c, catalogue, base_class))


def _entity_problem(entity: str, catalogue: tuple[str, ...], base_class: str) -> str:
    if not isinstance(entity, str) or not _ENTITY.fullmatch(entity) or len(entity) > MAX_ENTITY:
        return (
            f"entity: {entity!r} is not allowed; give a class name in CamelCase of at most "
            f"{MAX_ENTITY} letters and digits"
        )
    if len(snake(entity)) > MAX_SNAKE:
        return (
            f"entity: {entity!r} is too long: its functions and variables are named "
            f"{snake(entity)!r}, and the rendered code keeps such names to {MAX_SNAKE} "
            "characters to stay within 88 columns"
        )
    key = custom_key(entity)
    if len(key) > MAX_TABLE_NAME:
        return (
            f"entity: {entity!r} would name the table {key!r}; it must make a table name of at "
            f"most {MAX_TABLE_NAME} characters"
        )
    if key in catalogue:
        return f"entity: {entity!r} is the catalogue's {key} domain; answer domain={key}, or"
    if key in SQL_KEYWORDS:
        return f"entity: {entity!r} would name the table {key!r}, a SQL keyword"
    if key == CUSTOM or not is_identifier(key):
        return f"entity: {entity!r} would name the table {key!r}, which is not allowed"
    if entity.startswith("Test"):
        return (
            f"entity: {entity!r} starts with Test, so pytest would collect its classes and the "
            f"rendered tests' helpers ({snake(entity)}_values) as tests"
        )
    if len(entity) > 1 and entity.isupper():
        return (
            f"entity: {entity!r} is all capitals: ruff (RUF022) sorts it as a constant in the "
            "package's __all__, apart from its classes"
        )
    bases = BASE_CLASS_NAMES | {base_class.rpartition(".")[2]} - {""}
    if taken := sorted(entity_class_names(entity) & bases):
        return (
            f"entity: {entity!r} would define {taken[0]}, the name of the declarative base "
            "the model inherits from"
        )
    if taken := sorted(entity_class_names(entity) & RENDERED_CLASS_NAMES):
        return (
            f"entity: {entity!r} would define {taken[0]}, a class the rendered code already "
            "uses (imports or defines)"
        )
    lower = RENDERED_MODULE_NAMES | RENDERED_PARAMETERS | RENDERED_CODE_NAMES | BUILTINS
    if taken := sorted(entity_names(snake(entity)) & (lower | PYTHON_KEYWORDS)):
        return (
            f"entity: {entity!r} would name a variable or function {taken[0]}, a name the "
            "rendered code already uses"
        )
    return ""


def _name_problem(name: str) -> str:
    if name in PYTHON_KEYWORDS:
        return f"{name} is a Python keyword"
    if not is_identifier(name) or not name[0].isalpha() or len(name) > MAX_NAME:
        return f"a field name is a lower-case identifier of at most {MAX_NAME} characters, starting with a letter"
    if name in SYSTEM_COLUMNS:
        return f"{name} is a column every table has ({', '.join(SYSTEM_COLUMNS)})"
    if name in PYTHON_KEYWORDS:
        return f"{name} is a Python keyword"
    if name in SQL_KEYWORDS:
        return f"{name} is a SQL keyword"
    if name in SQLALCHEMY_ATTRIBUTES or name.startswith(SQLALCHEMY_PREFIXES):
        return f"{name} is an attribute SQLAlchemy keeps on every model"
    if name in PYDANTIC_ATTRIBUTES or name.startswith(PYDANTIC_PREFIXES):
        return f"{name} is an attribute Pydantic keeps on every schema"
    if why := field_collision(name):
        return f"{name} is {why}"
    return ""


def _renamed(token: str, name: str) -> str:
    """The field ``token`` under a name that passes, for a refusal to suggest."""
    rest = token[len(name) :] if token.startswith(name) else ":" + token.partition(":")[2]
    names: tuple[str, ...] = (f"{name}_value", f"{name}_field", f"the_{name}")
    if not (name and name[0].isalpha() and is_identifier(name)):
        names = ()
    names += ("field_value", "amount_value")
    free = next(n for n in names if len(n) <= MAX_NAMING_FIELD and not _name_problem(n))
    return free + rest


def _decimal(text: str) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _fits(value: Decimal, precision: int, scale: int) -> bool:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return places <= scale and abs(value) < Decimal(10) ** (precision - scale)


def _typed(token: _Token, kind: str, args: str | None) -> dict[str, Any]:
    """The catalogue keys of the type part: ``str(32)`` -> ``{type: str, length: 32}``."""
    takes_args = {
        "str": "a length",
        "decimal": "precision,scale",
        "enum": "values",
        "ref": "a domain",
    }
    if kind not in {
        "text",
        "int",
        "bool",
        "money",
        "date",
        "datetime",
        "uuid",
        "json",
        "currency",
        *takes_args,
    }:
        raise token.refuse(f"unknown type {kind!r}; the types are {', '.join(TYPES)}")
    if kind in takes_args and args is None:
        raise token.refuse(f"{kind} needs {takes_args[kind]} in parentheses, e.g. {_example(kind)}")
    if kind not in takes_args and args is not None:
        raise token.refuse(f"{kind} takes nothing in parentheses")
    raw: dict[str, Any] = {"type": kind}
    if kind == "str":
        assert args is not None
        if not args.isdigit() or not 1 <= int(args) <= MAX_STR:
            raise token.refuse(
                f"str(n) needs a length from 1 to {MAX_STR}; use text for longer values"
            )
        raw["length"] = int(args)
    elif kind == "decimal":
        parts = (args or "").split(",")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise token.refuse("decimal(p,s) needs a precision and a scale, e.g. decimal(12,4)")
        precision, scale = (int(p) for p in parts)
        if not 1 <= precision <= 28 or scale > precision:
            raise token.refuse("decimal(p,s) needs 1 <= p <= 28 and s <= p")
        raw |= {"precision": precision, "scale": scale}
    elif kind == "enum":
        values = [v.strip() for v in (args or "").split(",")]
        bad = [
            v
            for v in values
            if not is_identifier(v) or not v[0].isalpha() or len(v) > MAX_ENUM_VALUE
        ]
        if bad or len(values) < 2:
            raise token.refuse(
                "enum(...) needs two or more values, each a lower-case identifier of at most "
                f"{MAX_ENUM_VALUE} characters starting with a letter, e.g. enum(open,paid,void)"
            )
        if len(set(values)) != len(values):
            raise token.refuse("enum(...) names a value twice")
        raw["values"] = values
    elif kind == "ref":
        raw |= {"ref": (args or "").strip(), "on_delete": "restrict"}
    return raw


def _example(kind: str) -> str:
    return {
        "str": "str(64)",
        "decimal": "decimal(12,4)",
        "enum": "enum(open,closed)",
        "ref": "ref(accounts)",
    }[kind]


def _default(token: _Token, raw: dict[str, Any], text: str) -> Any:
    """The default as the catalogue holds it, refused unless the column can hold it."""
    kind = raw["type"]
    if kind == "bool" and text in ("true", "false"):
        return text == "true"
    if kind == "int" and re.fullmatch(r"-?[0-9]{1,10}", text) and INT_MIN <= int(text) <= INT_MAX:
        return int(text)
    if kind in ("money", "decimal") and (value := _decimal(text)) is not None:
        precision, scale = (19, 4) if kind == "money" else (raw["precision"], raw["scale"])
        if _fits(value, precision, scale):
            return text
    if kind == "enum" and text in raw["values"]:
        return text
    if kind == "currency" and re.fullmatch(r"[A-Z]{3}", text):
        return text
    if (
        kind in ("str", "text")
        and _WORD.fullmatch(text)
        and len(text) <= raw.get("length", MAX_STR)
    ):
        return text
    allowed = {
        "bool": "true or false",
        "int": "a whole number INTEGER holds",
        "money": "a number with at most 4 decimal places",
        "decimal": "a number that fits the decimal's precision and scale",
        "enum": f"one of {', '.join(raw.get('values', ()))}",
        "currency": "a three-letter ISO 4217 code, e.g. USD",
        "str": "letters, digits, '_', '.' or '-' that fit the length",
        "text": "letters, digits, '_', '.' or '-'",
    }
    if kind not in allowed:
        raise token.refuse(f"a {kind} field takes no default")
    raise token.refuse(f"the default {text!r} is not allowed; a {kind} default is {allowed[kind]}")


def _apply_flags(token: _Token, raw: dict[str, Any], flags: list[str]) -> None:
    kind = raw["type"]
    for flag in flags:
        if flag not in FLAGS:
            known = "; ".join(f":{name} ({what})" for name, what in FLAGS.items())
            raise token.refuse(f"unknown flag :{flag}; the flags are {known}")
        if flags.count(flag) > 1:
            raise token.refuse(f"the flag :{flag} is given twice")
    if "unique" in flags and kind not in UNIQUE_KINDS:
        raise token.refuse(f":unique works on {', '.join(UNIQUE_KINDS)} fields, not {kind}")
    if "unique" in flags and kind == "str" and raw["length"] < 3:
        raise token.refuse(
            ":unique needs a str of at least 3 characters (tests write 500 distinct rows)"
        )
    if "unique" in flags and kind == "decimal" and raw["precision"] - raw["scale"] < 3:
        raise token.refuse(":unique needs a decimal with at least 3 digits before the point")
    if "index" in flags and kind not in INDEXABLE:
        raise token.refuse(f":index works on {', '.join(INDEXABLE)} fields, not {kind}")
    if "index" in flags and kind == "ref":
        raise token.refuse("a ref is always indexed, with its own finder; leave :index out")
    if {"signed", "positive"} & set(flags) and kind != "money":
        raise token.refuse(":signed and :positive are for money fields")
    if {"signed", "positive"} <= set(flags):
        raise token.refuse(":signed and :positive contradict each other")
    if "cascade" in flags and kind != "ref":
        raise token.refuse(":cascade is for ref fields")
    if "cascade" in flags:
        raw["on_delete"] = "cascade"
    for sign in ("signed", "positive"):
        if sign in flags:
            raw[sign] = True
    if raw.get("positive") and raw.get("default") is not None and Decimal(raw["default"]) <= 0:
        raise token.refuse("a :positive default must be above zero")
    if (
        kind == "money"
        and not raw.get("signed")
        and raw.get("default") is not None
        and Decimal(raw["default"]) < 0
    ):
        raise token.refuse("a negative default needs :signed")


def parse_fields(text: str, referable: tuple[str, ...]) -> list[tuple[dict[str, Any], list[str]]]:
    """Each field of the spec as a catalogue field mapping, with its flags.

    ``referable`` are the domains a ``ref(...)`` may name.

    [{'type': 'bool', 'name': 'paid', 'nullable': False, 'spec': 'paid:bool=false', 'default': False}]
    [{'type': 'bool', 'name': 'paid', 'nullable': False, 'default': False}]
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError("fields: give at least one field, e.g. number:str(32):unique amount:money")
    tokens = [_Token(i, t) for i, t in enumerate(text.split(), start=1)]
    if len(tokens) > MAX_FIELDS:
        raise SpecError(f"fields: {len(tokens)} fields are too many; at most {MAX_FIELDS}")
    parsed: list[tuple[dict[str, Any], list[str]]] = []
    seen: set[str] = set()
    for token in tokens:
        found = _FIELD.fullmatch(token.text)
        if found is None:
            raise token.refuse(
                "a field is name:type, then ? (nullable), =default and :flags, e.g. "
                "due_on:date? or paid:bool=false or number:str(32):unique"
            )
        name, kind = found["name"], found["kind"]
        if why := _name_problem(name):
            raise token.refuse(f"{why}; rename the field, e.g. {_renamed(token.text, name)}")
        raw = _typed(token, kind, found["args"]) | {
            "name": name,
            "nullable": bool(found["nullable"]),
            "spec": token.text,
        }
        if kind == "ref":
            if raw["ref"] not in referable:
                raise token.refuse(
                    f"ref({raw['ref']}) names no domain a reference can point at; those are "
                    f"{', '.join(referable)} (their tables offer the (tenant, id) key a tenant-safe "
                    "foreign key needs)"
                )
            raw["name"] = name if name.endswith("_id") else f"{name}_id"
        if raw["name"] in seen:
            raise token.refuse(f"the field {raw['name']} is given twice")
        seen.add(raw["name"])
        if found["default"] is not None:
            if raw["nullable"]:
                raise token.refuse("a nullable field's default is empty; drop ? or =default")
            raw["default"] = _default(token, raw, found["default"])
        flags = [f for f in (found["flags"] or "").split(":") if f]
        _apply_flags(token, raw, flags)
        if (kind in ("enum", "ref") or "index" in flags) and len(name) > MAX_NAMING_FIELD:
            raise token.refuse(
                f"an enum, ref or :index field's name is at most {MAX_NAMING_FIELD} characters "
                "(it names a class or a get_by_<name> finder)"
            )
        parsed.append((raw, flags))
    owner = next((raw for raw, _ in parsed if raw["name"] == "user_id"), None)
    if owner is not None and (owner["type"] != "str" or owner["nullable"]):
        raise SpecError(
            "fields: user_id is the owner of each row; leave it out (it is added as str(64)) or make it a str"
        )
    lengths = sum(raw.get("length", 0) for raw, _ in parsed)
    if lengths > MAX_STR_TOTAL:
        raise SpecError(
            f"fields: the str fields hold {lengths} characters in all, more than a MariaDB row takes "
            f"({MAX_STR_TOTAL}); make the long ones text"
        )
    return parsed
