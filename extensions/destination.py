"""The app on disk, read without importing any of it: packages, bases, tools' config.

Everything here parses files (``ast``, ``configparser``, ``tomllib``); nothing runs the
app's code. Results depend only on the files, so defaults derived from them are the
same every time for the same app.
"""

from __future__ import annotations

import ast
import configparser
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .naming import is_identifier

# Folders that hold no app code worth reading (tools, environments, build output).
SKIPPED_FOLDERS = frozenset(
    {"__pycache__", "node_modules", "site-packages", "venv", "env", "build", "dist", "htmlcov"}
)
# Folders whose code is test code: a base class defined there is not the app's.
TEST_FOLDERS = frozenset({"tests", "test", "testing"})
MAX_FILES = 5000  # an app bigger than this is read only in part (sorted, so the same part)
DECLARATIVE_BASES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
# A base whose models are dataclasses: their columns follow dataclass rules (ordering,
# ``init=False``, ``default_factory``), which the rendered models do not.
DATACLASS_MIXINS = frozenset({"MappedAsDataclass"})
SVC_INFRA_BASE_MODULES = frozenset({"svc_infra.db.sql.base", "svc_infra.db.sql"})


def python_files(root: Path) -> list[Path]:
    """The app's ``.py`` files, sorted, outside hidden, virtual-env and build folders.

    Symlinks are not followed: what they point to is not this app's to read.
    """
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in SKIPPED_FOLDERS
            and not (Path(folder) / name / "pyvenv.cfg").exists()
        )
        found += [
            Path(folder) / name
            for name in sorted(names)
            if name.endswith(".py") and not (Path(folder) / name).is_symlink()
        ]
        if len(found) >= MAX_FILES:
            break
    return found[:MAX_FILES]


@dataclass(frozen=True)
class ModuleFacts:
    """What the checks and defaults need to know of one module of the app."""

    bases: tuple[str, ...] = ()  # declarative base classes it defines at top level
    dataclass_bases: tuple[str, ...] = ()  # those of them whose models are dataclasses
    derives_from_model_base: bool = False  # a class of it derives from svc-infra's ModelBase
    tables: tuple[str, ...] = ()  # ``__tablename__`` literals of its classes
    bound: frozenset[str] = frozenset()  # names bound at its top level
    star_import: bool = False  # ``from x import *``: what it binds is unknown


def facts(path: Path) -> ModuleFacts | None:
    """What module ``path`` defines, or None when it cannot be read or parsed."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _facts(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _facts(path: str, modified: int, size: int) -> ModuleFacts | None:
    # Keyed on time and size: the same run may read a file before and after a render.
    # Only these few facts are kept, never the syntax tree of a whole app.
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    bound, star_import = _top_level_names(tree)
    return ModuleFacts(
        bases=tuple(bases_defined(tree)),
        dataclass_bases=tuple(dataclass_bases_defined(tree)),
        derives_from_model_base=_derives_from_model_base(tree),
        tables=tuple(_table_names(tree)),
        bound=frozenset(bound),
        star_import=star_import,
    )


def module_name(root: Path, path: Path) -> str:
    """The import path of ``path`` in the app, or ``""`` when it is not importable.

    Every folder above it up to the import root (the app, or ``src/``) must be a
    package with an ``__init__.py``.

    >>> module_name(Path("/nowhere"), Path("/nowhere/notes.txt"))
    ''
    """
    relative = PurePosixPath(path.relative_to(root).as_posix())
    if relative.suffix != ".py":
        return ""
    import_root, parts = root, list(relative.parts)
    if parts[0] == "src":
        import_root, parts = root / "src", parts[1:]
    folders = parts[:-1]
    for depth in range(1, len(folders) + 1):
        if not (import_root.joinpath(*folders[:depth]) / "__init__.py").is_file():
            return ""
    names = folders if relative.stem == "__init__" else [*folders, relative.stem]
    if not names or not all(is_identifier(name) for name in names):
        return ""
    return ".".join(names)


def is_test_code(root: Path, path: Path) -> bool:
    """Whether ``path`` lies in a tests folder or is a test module or conftest."""
    relative = path.relative_to(root)
    return (
        any(part in TEST_FOLDERS for part in relative.parts[:-1])
        or path.name == "conftest.py"
        or path.name.startswith("test_")
    )


def _name_of(node: ast.expr) -> str:
    """``DeclarativeBase`` for both ``DeclarativeBase`` and ``orm.DeclarativeBase``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_base_factory(node: ast.expr | None) -> bool:
    """``declarative_base()`` or ``registry().generate_base()``."""
    return isinstance(node, ast.Call) and _name_of(node.func) in {
        "declarative_base",
        "generate_base",
    }


