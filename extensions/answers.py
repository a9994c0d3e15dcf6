"""The whole answer set, checked against itself and against the app, before writing.

Copier writes files as it renders them, so a check that fails half-way leaves a
half-written app. Everything that can fail runs here instead, from a hidden question
after the last one (``answers_check`` in copier.yml): each answer's validator again,
folders that overlap, other domains already rendered into the app, the app's own
modules, tables and migrations, and every path the render will write (symlinks, a
folder where a file goes, a package beside a module of its name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from . import defaults, destination, package_refusal, questionnaire
from .catalogue import Link
from .given import type_problem, validator_message
from .migrations import revisions
from .naming import module_path
from .planned import planned_files
from .questions import refuse
from .relations import missing_reference_key, tenancy_mismatch
from .reserved_names import shadowed_module


@dataclass(frozen=True)
class Plan:
    """Where a render puts things, worked out from the answers."""

    domain: str
    table: str
    dest_dir: PurePosixPath
    tests_dir: PurePosixPath
    migrations_dir: PurePosixPath
    down_revision: str = ""
    base_class: str = ""  # the app's own base; empty with svc-infra's ModelBase
    base_file: PurePosixPath | None = None  # where the template puts base_class's module
    files: tuple[PurePosixPath, ...] = ()  # every file the render writes, or keeps
    tenant_field: str = ""  # empty without tenancy
    base: str = ""  # "svc_infra", or the app's base class path
    links: tuple[Link, ...] = ()  # references with a foreign key
    entry: str = ""  # what the catalogue is read with: the key, or a custom entity's handle

    @property
    def folders(self) -> dict[str, PurePosixPath]:
        """The answered folders, by question."""
        return {
            "dest_dir": self.dest_dir,
            "tests_dir": self.tests_dir,
            "migrations_dir": self.migrations_dir,
        }

    def owner(self, path: PurePosixPath) -> str:
        """The question whose answer puts ``path`` where it is.

        >>> Plan("goals", "goals", *map(PurePosixPath, ("app/goals", "tests", "db"))).owner(
        ...     PurePosixPath("app/__init__.py"))
        'dest_dir'
        """
        if self.base_file and path == self.base_file:
            return "base_class"
        for question, folder in self.folders.items():
            if path.is_relative_to(folder):
                return question
        above = path.parent
        if above != PurePosixPath("."):  # a package folder above an answered one
            for question, folder in self.folders.items():
                if folder.is_relative_to(above):
                    return question
            if self.base_file and self.base_file.is_relative_to(above):
                return "base_class"
        return "domain"  # .copier/answers.<domain>.yml and other files named after it


def _nested(first: PurePosixPath, second: PurePosixPath) -> str:
    """How two folders overlap: ``"the same folder as"``, ``"inside"``, ``"around"``, or ``""``."""
    if first == second:
        return "the same folder as"
    if first.is_relative_to(second):
        return "inside"
    if second.is_relative_to(first):
        return "around"
    return ""


def overlapping_folders(plan: Plan) -> str:
    """The package, the tests and the migrations each need a folder of their own.

    >>> overlapping_folders(Plan("goals", "goals", *map(PurePosixPath, ("tests/goals", "tests", "db"))))
    "dest_dir: 'tests/goals' is inside tests_dir 'tests'; the package, the tests and the migrations each need their own folder, e.g. app/models/goals, tests and migrations."
    """
    folders = list(plan.folders.items())
    for index, (question, folder) in enumerate(folders):
        for other, other_folder in folders[index + 1 :]:
            if relation := _nested(folder, other_folder):
                return (
                    f"{question}: {str(folder)!r} is {relation} {other} {str(other_folder)!r}; the package, the tests "
                    f"and the migrations each need their own folder, e.g. app/models/{plan.domain}, tests and migrations."
                )
    if plan.base_file:
        for question, folder in folders:
            if plan.base_file.is_relative_to(folder):
                return (
                    f"base_class: {plan.base_class!r} would be written to {plan.base_file}, inside {question} "
                    f"{str(folder)!r}, where it would be rendered again with every domain or taken for a test; "
                    "give a module outside the rendered folders, e.g. app.db.base.Base."
                )
    return ""


def other_domains(root: Path, plan: Plan) -> str:
    """Another domain rendered into the app owns its table and its package folder."""
    for domain, answers in destination.recorded_answers(root).items():
        if domain == plan.domain:
            continue  # rendering a domain again, or updating it, is not a conflict
        recorded = f".copier/answers.{domain}.yml"
        if answers.get("table_name") == plan.table:
            return (
                f"table_name: {plan.table!r} is already the table of {domain} in this app ({recorded}); "
                f"choose another name, e.g. fin_{plan.table}."
            )
        their_package = answers.get("dest_dir")
        if not isinstance(their_package, str):
            continue
        theirs = PurePosixPath(their_package)
        for question, folder in plan.folders.items():
            if relation := _nested(folder, theirs):
                return (
                    f"{question}: {str(folder)!r} is {relation} the package of {domain}, {their_package!r} ({recorded}); "
                    f"each domain's package needs a folder of its own, e.g. dest_dir={defaults.package_folder(root, plan.domain)}."
                )
        for key in ("tests_dir", "migrations_dir"):
            their_folder = answers.get(key)
            if isinstance(their_folder, str) and plan.dest_dir.is_relative_to(their_folder):
                return (
                    f"dest_dir: {str(plan.dest_dir)!r} is inside the {key} of {domain}, {their_folder!r} ({recorded}); "
                    f"give a package folder outside it, e.g. {defaults.package_folder(root, plan.domain)}."
                )
    return ""


def app_tables(root: Path, plan: Plan) -> str:
    """The app's own models must not already declare the table."""
    own = (plan.dest_dir, plan.tests_dir / plan.domain, plan.migrations_dir)
    declared = destination.declared_tables(root, skip=own)
    if plan.table in declared:
        return (
            f"table_name: {plan.table!r} is already declared by {declared[plan.table]}; two models of one "
            f"table conflict in SQLAlchemy's metadata and in Alembic. Choose another name, e.g. fin_{plan.table}."
        )
    return ""


