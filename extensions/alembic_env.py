"""The app's Alembic environment, read without importing the app.

A domain's tables reach ``alembic check`` only when ``env.py`` imports the domain's
package and hands the domain's metadata to Alembic. This module decides, from the
text of ``env.py`` alone, whether it does, and if not, which lines it needs: the
after-copy message prints them and docs/alembic.md explains them.
"""

from __future__ import annotations

import ast
import shlex
from dataclasses import dataclass, field
from pathlib import Path

# The env.py this template renders finds every domain through the answers files;
# an env.py that does the same needs no lines per domain.
ANSWERS_GLOB = ".copier/answers."
SVC_INFRA_BASE = "svc_infra.db.sql.base.ModelBase"
# svc-infra registers its own tables on ModelBase.metadata, several with foreign keys
# to a users table the app may not have: Alembic cannot even compare that metadata.
# These lines build a metadata of the app's tables only ({base} is the local name).
SVC_INFRA_RECIPE = """\
# svc-infra puts its own tables on {base}.metadata, some with foreign keys to a
# users table this app may not have: Alembic compares only the app's tables.
svc_infra_tables = {{
    mapper.local_table.key
    for mapper in {base}.registry.mappers
    if mapper.class_.__module__.startswith("svc_infra.")
}}
app_metadata = MetaData(naming_convention={base}.metadata.naming_convention)
for table in {base}.metadata.tables.values():
    if table.key not in svc_infra_tables:
        table.to_metadata(app_metadata)"""


SVC_INFRA_EXCEPTION = (
    "(An app that has a users table and migrates svc-infra's own tables keeps"
    " target_metadata as it is and adds only the import of the domain.)"
)


def env_file(app_root: str | Path, migrations_dir: str) -> Path:
    """Where Alembic's ``env.py`` lives in the app."""
    return Path(app_root) / migrations_dir / "env.py"


def finds_domains_itself(env_text: str) -> bool:
    """True for an env.py that, like the rendered one, reads the answers files.

    >>> finds_domains_itself('APP_ROOT.glob(".copier/answers.*.yml")')
    True
    """
    return ANSWERS_GLOB in env_text


def renders_alembic_ini(app_root: str, migrations_dir: str) -> bool:
    """Whether ``alembic.ini`` belongs to the Alembic environment this template writes.

    It does when the app has no ``env.py`` yet (the template writes one) or when its
    ``env.py`` is the rendered one. An app with an ``env.py`` of its own keeps its
    configuration as it is, wherever that lives (``alembic.ini`` elsewhere,
    ``pyproject.toml``); ``_skip_if_exists`` keeps an existing ``alembic.ini`` anyway.
    """
    env = env_file(app_root, migrations_dir)
    try:
        return finds_domains_itself(env.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError):
        return False


def shell_quote(value: object) -> str:
    """``value`` as one shell word: answers are printed in commands users paste.

    >>> shell_quote("tests/budgets")
    'tests/budgets'
    >>> shell_quote("tests; rm -rf ~")
    "'tests; rm -rf ~'"
    """
    return shlex.quote(str(value))


def ini_value(value: str) -> str:
    """``value`` for an ini file read by configparser: ``%`` doubled, one line only.

    >>> ini_value("db%20/migrations")
    'db%%20/migrations'
    """
    if any(ord(character) < 32 for character in value):
        raise ValueError(f"{value!r} cannot be written to alembic.ini: it has a control character")
    return value.replace("%", "%%")


@dataclass
class Advice:
    """What an existing env.py needs so that Alembic sees a domain's tables."""

    imports: list[str] = field(default_factory=list)
    # The app's ``target_metadata = ...`` lines, and what replaces them.
    replace: str = ""
    target: str = ""

    def __bool__(self) -> bool:
        return bool(self.imports or self.target)