def bases_defined(tree: ast.Module) -> list[str]:
    """Names of the declarative base classes a module defines at its top level.

    >>> bases_defined(ast.parse("class Base(AsyncAttrs, orm.DeclarativeBase): pass"))
    ['Base']
    >>> bases_defined(ast.parse("Model = declarative_base()"))
    ['Model']
    """
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            _name_of(base) in DECLARATIVE_BASES for base in node.bases
        ):
            found.append(node.name)
        elif isinstance(node, ast.Assign) and _is_base_factory(node.value):
            found += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and _is_base_factory(node.value)
        ):
            found.append(node.target.id)
    return found


def dataclass_bases_defined(tree: ast.Module) -> list[str]:
    """Names of the declarative bases a module defines whose models are dataclasses.

    >>> dataclass_bases_defined(ast.parse("class Base(DeclarativeBase, MappedAsDataclass): pass"))
    ['Base']
    >>> dataclass_bases_defined(ast.parse("class Base(DeclarativeBase): pass"))
    []
    """
    defined = set(bases_defined(tree))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and node.name in defined
        and any(_name_of(base) in DATACLASS_MIXINS for base in node.bases)
    ]


def is_dataclass_base(module_file: Path, name: str) -> bool:
    """Whether ``name`` in ``module_file`` (or in its package, ``<module>/__init__.py``)
    is a ``MappedAsDataclass`` base.

    >>> is_dataclass_base(Path("/nowhere.py"), "Base")
    False
    """
    for path in (module_file, module_file.with_suffix("") / "__init__.py"):
        if (known := facts(path)) is not None and name in known.dataclass_bases:
            return True
    return False


@dataclass(frozen=True)
class Base:
    """A declarative base the app defines: where, and under which import path."""

    path: Path
    module: str
    name: str

    @property
    def class_path(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def in_package_init(self) -> bool:
        return self.path.name == "__init__.py"


def declarative_bases(root: Path) -> list[Base]:
    """The app's own declarative bases, in path order; test code is left out."""
    found = []
    for path in python_files(root):
        known = None if is_test_code(root, path) else facts(path)
        module = module_name(root, path) if known and known.bases else ""
        if known and module:
            found += [Base(path, module, name) for name in known.bases]
    return found


def _derives_from_model_base(tree: ast.Module) -> bool:
    local = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in SVC_INFRA_BASE_MODULES
        for alias in node.names
        if alias.name == "ModelBase"
    }
    return bool(local) and any(
        isinstance(node, ast.ClassDef) and any(_name_of(base) in local for base in node.bases)
        for node in ast.walk(tree)
    )


def uses_svc_infra_model_base(root: Path) -> bool:
    """Whether the app's models derive from svc-infra's ``ModelBase``."""
    return any(
        (known := facts(path)) is not None and known.derives_from_model_base
        for path in python_files(root)
        if not is_test_code(root, path)
    )


def _top_level_names(tree: ast.Module) -> tuple[set[str], bool]:
    """The names a module binds at its top level, and whether it star-imports."""
    bound: set[str] = set()
    star_import = False
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {target.id for target in targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            star_import |= any(alias.name == "*" for alias in node.names)
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return bound, star_import


def defines(path: Path, name: str) -> bool:
    """Whether module ``path`` binds ``name`` at its top level (a star import may).

    >>> defines(Path("/nowhere.py"), "Base")
    False
    """
    known = facts(path)
    return known is not None and (name in known.bound or known.star_import)


def _table_names(tree: ast.Module) -> list[str]:
    """``__tablename__ = "..."`` literals in the module's classes."""
    return [
        item.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in item.targets)
        and isinstance(item.value, ast.Constant)
        and isinstance(item.value.value, str)
    ]


def declared_tables(root: Path, skip: tuple[PurePosixPath, ...] = ()) -> dict[str, str]:
    """Tables the app's own models declare: table -> the first file declaring it.

    Files under ``skip`` (folders relative to ``root``) and test code are left out.
    """
    tables: dict[str, str] = {}
    for path in python_files(root):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if any(relative.is_relative_to(folder) for folder in skip) or is_test_code(root, path):
            continue
        for table in known.tables if (known := facts(path)) else ():
            tables.setdefault(table, str(relative))
    return tables


def top_level_packages(root: Path) -> list[str]:
    """The app's own top-level packages (``app``, or ``src/ledger``), sorted.

    Test, migration and documentation folders are not the app's code.
    """
    found: list[str] = []
    for prefix in ("", "src/"):
        folder = root / prefix if prefix else root
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in sorted(folder.iterdir()):
            if (
                entry.is_dir()
                and not entry.is_symlink()
                and is_identifier(entry.name)
                and entry.name not in TEST_FOLDERS | {"migrations", "alembic", "docs", "scripts"}
                and (entry / "__init__.py").is_file()
            ):
                found.append(prefix + entry.name)
    return found


