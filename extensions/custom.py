"""A custom entity's catalogue entry, built from its field specs (extensions/spec.py).

The entry is the mapping a catalogue YAML file holds, test data included, so a custom
entity renders through the same templates as the catalogue's domains. An entity whose
spec changed on ``copier update`` keeps every spec it had, oldest first: each change is
a migration step (``spec_2``, ``spec_3``, ...) that may add nullable fields and make
fields nullable; anything that would lose or reinterpret data is refused.
"""

from __future__ import annotations

import re
from typing import Any

from .naming import humanize, plural, snake
from .reserved_names import RENDERED_CLASS_NAMES, entity_class_names
from .spec import SpecError, custom_key, entity_problem, parse_fields, parts_of


def _sample(raw: dict[str, Any]) -> str:
    """A valid value of the field as Python source, for the rendered tests."""
    kind, name = str(raw["type"]), str(raw["name"])
    if kind == "str":
        return '"' + name[: raw["length"]] + '"'
    samples = {
        "text": f'"Some {humanize(name)}"',
        "int": "7",
        "bool": "True",
        "money": 'Decimal("12.50")',
        "date": "date(2026, 3, 15)",
        "datetime": "datetime(2026, 3, 15, 12, 30, tzinfo=UTC)",
        "uuid": "uuid.UUID(int=42)",
        "json": '{"key": "value"}',
        "currency": '"USD"',
        "ref": "uuid.UUID(int=1)",
    }
    if kind == "decimal":
        return _decimal_source(raw, "1")
    if kind == "enum":
        return f"{raw['enum']}.{raw['values'][0].upper()}"
    return samples[kind]


def _decimal_source(raw: dict[str, Any], whole: str) -> str:
    """``Decimal(1)``, ``Decimal("1.5")`` or ``Decimal("0.5")``: what the size holds."""
    if raw["precision"] == raw["scale"]:
        return f'Decimal("0.{int(whole) + 4}")'
    return f"Decimal({whole})" if raw["scale"] == 0 else f'Decimal("{whole}.5")'


def _vary(raw: dict[str, Any]) -> str | None:
    """What makes row ``i`` distinct (``i`` runs to 500); None when the field cannot.

    Every kind a ``:unique`` field may have has one.
    """
    kind, name = raw["type"], raw["name"]
    if kind == "str":
        return f'f"{name[: min(8, raw["length"] - 3)]}{{i}}"' if raw["length"] >= 3 else None
    if kind == "decimal":
        return "Decimal(i)" if raw["precision"] - raw["scale"] >= 3 else None
    if kind == "enum":
        return f"list({raw['enum']})[i % {len(raw['values'])}]"
    return {
        "int": "i",
        "uuid": "uuid.UUID(int=1000 + i)",
        "date": "date.fromordinal(date(2026, 1, 1).toordinal() + i)",
        "money": "Decimal(i)",
        "text": f'f"Some {humanize(name)} {{i}}"',
        "bool": "i % 2 == 1",
        "json": '{"i": i}',
        "datetime": "datetime.fromtimestamp(1767225600 + i, tz=UTC)",
    }.get(kind)


def _change(raw: dict[str, Any]) -> str | None:
    """Another valid value, for the rendered update tests; None when there is none."""
    kind = raw["type"]
    if kind == "str":
        sample = _sample(raw)
        options = ('"' + word[: raw["length"]] + '"' for word in ("changed", "other", "z", "y"))
        return next(option for option in options if option != sample)
    if kind == "decimal":
        return _decimal_source(raw, "2")
    if kind == "enum":
        return f"{raw['enum']}.{raw['values'][1].upper()}"
    return {
        "text": '"Changed text"',
        "int": "8",
        "bool": "False",
        "money": 'Decimal("99.25")',
        "date": "date(2027, 1, 1)",
        "datetime": "datetime(2027, 1, 1, tzinfo=UTC)",
        "uuid": "uuid.UUID(int=43)",
        "json": '{"key": "changed"}',
        "currency": '"EUR"',
    }.get(kind)


Parsed = list[tuple[dict[str, Any], list[str]]]
STEP_PREFIX = "spec_"


def _definition(raw: dict[str, Any], flags: list[str]) -> dict[str, Any]:
    """What a field is, whether it may be empty aside: a change of it loses data."""
    kept = {key: value for key, value in raw.items() if key not in ("nullable", "spec")}
    return kept | {"flags": flags}


def _token(raw: dict[str, Any]) -> str:
    """The field as the spec wrote it."""
    return str(raw.get("spec", raw["name"]))


def _as_nullable(raw: dict[str, Any]) -> str:
    """The field as the spec wrote it, with ``?`` after its type."""
    return re.sub(r"^([^:]*:[a-z]+(?:\([^()]*\))?)", r"\1?", _token(raw), count=1)