def base_module(root: Path, plan: Plan) -> str:
    """An existing base module is kept as it is, so it must define the base class."""
    if not plan.base_file or not (root / plan.base_file).is_file():
        return ""
    name = plan.base_class.rpartition(".")[2]
    if destination.defines(root / plan.base_file, name):
        return ""
    return (
        f"base_class: {plan.base_file} exists but does not define {name}; give the import path of the app's "
        f"declarative base, or a module that does not exist yet (the template writes one there), "
        f"e.g. {defaults.base_class(root)}."
    )


def dataclass_base(root: Path, plan: Plan) -> str:
    """The rendered models are plain declarative classes, not ``MappedAsDataclass`` ones.

    On such a base, every model is made a dataclass when its module is imported, and the
    rendered columns (a default before required ones, callables as defaults) break that.
    """
    if not plan.base_file:
        return ""
    name = plan.base_class.rpartition(".")[2]
    if not destination.is_dataclass_base(root / plan.base_file, name):
        return ""
    return (
        f"base_class: {plan.base_class} is a MappedAsDataclass base, and the rendered models are not "
        f"written as dataclasses (importing them would fail); give them a new base beside it, e.g. "
        f"--data base_class={defaults.new_base_class(root)} (the after-copy message then shows the "
        "Alembic lines for its metadata)."
    )


def known_down_revision(root: Path, plan: Plan) -> str:
    """A given ``down_revision`` must be a revision of the app's history.

    An empty destination has no history to compare with: Copier renders into empty
    temporary folders while it updates an app, with the answers the app recorded.
    """
    if not plan.down_revision or not root.is_dir() or not any(root.iterdir()):
        return ""
    versions = plan.migrations_dir / "versions"
    known = revisions(root / versions)
    if plan.down_revision in known:
        return ""
    shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "") if known else "none"
    return (
        f"down_revision: {plan.down_revision!r} is not a revision in {versions} (found: {shown}); "
        "give the app's current head, or leave it empty to start a new history."
    )


