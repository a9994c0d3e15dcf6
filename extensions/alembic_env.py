"""The app's Alembic environment, read without importing the app.

A domain's tables reach ``alembic check`` only when ``env.py`` imports the domain's
package and hands the domain's metadata to Alembic. This module decides, from the
text of ``env.py`` alone, whether it does, and if not, which lines it needs: the
after-copy message prints them and docs/alembic.md explains them.
"""

from __future__ import annotations

import ast
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .destination import recorded_answers
from .naming import module_path

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
    walked: tuple[str, ...] = ()  # packages it imports every module of (pkgutil.walk_packages)
    canonical: Callable[[str], str] = str  # where a dotted name is defined (re-exports followed)

    def resolve(self, node: ast.expr) -> str:
        """The dotted name ``node`` refers to, through env.py's imports ("" if none)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id, "")
        if isinstance(node, ast.Attribute):
            owner = self.resolve(node.value)
            return f"{owner}.{node.attr}" if owner else ""
        return ""

    def same(self, first: str, second: str) -> bool:
        """Whether two dotted names are one object: a re-export is its original."""
        return bool(first) and self.canonical(first) == self.canonical(second)

    def local_name(self, dotted: str) -> str:
        """The name env.py knows ``dotted`` by (or a re-export of it), or ``""``."""
        for name, bound in self.names.items():
            if self.same(bound, dotted):
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
    walks = any(
        isinstance(node, ast.Attribute | ast.Name) and _last_name(node) == "walk_packages"
        for node in ast.walk(tree)
    )
    walked = tuple(
        node.value.rstrip(".")
        for node in ast.walk(tree)
        if walks and isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    return _Env(env_text, names, modules, target, lines, walked)


def _last_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _imports_package(env: _Env, package: str) -> bool:
    """env.py imports the package, a module in it, or walks a package above it."""
    return any(
        module == package or module.startswith(f"{package}.") for module in env.modules
    ) or any(package.startswith(f"{walked}.") for walked in env.walked)


def _metadata_refs(env: _Env, node: ast.expr, base: str) -> list[ast.expr]:
    """Every ``<base>.metadata`` inside ``node``, under whichever name env.py imports
    it (a re-export of the base, or a module's ``metadata = Base.metadata``)."""
    return [
        found
        for found in ast.walk(node)
        if isinstance(found, ast.Attribute | ast.Name)
        and env.same(env.resolve(found), f"{base}.metadata")
    ]


def env_advice(
    env_text: str, package: str, base: str, canonical: Callable[[str], str] = str
) -> Advice:
    """The lines env.py needs to see the tables of ``package`` (models on ``base``).

    ``base`` is the import path of the models' declarative base. Empty advice means
    env.py already imports the package and gives Alembic the base's metadata (for
    svc-infra's ModelBase: not as is, but without svc-infra's own tables).

    >>> env = "from app.models import Base\\ntarget_metadata = Base.metadata\\n"
    >>> env_advice(env, "app.budgets", "app.models.Base").imports
    ['import app.budgets  # noqa: F401']
    """
    return domains_advice(env_text, [(package, base)], canonical)


def domains_advice(
    env_text: str,
    domains: Iterable[tuple[str, str]],
    canonical: Callable[[str], str] = str,
) -> Advice:
    """The lines env.py needs to see every domain's tables: (package, base) pairs.

    One step for them all: each package imported once, each base's metadata once
    (a re-export of a base env.py already uses is that base, when ``canonical``
    follows re-exports), under a name that depends on the base, never on a domain.
    """
    env = _read(env_text)
    env.canonical = canonical
    domains = list(domains)
    advice = Advice()
    for package, _ in domains:
        line = f"import {package}  # noqa: F401"
        if not _imports_package(env, package) and line not in advice.imports:
            advice.imports.append(line)
    bases: list[str] = []
    for _, base in domains:
        if not any(env.same(base, known) for known in bases):
            bases.append(base)
    if env.target is None:
        bound = [f"{_bind(env, advice, base)}.metadata" for base in bases]
        advice.target = _assignment(bound)
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
        and env.same(env.resolve(e.value), SVC_INFRA_BASE)
    ]
    missing = [base for base in bases if not _metadata_refs(env, env.target, base)]
    if not whole and not missing:
        return advice
    kept = [env.source(e) for e in elements if e not in whole]
    if whole or any(env.same(base, SVC_INFRA_BASE) for base in missing):
        model_base = _bind(env, advice, SVC_INFRA_BASE)
        if env.local_name("sqlalchemy.MetaData") != "MetaData":
            advice.imports.append("from sqlalchemy import MetaData")
        recipe = SVC_INFRA_RECIPE.format(base=model_base) + "\n"
        kept.append("app_metadata")
    else:
        recipe = ""
    for base in missing:
        if not env.same(base, SVC_INFRA_BASE):
            kept.append(f"{_bind(env, advice, base)}.metadata")
    advice.replace = env.target_lines
    advice.target = recipe + _assignment(kept)
    return advice


