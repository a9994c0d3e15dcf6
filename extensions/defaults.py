"""Defaults that fit the app in front of you, derived from what it has on disk.

Its package, its declarative base, its Alembic folder and its tests folder come from
its files (``destination``); a default never creates a package beside a module of the
same name. Every default also passes its question's validator (Copier validates
defaults, and a failing one would stop it with a traceback), falling back to the
plain default otherwise. An empty folder gets the plain defaults: ``app/models/<domain>``,
``app.db.base.Base``, ``migrations``, ``tests``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from . import destination, package_destination, questions
from .ids import revision_id
from .migrations import single_head

PACKAGE = "app"
# Folders of the app's package a domain's package may go in, in order of preference.
MODEL_FOLDERS = ("models", "persistence", "fin_persistence")
# Modules a new declarative base may go in, in order of preference.
BASE_MODULES = ("db.base", "database.base", "persistence.base")
MIGRATIONS = "migrations"
TESTS = "tests"


def _root(app_root: object) -> Path:
    return Path(str(app_root))


def top_package(app_root: object) -> str:
    """The app's top-level package as a folder: ``app``, ``ledger`` or ``src/ledger``.

    The one package the app has; with several, the one pyproject.toml names, else
    ``app``, else the first. ``app`` when it has none.

    >>> top_package("/nowhere")
    'app'
    """
    root = _root(app_root)
    found = [p for p in destination.top_level_packages(root) if not _invalid_package(p)]
    if len(found) == 1:
        return found[0]
    named = destination.project_name(root)
    for wanted in (named, PACKAGE):
        for folder in found:
            if PurePosixPath(folder).name == wanted:
                return folder
    return found[0] if found else PACKAGE


def _invalid_package(folder: str) -> bool:
    """Whether dest_dir's validator would refuse a folder in it (say, it shadows ``json``)."""
    return bool(questions.package_dir("dest_dir", f"{folder}/x"))


def blocked(app_root: Path, folder: str) -> str:
    """Why rendering a package at ``folder`` (relative) would break the app, or ``""``.

    A folder on the way that is a file or a symlink, or that does not exist yet while
    a module of its name does (the new package would hide the module).

    >>> blocked(Path("/nowhere"), "app/models/budgets")
    ''
    """
    for partial, place in destination.walk_up(app_root, PurePosixPath(folder)):
        if place.is_symlink():
            return f"{partial} is a symlink"
        if place.exists() and not place.is_dir():
            return f"{partial} is a file"
        if not place.exists() and place.with_suffix(".py").is_file():
            return f"{partial}.py is a module"
    return ""


def _taken(app_root: Path, folder: str, domain: str) -> bool:
    """Whether ``folder`` already holds something other than this domain's package."""
    recorded = destination.recorded_answers(app_root)
    if recorded.get(domain, {}).get("dest_dir") == folder:
        return False
    if any(answers.get("dest_dir") == folder for answers in recorded.values()):
        return True
    place = app_root / folder
    return place.is_dir() and any(place.iterdir())


def package_folder(app_root: object, domain: str) -> str:
    """``<package>/models/<domain>``, or the first other folder that collides with nothing.

    >>> package_folder("/nowhere", "goals")
    'app/models/goals'
    """
    root = _root(app_root)
    # In a package inside a project (``copier copy ... app/``), the package is the top.
    top = "" if package_destination.find(root) else f"{top_package(root)}/"
    candidates = [f"{top}{folder}/{domain}" for folder in MODEL_FOLDERS]
    for candidate in candidates:
        if not blocked(root, candidate) and not _taken(root, candidate, domain):
            return candidate
    return candidates[0]  # the checks before writing say why, and what to give instead


def _fits(root: Path, base: destination.Base) -> bool:
    """Whether the rendered model can import ``base`` and nothing is written beside it.

    A base in a package's ``__init__.py`` is left out: the template would write
    ``<package>.py`` next to that package.
    """
    return not base.in_package_init and not questions.class_path("base_class", base.class_path)


def base_class(app_root: object) -> str:
    """The app's own declarative base, or a new ``Base`` in a module that is free.

    >>> base_class("/nowhere")
    'app.db.base.Base'
    """
    root = _root(app_root)
    for base in destination.declarative_bases(_code_root(root)):
        if _fits(root, base):
            return base.class_path
    return new_base_class(root)


def _code_root(root: Path) -> Path:
    """Where the app's code is read from: the project around a package destination,
    so that the import paths found are dotted from its import root."""
    project = package_destination.find(root)
    return project.root if project else root


def new_base_class(app_root: object) -> str:
    """A new ``Base`` in the first free module of the app's package, beside any it has.

    >>> new_base_class("/nowhere")
    'app.db.base.Base'
    """
    root = _root(app_root)
    top = top_package(root)
    name = PurePosixPath(top).name
    if project := package_destination.find(root):
        top, name = "", project.package
    for module in BASE_MODULES:
        module_file = PurePosixPath(top, *module.split(".")).with_suffix(".py")
        if not blocked(root, str(module_file.parent)) and not (root / module_file).exists():
            return f"{name}.{module}.Base"
    return f"{name}.{BASE_MODULES[0]}.Base"


def orm_base(app_root: object) -> str:
    """``svc_infra`` when the app's models use svc-infra's ModelBase and it has no base of its own."""
    root = _code_root(_root(app_root))
    own = any(_fits(root, base) for base in destination.declarative_bases(root))
    return "svc_infra" if not own and destination.uses_svc_infra_model_base(root) else "app"


def migrations_folder(app_root: object) -> str:
    """Alembic's ``script_location``, or an Alembic folder the app has, else ``migrations``."""
    root = _root(app_root)
    if project := package_destination.find(root):
        return project.inside(package_destination.alembic_home(project)) or MIGRATIONS
    location = destination.alembic_script_location(root)
    if location and not questions.app_path("migrations_dir", location):
        return location
    for folder in package_destination.ALEMBIC_FOLDERS:
        if (root / folder / "env.py").is_file():
            return folder
    return MIGRATIONS


def app_tests_folder(app_root: object) -> str:
    """The first of pytest's ``testpaths`` that is a plain folder, else ``tests`` or ``test``.

    A ``testpaths`` entry that is one of the app's own packages (``testpaths = ["app"]``,
    its tests in ``app/tests``) holds the app's code, where the domain's package goes
    too: its ``tests`` (or ``test``) folder is the tests folder then.
    """
    root = _root(app_root)
    if project := package_destination.find(root):
        return package_destination.home_of_tests(project, app_tests_folder(project.root)) or TESTS
    packages = destination.top_level_packages(root)
    for entry in destination.pytest_testpaths(root):
        entry = entry.rstrip("/")
        if entry in packages:
            inside = [
                f"{entry}/{name}" for name in (TESTS, "test") if (root / entry / name).is_dir()
            ]
            entry = inside[0] if inside else ""
        if entry and not questions.app_path("tests_dir", entry):
            return entry
    if not (root / TESTS).is_dir() and (root / "test").is_dir():
        return "test"
    return TESTS


def down_revision(app_root: object, migrations: str, domain: str, table: str) -> str:
    """The app's single Alembic head, when it is an id the migration can follow.

    ``""`` (a new history) when there is no history, several heads, or a head whose id
    the validator would refuse.
    """
    own = revision_id(domain, table)
    if questions.app_path("migrations_dir", migrations):
        return ""
    head = single_head(_root(app_root), migrations, exclude=own)
    return "" if questions.down_revision(head, own) else head
