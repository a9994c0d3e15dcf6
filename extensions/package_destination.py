"""A destination that is a package inside a project: ``copier copy <template> app/``.

Copier writes only inside its destination, so the answered folders (``dest_dir``,
``tests_dir``, ``migrations_dir``) stay relative to it, while every Python import is
dotted from the project's import root: ``models/budgets`` in the package ``app`` is
``app.models.budgets``. That package path is recorded once, as ``destination_package``,
because ``copier update`` renders into empty temporary folders where no project is
around to find it again.

A destination is such a package when it has an ``__init__.py``, holds no project file
of its own, and the folders above it are packages up to a project root: a folder with
``pyproject.toml``, ``setup.cfg``, ``setup.py``, ``alembic.ini``, a pytest config or
``.git`` (or the ``src/`` of one). Anything else is a project root, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from . import destination
from .naming import is_identifier, module_path

MARKERS = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "alembic.ini",
    "pytest.ini",
    "tox.ini",
    ".git",
)
# Where an Alembic environment lives when no configuration says (checked in order).
ALEMBIC_FOLDERS = ("migrations", "alembic")
TEST_FOLDERS = ("tests", "test")


def _is_package(folder: Path) -> bool:
    return is_identifier(folder.name) and (folder / "__init__.py").is_file()


def _is_project(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in MARKERS)


@dataclass(frozen=True)
class Project:
    """A package destination and the project around it."""

    root: Path  # where the project's tools run: its pyproject.toml, alembic.ini, .git
    destination: Path  # the package Copier writes into
    package: str  # the destination's import path from the import root: app, ledger.api

    @property
    def folder(self) -> PurePosixPath:
        """The destination relative to the project root: ``app``, ``src/ledger``."""
        return PurePosixPath(self.destination.relative_to(self.root).as_posix())

    @property
    def import_root(self) -> Path:
        """The folder the package is imported from: the root, or its ``src/``."""
        return self.root / "src" if self.folder.parts[0] == "src" else self.root

    def inside(self, relative: str) -> str | None:
        """A path relative to the project root, relative to the destination instead;
        None when it is not inside the destination.

        >>> Project(Path("/p"), Path("/p/app"), "app").inside("app/tests")
        'tests'
        >>> Project(Path("/p"), Path("/p/app"), "app").inside("migrations") is None
        True
        """
        path = PurePosixPath(relative)
        if path == self.folder or not path.is_relative_to(self.folder):
            return None
        return str(path.relative_to(self.folder))

    def module_file(self, dotted: str) -> Path:
        """Where module ``dotted`` (from the import root) lives: ``app.db`` -> ``app/db.py``."""
        return self.import_root.joinpath(*dotted.split(".")).with_suffix(".py")


def find(dst: object) -> Project | None:
    """The project around a package destination, or None (the destination is a project root).

    >>> find("/nowhere") is None
    True
    """
    place = Path(os.path.abspath(str(dst)))
    if not _is_package(place) or _is_project(place):
        return None
    names = [place.name]
    above = place.parent
    while _is_package(above) and not _is_project(above):
        names.insert(0, above.name)
        above = above.parent
    if above.name == "src" and not _is_project(above) and _is_project(above.parent):
        above = above.parent
    if not _is_project(above):
        return None
    return Project(above, place, ".".join(names))


def package(dst: object) -> str:
    """The destination's import path when it is a package inside a project, else ``""``.

    >>> package("/nowhere")
    ''
    """
    project = find(dst)
    return project.package if project else ""


def dotted(destination_package: str, dest_dir: str) -> str:
    """The import path of ``dest_dir`` rendered into the package ``destination_package``.

    >>> dotted("app", "models/budgets"), dotted("", "src/ledger/budgets")
    ('app.models.budgets', 'ledger.budgets')
    """
    return ".".join(filter(None, [destination_package, module_path(dest_dir)]))


def package_of(answers: Mapping[str, Any]) -> str:
    """The import path of a domain's package, from its recorded answers."""
    return dotted(str(answers.get("destination_package") or ""), str(answers.get("dest_dir", "")))


def module_in_destination(module: str, destination_package: str) -> str | None:
    """``module`` relative to the destination package, as a dotted path; None when the
    module is outside it (and no answer can place it there).

    >>> module_in_destination("app.db.base", "app"), module_in_destination("core.db", "app")
    ('db.base', None)
    """
    if not destination_package:
        return module
    prefix = destination_package + "."
    return module.removeprefix(prefix) if module.startswith(prefix) else None


def with_destination_package(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` for templates: called with the recorded ``destination_package``.

    The templates call it as before (``base_module_file(base_class, dest_dir)``).
    """

    @pass_context
    def in_context(context: Context, *args: Any) -> Any:
        return function(*args, package=str(context.get("destination_package") or ""))

    in_context.__doc__ = function.__doc__
    return in_context


def alembic_home(project: Project) -> str:
    """The project's Alembic folder, relative to the project root, or ``""`` when it has none.

    Its configuration first (alembic.ini or pyproject.toml at the root, then the
    package's own alembic.ini), then a ``migrations/`` or ``alembic/`` folder with an
    ``env.py`` at the root or in the package.
    """
    location = destination.alembic_script_location(project.root)
    if location:
        return location
    own = destination.alembic_script_location(project.destination)
    if own:
        return str(project.folder / own)
    for base in (PurePosixPath("."), project.folder):
        for folder in ALEMBIC_FOLDERS:
            if (project.root / base / folder / "env.py").is_file():
                return str(base / folder)
    return ""


def home_of_tests(project: Project, project_tests: str) -> str | None:
    """Where the domain's tests go, relative to the destination; None when the project
    keeps its tests outside it.

    ``project_tests`` is the tests folder a render at the project root would use. When
    it does not exist yet, a tests folder the package has is used instead.
    """
    if (inside := project.inside(project_tests)) is not None:
        return inside
    if (project.root / project_tests).is_dir():
        return None
    for name in TEST_FOLDERS:
        if (project.destination / name).is_dir():
            return name
    return None