def project_name(root: Path) -> str:
    """``[project] name`` of pyproject.toml as an import name (``my-app`` -> ``my_app``)."""
    table = _pyproject(root).get("project", {})
    name = table.get("name") if isinstance(table, dict) else None
    return name.replace("-", "_").replace(".", "_").lower() if isinstance(name, str) else ""


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _ini(path: Path) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    return parser


def _inside_app(root: Path, location: str) -> str:
    """``%(here)s/db/migrations`` or an absolute path in the app -> ``db/migrations``."""
    location = location.strip().replace("%(here)s", str(root))
    path = Path(location)
    if path.is_absolute():
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return ""
    return PurePosixPath(location).as_posix()


def _resource(root: Path, location: str) -> str:
    """Alembic's ``package:folder`` form, as a folder of the app when it is one."""
    package, _, folder = location.partition(":")
    for prefix in ("", "src/"):
        candidate = f"{prefix}{package.replace('.', '/')}/{folder}".rstrip("/")
        if (root / candidate).is_dir():
            return candidate
    return ""


def alembic_script_location(root: Path) -> str:
    """Where the app keeps its Alembic scripts, from alembic.ini or pyproject.toml.

    ``alembic.ini`` at the root first, then ``src/alembic.ini`` (an app run from
    ``src/``, like benavlabs/FastAPI-boilerplate: its relative ``script_location`` is
    under ``src/``). ``""`` when none says (or the place is outside the app).
    """
    location = _script_location(root, read_pyproject=True)
    src = root / "src"
    if location is None and src.is_dir() and not src.is_symlink():
        found = _script_location(src, read_pyproject=False)
        return f"src/{found}" if found else ""
    return location or ""


def _script_location(folder: Path, read_pyproject: bool) -> str | None:
    """``script_location`` of ``folder``'s alembic.ini (else of its pyproject.toml, when
    asked) as a path relative to ``folder``; None when neither says.
    """
    location = ""
    ini = _ini(folder / "alembic.ini") if (folder / "alembic.ini").is_file() else None
    if ini is not None and ini.has_option("alembic", "script_location"):
        location = ini.get("alembic", "script_location")
    elif read_pyproject:
        tool = _pyproject(folder).get("tool", {}).get("alembic", {})
        value = tool.get("script_location") if isinstance(tool, dict) else None
        location = value if isinstance(value, str) else ""
    if not location.strip():
        return None
    if ":" in location and "%(here)s" not in location and not Path(location).is_absolute():
        return _resource(folder, location.strip())
    return _inside_app(folder, location)


def _ini_testpaths(path: Path, section: str) -> list[str] | None:
    """``testpaths`` of an ini-style pytest config; None when it has no pytest section."""
    parser = _ini(path) if path.is_file() else None
    if parser is None or not parser.has_section(section):
        return None
    return parser.get(section, "testpaths", fallback="").split()


def pytest_testpaths(root: Path) -> list[str]:
    """``testpaths`` from the app's pytest config, read in pytest's own order.

    pytest uses the first of pytest.ini, .pytest.ini, pyproject.toml, tox.ini and
    setup.cfg that configures it, even when that one sets no testpaths.
    """
    for name in ("pytest.ini", ".pytest.ini"):
        found = _ini_testpaths(root / name, "pytest")
        if found is not None:
            return found
    tool = _pyproject(root).get("tool", {})
    pytest_table = tool.get("pytest", {}) if isinstance(tool, dict) else {}
    if isinstance(pytest_table, dict) and pytest_table:
        options = pytest_table.get("ini_options", pytest_table)
        paths = options.get("testpaths", []) if isinstance(options, dict) else []
        if isinstance(paths, str):
            paths = paths.split()
        return [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        found = _ini_testpaths(root / name, section)
        if found is not None:
            return found
    return []


def answers_file(path: Path) -> dict[str, Any] | None:
    """The answers an answers file records, or None when it is missing or unreadable."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return loaded if isinstance(loaded, dict) else None


def recorded_answers(root: Path) -> dict[str, dict[str, Any]]:
    """Every domain's answers file in the app: domain -> its recorded answers."""
    answers: dict[str, dict[str, Any]] = {}
    for path in sorted((root / ".copier").glob("answers.*.yml")):
        if (loaded := answers_file(path)) is not None:
            answers[path.name.removeprefix("answers.").removesuffix(".yml")] = loaded
    return answers


def walk_up(root: Path, relative: PurePosixPath) -> Iterator[tuple[PurePosixPath, Path]]:
    """Each path from the first folder of ``relative`` down to itself, with its place on disk."""
    for depth in range(1, len(relative.parts) + 1):
        partial = PurePosixPath(*relative.parts[:depth])
        yield partial, root / partial