def _evolve(old: Parsed, new: Parsed, recorded: str) -> None:
    """Refuse a spec change a migration step cannot make without losing or guessing data.

    Allowed: new fields that may be empty (existing rows have no value for them), and
    fields that become nullable. ``recorded`` is the spec the app has now.
    """
    keep = f"Keep the recorded spec ({recorded!r}) and make this change in a revision and model of your own"
    before = {raw["name"]: (raw, flags) for raw, flags in old}
    after = {raw["name"]: (raw, flags) for raw, flags in new}
    for name, (raw, flags) in before.items():
        if name not in after:
            raise SpecError(
                f"fields: the new spec drops {name}, and dropping its column loses its data. {keep}."
            )
        theirs, their_flags = after[name]
        if _definition(raw, flags) != _definition(theirs, their_flags):
            raise SpecError(
                f"fields: the new spec changes {name} (was {_token(raw)}, now "
                f"{_token(theirs)}); its stored values would have to be converted. {keep}."
            )
        if raw["nullable"] and not theirs["nullable"]:
            raise SpecError(
                f"fields: the new spec makes {name} required, and rows may hold no value for it. {keep}."
            )
    for name, (raw, flags) in after.items():
        if name in before:
            continue
        if not raw["nullable"]:
            raise SpecError(
                f"fields: the new spec adds {name} as required, and the table's rows have no value "
                f"for it; add it as {_as_nullable(raw)}."
            )
        if raw["type"] == "ref" or "unique" in flags:
            raise SpecError(
                f"fields: the new spec adds {name} as a reference or a unique field, which a spec "
                f"change cannot add yet. {keep}."
            )


def _history(specs: list[str], referable: tuple[str, ...]) -> tuple[Parsed, list[str]]:
    """The current fields, each marked with the step that added it or made it nullable."""
    parsed = [parse_fields(spec, referable) for spec in specs]
    steps = [f"{STEP_PREFIX}{number}" for number in range(2, len(specs) + 1)]
    for old, new, recorded in zip(parsed, parsed[1:], specs, strict=False):
        _evolve(old, new, recorded)
    current = parsed[-1]
    for raw, _ in current:
        versions = [next((r for r, _ in spec if r["name"] == raw["name"]), None) for spec in parsed]
        for step, was, now in zip(steps, versions[:-1], versions[1:], strict=True):
            if was is None and now is not None:
                raw["since"] = step
            elif was is not None and now is not None and now["nullable"] and not was["nullable"]:
                raw["nullable_since"] = step
    return current, steps


def catalogue_entry(
    domain_handle: str, catalogue: tuple[str, ...], referable: tuple[str, ...]
) -> dict[str, Any]:
    """The raw catalogue mapping of a custom entity, as a domain YAML file would hold it.

    ``catalogue`` are the built-in domains, ``referable`` those a reference may name.
    """
    entity, specs = parts_of(domain_handle)
    if problem := entity_problem(entity, catalogue):
        raise SpecError(problem)
    human = humanize(snake(entity))
    fields: list[dict[str, Any]] = []
    unique: list[list[str]] = []
    finders: list[dict[str, Any]] = []
    parsed, steps = _history(specs, referable)
    if not any(raw["type"] != "ref" and raw["name"] != "user_id" for raw, _ in parsed):
        raise SpecError("fields: give at least one field that is not a reference")
    if all(raw["name"] != "user_id" for raw, _ in parsed):
        owner = {"name": "user_id", "type": "str", "length": 64, "nullable": False}
        parsed.insert(0, (owner, []))
    classes = entity_class_names(entity) | RENDERED_CLASS_NAMES
    for raw, flags in parsed:
        name = raw["name"]
        raw["doc"] = (
            f"{humanize(name).capitalize()}." if name != "user_id" else f"Owner of the {human}."
        )
        if raw["type"] == "enum":
            raw["enum"] = entity + "".join(part.capitalize() for part in name.split("_"))
            if raw["enum"] in classes:
                raise SpecError(
                    f"fields: {name}: its enum class {raw['enum']} is a class the rendered code already uses; rename the field"
                )
        fields.append(raw)
        if "unique" in flags:
            unique.append(["user_id", name])
        if "index" in flags or raw["type"] == "ref":
            finder = name.removesuffix("_id") if raw["type"] == "ref" else name
            finders.append(
                {
                    "name": f"get_by_{finder}",
                    "kind": "equals",
                    "field": name,
                    "doc": f"{humanize(plural(snake(entity))).capitalize()} with the given {humanize(finder)}.",
                    "since": raw.get("since"),
                }
            )
    sample = {raw["name"]: _sample(raw) for raw in fields}
    sample["user_id"] = '"user-1"'
    vary = {raw["name"]: str(_vary(raw)) for raw, flags in parsed if "unique" in flags}
    if not vary:  # the rendered tests' rows differ from each other, as real rows do
        varying = [
            (raw["name"], value)
            for raw in fields
            if raw["name"] != "user_id" and raw["type"] != "ref" and (value := _vary(raw))
        ]
        if not varying:
            raise SpecError(
                "fields: give one field whose value can differ from row to row (the rendered "
                "tests write 500 rows): a str of 3 or more characters, text, int, bool, money, "
                "date, datetime, uuid, json or enum"
            )
        vary = dict(varying[:1])
    candidates = sorted(
        (raw for raw in fields if raw["name"] != "user_id" and raw["type"] != "ref"),
        key=lambda raw: any(raw["name"] in key for key in unique),
    )
    change = next(
        ({"field": raw["name"], "value": value} for raw in candidates if (value := _change(raw))),
        {},
    )
    return {
        "key": custom_key(entity),
        "entity": entity,
        "table": custom_key(entity),
        "summary": "Defined by the app's own field spec (domain=custom).",
        "sort_key": "created_at",
        "fields": fields,
        "unique": unique,
        "finders": finders,
        "sample": sample,
        "vary": vary,
        "change": change,
        "migrations": [{"step": step} for step in steps],
    }