@dataclass
class _Env:
    """What env.py imports and what it hands Alembic as ``target_metadata``."""

    text: str
    names: dict[str, str]  # local name -> what it is bound to, e.g. Base -> app.models.Base
    modules: set[str]  # every module env.py imports
    target: ast.expr | None
    target_lines: str

    def resolve(self, node: ast.expr) -> str:
        """The dotted name ``node`` refers to, through env.py's imports ("" if none)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id, "")
        if isinstance(node, ast.Attribute):
            owner = self.resolve(node.value)
            return f"{owner}.{node.attr}" if owner else ""
        return ""

    def local_name(self, dotted: str) -> str:
        """The name env.py knows ``dotted`` by, or ``""``."""
        for name, bound in self.names.items():
            if bound == dotted:
                return name
        module, _, attribute = dotted.rpartition(".")
        for name, bound in self.names.items():
            if bound == module:
                return f"{name}.{attribute}"
        return ""

    def source(self, node: ast.expr) -> str:
        return ast.get_source_segment(self.text, node) or ""


def _read(env_text: str) -> _Env:
    tree = ast.parse(env_text)
    names: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules.add(alias.name)
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    names[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            for alias in node.names:
                modules.add(f"{node.module}.{alias.name}")
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    target: ast.expr | None = None
    lines = ""
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            names_assigned = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names_assigned = [statement.target.id]
        else:
            continue
        if "target_metadata" in names_assigned and statement.value is not None:
            target = statement.value
            source = env_text.splitlines()[statement.lineno - 1 : statement.end_lineno]
            lines = "\n".join(source)
    return _Env(env_text, names, modules, target, lines)


def _imports_package(env: _Env, package: str) -> bool:
    return any(module == package or module.startswith(f"{package}.") for module in env.modules)


def _metadata_refs(env: _Env, node: ast.expr, base: str) -> list[ast.Attribute]:
    """Every ``<base>.metadata`` inside ``node``."""
    return [
        found
        for found in ast.walk(node)
        if isinstance(found, ast.Attribute)
        and found.attr == "metadata"
        and env.resolve(found.value) == base
    ]


def env_advice(env_text: str, package: str, base: str) -> Advice:
    """The lines env.py needs to see the tables of ``package`` (models on ``base``).

    ``base`` is the import path of the models' declarative base. Empty advice means
    env.py already imports the package and gives Alembic the base's metadata (for
    svc-infra's ModelBase: not as is, but without svc-infra's own tables).

    >>> env = "from app.models import Base\\ntarget_metadata = Base.metadata\\n"
    >>> env_advice(env, "app.budgets", "app.models.Base").imports
    ['import app.budgets  # noqa: F401']
    """
    env = _read(env_text)
    advice = Advice()
    if not _imports_package(env, package):
        advice.imports.append(f"import {package}  # noqa: F401")
    if env.target is None:
        advice.target = f"target_metadata = {_bind(env, advice, base, package)}.metadata"
        return advice
    elements = (
        list(env.target.elts) if isinstance(env.target, (ast.List, ast.Tuple)) else [env.target]
    )
    # svc-infra's whole ModelBase.metadata breaks Alembic; the app's tables of it do not.
    whole = [
        e
        for e in elements
        if isinstance(e, ast.Attribute)
        and e.attr == "metadata"
        and env.resolve(e.value) == SVC_INFRA_BASE
    ]
    seen = bool(_metadata_refs(env, env.target, base))
    if not whole and seen:
        return advice
    kept = [env.source(e) for e in elements if e not in whole]
    if whole or base == SVC_INFRA_BASE:
        model_base = _bind(env, advice, SVC_INFRA_BASE, package)
        if env.local_name("sqlalchemy.MetaData") != "MetaData":
            advice.imports.append("from sqlalchemy import MetaData")
        recipe = SVC_INFRA_RECIPE.format(base=model_base) + "\n"
        kept.append("app_metadata")
    else:
        recipe = ""
    if not seen and base != SVC_INFRA_BASE:
        kept.append(f"{_bind(env, advice, base, package)}.metadata")
    advice.replace = env.target_lines
    advice.target = recipe + _assignment(kept)
    return advice


def _bind(env: _Env, advice: Advice, dotted: str, package: str) -> str:
    """The name env.py knows ``dotted`` by, adding its import to ``advice`` if needed.

    A name env.py already uses for something else gets an alias from ``package``:
    ``from app.db.base import Base as BudgetsBase``.
    """
    if local := env.local_name(dotted):
        return local
    module, _, name = dotted.rpartition(".")
    line = f"from {module} import {name}"
    if name in env.names:
        alias = "".join(part.title() for part in package.split(".")[-1].split("_")) + name
        line, name = f"{line} as {alias}", alias
    if line not in advice.imports:
        advice.imports.append(line)
    return name


def _assignment(elements: list[str]) -> str:
    """``target_metadata = x`` or ``target_metadata = [x, y]``."""
    value = elements[0] if len(elements) == 1 else f"[{', '.join(elements)}]"
    return f"target_metadata = {value}"


def _indent(block: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in block.splitlines())


def alembic_message(
    app_root: str,
    migrations_dir: str,
    package: str,
    base_module: str,
    base_name: str,
    table: str,
) -> str:
    """The Alembic part of the after-copy message: what env.py still needs, if anything."""
    env = env_file(app_root, migrations_dir)
    shown = shell_quote(f"{migrations_dir}/env.py")
    try:
        text = env.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"Alembic: no {shown} to read; see the docs' Alembic page to set one up."
    if finds_domains_itself(text):
        return (
            f"Alembic: {shown} finds every rendered domain by itself."
            "\nMigrate: DATABASE_URL=<async database URL> alembic upgrade head"
        )
    try:
        advice = env_advice(text, package, f"{base_module}.{base_name}")
    except SyntaxError:
        return f"Alembic: {shown} does not parse; it must import {package} and use its metadata."
    if not advice:
        return f"Alembic: {shown} already sees the {table} table."
    parts = [
        f"Alembic: {shown} does not see the {table} table yet, so `alembic check`"
        " would want to drop it. The docs' Alembic page explains these lines."
    ]
    if advice.imports:
        parts.append("Add to its imports:\n\n" + _indent("\n".join(advice.imports)))
    if advice.replace:
        parts.append("and replace\n\n" + _indent(advice.replace))
        parts.append("with\n\n" + _indent(advice.target))
        if "svc_infra_tables" in advice.target:
            parts.append(SVC_INFRA_EXCEPTION)
    elif advice.target:
        parts.append("and set\n\n" + _indent(advice.target))
    return "\n\n".join(parts)
