"""Import blocks laid out the way ruff's isort rules expect them.

Templates list what a file needs as ``"module"`` (``import module``) or
``"module:name"`` (``from module import name``); :func:`import_block` groups them into
future, standard library, third party, first party and local sections.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable

LINE_LENGTH = 88
_SECTIONS = ("future", "stdlib", "thirdparty", "firstparty", "local")


def _section(module: str, first_party: frozenset[str]) -> str:
    if module == "__future__":
        return "future"
    if module.startswith("."):
        return "local"
    top = module.split(" as ")[0].split(".")[0]
    if top in first_party:
        return "firstparty"
    if top in sys.stdlib_module_names:
        return "stdlib"
    return "thirdparty"


def _member_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then everything else (ruff's order-by-type)."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name.lower())
    return (2, name.lower())


def _from_line(module: str, names: Iterable[str]) -> str:
    members = sorted(set(names), key=_member_key)
    line = f"from {module} import {', '.join(members)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {member},\n" for member in members)
    return f"from {module} import (\n{body})"


def import_block(specs: Iterable[str], first_party: Iterable[str] = ()) -> str:
    """Render import statements, grouped and sorted, sections separated by a blank line.

    >>> print(import_block(["uuid", "sqlalchemy:select", "datetime:UTC", "datetime:date"]))
    import uuid
    from datetime import UTC, date
    <BLANKLINE>
    from sqlalchemy import select
    """
    known = frozenset(first_party)
    plain: dict[str, set[str]] = defaultdict(set)
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    written: dict[str, dict[str, str]] = defaultdict(dict)  # whole from-lines, by module
    for spec in specs:
        if spec.startswith("from "):  # a whole line, e.g. with a noqa comment
            module = spec.split()[1]
            written[_section(module, known)][module] = spec
            continue
        module, _, name = spec.partition(":")
        section = _section(module, known)
        if name:
            members[section][module].add(name)
        else:
            plain[section].add(module)
    blocks = []
    for section in _SECTIONS:
        lines = [f"import {module}" for module in sorted(plain[section], key=str.lower)]
        froms = {module: _from_line(module, names) for module, names in members[section].items()}
        froms |= written[section]
        lines += [froms[module] for module in sorted(froms, key=_module_key)]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _module_key(module: str) -> tuple[int, str]:
    # Relative imports: further ones (..) before closer ones (.), then by name.
    dots = len(module) - len(module.lstrip("."))
    return (-dots, module.lstrip(".").lower())