def references(root: Path, plan: Plan) -> str:
    """Referencing domains agree on tenancy and base; a new key needs its target's, one head."""
    if not root.is_dir() or not any(root.iterdir()):
        return ""  # Copier's own render of a release, into an empty folder
    if message := tenancy_mismatch(root, plan.entry or plan.domain, plan.tenant_field, plan.base):
        return message
    if message := missing_reference_key(root, plan.entry or plan.domain, plan.links):
        return message
    for link in plan.links:
        if link.step and not link.after_revision:
            versions = plan.migrations_dir / "versions"
            return (
                f"linked_references: {link.field} can now be a foreign key to {link.table}, but the "
                f"Alembic history in {versions} has several heads (or none), so there is no one "
                "revision for that step to follow. Merge the heads first (alembic merge heads), "
                "then update again."
            )
    return ""


def _ancestors(path: PurePosixPath) -> Iterator[PurePosixPath]:
    """``a``, ``a/b`` for ``a/b/c``: the folders a file is written through."""
    for depth in range(1, len(path.parts)):
        yield PurePosixPath(*path.parts[:depth])


def _fix(root: Path, plan: Plan, question: str) -> str:
    """What to answer instead, when a path placed by ``question`` does not fit."""
    if question == "dest_dir":
        folder = defaults.package_folder(root, plan.domain)
        if PurePosixPath(folder) == plan.dest_dir:  # never suggest the answer refused
            folder = str(PurePosixPath(folder).parent / f"fin_{plan.domain}")
        return f"Choose another dest_dir, e.g. {folder}."
    if question == "base_class":
        base = defaults.base_class(root)
        if base == plan.base_class:
            base = f"{base.rpartition('.')[0]}_model.Base"
        return f"Choose another base_class, e.g. {base}."
    if question in plan.folders:
        return f"Choose another {question}."
    return "Move what is there out of the way first."  # a file no answer places


def unsafe_paths(root: Path, plan: Plan) -> str:
    """Every planned file goes through real folders, to a place that fits it."""
    for path in plan.files:
        question = plan.owner(path)
        for place in [*_ancestors(path), path]:
            if (root / place).is_symlink():
                target = (root / place).readlink()
                return (
                    f"{question}: {path} would be written through the symlink {place} (to {target}), so Copier "
                    f"could change files outside the folder you see. {_fix(root, plan, question)} "
                    "(Or replace the link with a real folder.)"
                )
        for folder in _ancestors(path):
            if (root / folder).exists() and not (root / folder).is_dir():
                return f"{question}: {path} needs {folder} to be a folder, but it is a file. {_fix(root, plan, question)}"
        if (root / path).is_dir():
            return f"{question}: {path} would be written where the app has a folder of that name. {_fix(root, plan, question)}"
    return _packages_beside_modules(root, plan)


def _packages_beside_modules(root: Path, plan: Plan) -> str:
    """A package and a module of one name: the package wins and hides the module."""
    planned = set(plan.files)
    for path in plan.files:
        question = plan.owner(path)
        if path.name == "__init__.py" and path.parent != PurePosixPath("."):
            package, module = path.parent, path.parent.with_suffix(".py")
            if module == plan.base_file and not (root / module).exists():
                question = "base_class"  # the module the answer would have rendered
            if not (root / package).exists() and ((root / module).is_file() or module in planned):
                return (
                    f"{question}: rendering {path} makes {package} a package beside the module {module}, and the "
                    f"package would hide it (import {module_path(str(package))} would stop finding the module). "
                    + _fix(root, plan, question)
                )
        elif path.suffix == ".py" and not (root / path).exists():
            package = path.with_suffix("")
            if (root / package / "__init__.py").is_file() or package / "__init__.py" in planned:
                return (
                    f"{question}: {path} would be written beside the package {package}, which hides it "
                    f"(import {module_path(str(package))} finds the package). "
                    + _fix(root, plan, question)
                )
    return ""