def _bind(env: _Env, advice: Advice, dotted: str) -> str:
    """The name env.py knows ``dotted`` by, adding its import to ``advice`` if needed.

    A name env.py already uses for something else gets an alias from the base's own
    module, the same for every domain: ``from app.db.base import Base as DbBase``.

    >>> _bind(_read("from app.models import Base"), Advice(), "app.db.base.Base")
    'DbBase'
    """
    if local := env.local_name(dotted):
        return local
    module, _, name = dotted.rpartition(".")
    line, local = f"from {module} import {name}", name
    taken = set(env.names) | {
        line.split()[-1] for line in advice.imports if line.startswith("from ")
    }
    parts = [part for part in module.split(".") if part.lower() != name.lower()]
    while local in taken and parts:
        local = "".join(part.title().replace("_", "") for part in parts[-1:]) + local
        parts = parts[:-1]
    if local != name:
        line = f"{line} as {local}"
    if line not in advice.imports:
        advice.imports.append(line)
    return local


def _assignment(elements: list[str]) -> str:
    """``target_metadata = x`` or ``target_metadata = [x, y]``."""
    value = elements[0] if len(elements) == 1 else f"[{', '.join(elements)}]"
    return f"target_metadata = {value}"


def _indent(block: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in block.splitlines())


def _module_file(root: Path, module: str) -> Path | None:
    """The app's file of ``module`` (``app/db.py`` or ``app/db/__init__.py``, or under src/)."""
    relative = Path(*module.split("."))
    for folder in (root, root / "src"):
        for path in (folder / relative.with_suffix(".py"), folder / relative / "__init__.py"):
            if path.is_file():
                return path
    return None


def _binding(path: Path, module: str, name: str) -> str:
    """What ``name`` is in module ``module`` (at ``path``): the dotted name it re-exports
    (``from .base import Base``, ``metadata = Base.metadata``), or ``""`` when it is
    defined there or cannot be read.
    """
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imported: dict[str, str] = {}
    stars: list[str] = []
    found = ""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                above = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*above, *([source] if source else [])])
            for alias in node.names:
                if alias.name == "*":
                    stars.append(source)
                else:
                    imported[alias.asname or alias.name] = f"{source}.{alias.name}"
                    if (alias.asname or alias.name) == name:
                        found = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
            found = ""
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            found = _dotted(node.value, imported)
    if not found and stars and not _binds(tree, name):
        return f"{stars[0]}.{name}"
    return found


def _dotted(node: ast.expr, imported: dict[str, str]) -> str:
    if isinstance(node, ast.Name):
        return imported.get(node.id, "")
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value, imported)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def _binds(tree: ast.Module, name: str) -> bool:
    return any(
        (isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name)
        or (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        )
        for node in tree.body
    )


def canonical_names(app_root: str | Path) -> Callable[[str], str]:
    """A function from a dotted name to where the app defines it, re-exports followed.

    ``app.models.Base`` is ``app.db.base.Base`` when ``app/models/__init__.py`` says
    ``from app.db.base import Base``; a name outside the app stays as it is.
    """
    root = Path(app_root)

    @cache
    def canonical(dotted: str, depth: int = 0) -> str:
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            path = _module_file(root, module)
            if path is None:
                continue
            target = _binding(path, module, parts[cut])
            if target and depth < 10:
                return canonical(".".join([target, *parts[cut + 1 :]]), depth + 1)
            return dotted
        return dotted

    return canonical


def _domains(
    app_root: str, migrations_dir: str, package: str, base: str, table: str
) -> list[tuple[str, str, str]]:
    """This domain and every other one rendered for the same Alembic environment:
    (package, base, table), sorted, so each message gives the same consolidated lines."""
    found = {(package, base, table)}
    for answers in recorded_answers(Path(app_root)).values():
        dest_dir, base_class = answers.get("dest_dir"), answers.get("base_class")
        if answers.get("migrations_dir") != migrations_dir or not isinstance(dest_dir, str):
            continue
        own = answers.get("orm_base") == "app" and isinstance(base_class, str)
        found.add(
            (
                module_path(dest_dir),
                str(base_class) if own else SVC_INFRA_BASE,
                str(answers.get("table_name", "")),
            )
        )
    return sorted(found)


def alembic_message(
    app_root: str,
    migrations_dir: str,
    package: str,
    base_module: str,
    base_name: str,
    table: str,
) -> str:
    """The Alembic part of the after-copy message: what env.py still needs, if anything.

    One step for every domain rendered so far into this Alembic environment: the
    message of the last domain is the whole of what env.py lacks.
    """
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
    canonical = canonical_names(app_root)
    domains = _domains(app_root, migrations_dir, package, f"{base_module}.{base_name}", table)
    try:
        unseen = [
            name
            for domain_package, base, name in domains
            if domains_advice(text, [(domain_package, base)], canonical)
        ]
        advice = domains_advice(text, [(p, b) for p, b, _ in domains], canonical)
    except SyntaxError:
        return f"Alembic: {shown} does not parse; it must import {package} and use its metadata."
    if not advice:
        return f"Alembic: {shown} already sees the {table} table."
    tables = " and ".join(filter(None, [", ".join(unseen[:-1]), unseen[-1]])) if unseen else table
    plural, them = ("tables", "them") if len(unseen) > 1 else ("table", "it")
    parts = [
        f"Alembic: {shown} does not see the {tables} {plural} yet, so `alembic check`"
        f" would want to drop {them}. The docs' Alembic page explains these lines"
        + (" (one step for every domain rendered so far)." if len(domains) > 1 else ".")
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