# The standard library's own regression tests: no app imports them, and ``test`` is a
# common name for an app's tests folder.
HARMLESS_SHADOWS = frozenset({"test"})


def shadowing_packages(root: Path, plan: Plan) -> str:
    """A new top-level package must not take the name of one the app imports."""
    for path in plan.files:
        parts = path.parts[1:] if path.parts[:1] == ("src",) else path.parts
        if len(parts) != 2 or parts[1] != "__init__.py" or parts[0] in HARMLESS_SHADOWS:
            continue
        package = path.parent
        if (root / package).exists() or not (why := shadowed_module(parts[0])):
            continue
        question = plan.owner(path)
        return (
            f"{question}: {path} would make {package} a package that shadows {why} "
            f"(the app and its tests would import it instead). {_fix(root, plan, question)}"
        )
    return ""


def problems(root: Path, plan: Plan) -> str:
    """The first reason not to write this plan into the app at ``root``, or ``""``."""
    return (
        overlapping_folders(plan)
        or other_domains(root, plan)
        or app_tables(root, plan)
        or base_module(root, plan)
        or dataclass_base(root, plan)
        or known_down_revision(root, plan)
        or references(root, plan)
        or unsafe_paths(root, plan)
        or shadowing_packages(root, plan)
    )


def revalidated(context: Context) -> str:
    """Every question's type and validator, on the final answers.

    Copier validated each answer as it came; this runs them all once more on the
    complete set, so no path (defaults, a recorded answer, a prompt) is left out.
    """
    questions = questionnaire.load(str(context["_copier_conf"]["src_path"]))
    for question in questions.values():
        if not question.answerable or question.name not in context:
            continue
        value = context[question.name]
        if message := type_problem(question, value) or validator_message(context, question, value):
            return message
    return ""


def plan_of(context: Context) -> Plan:
    """Where the render will put things, from the answers in ``context``."""
    from . import render  # render imports this module for its globals

    answers: dict[str, Any] = dict(context.get_all())
    render.add_layout(answers)
    conf: Mapping[str, Any] = context["_copier_conf"]
    template_root = str(conf["src_path"])
    settings = questionnaire.settings(template_root)
    environment = context.environment
    subdirectory = environment.from_string(str(settings.get("_subdirectory", ""))).render(answers)
    files = planned_files(
        Path(template_root) / subdirectory,
        environment,
        answers,
        str(settings.get("_templates_suffix", ".jinja")),
    )
    own_base = answers.get("orm_base") == "app"
    package = str(answers.get("destination_package") or "")
    base_file = (
        render.base_module_file(answers["base_class"], answers["dest_dir"], package)
        if own_base
        else ""
    )
    return Plan(
        domain=answers["domain_key"],
        entry=answers["domain_entry"],
        table=answers["table_name"],
        dest_dir=PurePosixPath(answers["dest_dir"]),
        tests_dir=PurePosixPath(answers["tests_dir"]),
        migrations_dir=PurePosixPath(answers["migrations_dir"]),
        down_revision=answers.get("down_revision") or "",
        base_class=answers["base_class"] if own_base else "",
        base_file=PurePosixPath(base_file) if own_base and base_file else None,
        files=tuple(files),
        tenant_field=answers["tenant_field"] if answers.get("include_tenant") else "",
        base=answers["base_class"] if own_base else "svc_infra",
        links=answers["d"].links,
    )


@pass_context
def check_answers(context: Context) -> str:
    """Stop Copier, before it writes anything, when the answers do not fit together or the app."""
    if message := revalidated(context):
        refuse(message)
    if message := package_refusal.problem(context):
        refuse(message)
    root = Path(str(context["_copier_conf"]["dst_path"]))
    if message := problems(root, plan_of(context)):
        refuse(message)
    return "ok"
