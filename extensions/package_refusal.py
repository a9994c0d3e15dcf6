"""What a package destination cannot hold, refused before anything is written.

Copier writes only inside its destination. Rendered into a package of a project
(``copier copy <template> app/``), a domain's files all fit when the project keeps its
Alembic environment and its tests inside that package; otherwise the revision would
land in a second Alembic environment, or the tests beside the wrong code. Copier is
stopped then, with one line that says why and gives the command that works: the same
copy, run from the project root, with the package folder as ``dest_dir``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from . import defaults, destination
from .alembic_env import finds_domains_itself, shell_quote
from .package_destination import Project, alembic_home, find, home_of_tests, module_in_destination
from .questions import refuse

# Answers that are folders relative to the destination: from the project root, they
# are inside the package folder.
FOLDER_QUESTIONS = ("dest_dir", "tests_dir", "migrations_dir")


def _text(value: object) -> str | None:
    """An answer as ``--data`` carries it; None for one that is not text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return None if value is None else json.dumps(value)


def _shown(path: Path) -> str:
    """``path`` as the user sees it: relative to where Copier runs when near it."""
    here = Path.cwd()
    if path == here:
        return "."
    if path.is_relative_to(here) or here.is_relative_to(path):
        return os.path.relpath(path, here)
    return str(path)


def _source(context: Context) -> str:
    """The template as the user named it (``gh:org/...``); a local folder, absolute."""
    remembered = context.get("_copier_answers") or {}
    source = str(remembered.get("_src_path") or context["_copier_conf"]["src_path"])
    local = Path(source).expanduser()
    return str(local.resolve()) if ":" not in source and local.exists() else source


def command(context: Context, project: Project, dest_dir: str) -> str:
    """The copy the user ran, from the project root, with every folder inside the package.

    The answers given with ``--data`` are kept (folders moved under the package
    folder), and ``dest_dir`` is always given, so the domain lands where the user
    pointed.
    """
    conf: Mapping[str, Any] = context["_copier_conf"]
    words = ["copier", "copy", "--trust"]
    if conf.get("vcs_ref"):
        words += ["--vcs-ref", str(conf["vcs_ref"])]
    if conf.get("defaults"):
        words.append("--defaults")
    words += [_source(context), "."]
    data = {k: v for k, v in conf.get("data", {}).items() if k != "destination_package"}
    for question in FOLDER_QUESTIONS:
        if isinstance(data.get(question), str):
            data[question] = f"{project.folder}/{data[question]}"
    data.setdefault("dest_dir", f"{project.folder}/{dest_dir}")
    for name, value in data.items():
        if (text := _text(value)) is not None:
            words += ["--data", f"{name}={text}"]
    line = " ".join(shell_quote(word) for word in words)
    root = _shown(project.root)
    return line if root == "." else f"cd {shell_quote(root)} && {line}"


def outside(project: Project, migrations_dir: str | None, tests_dir: str | None) -> str:
    """What would have to go outside the package, as a clause; ``""`` when nothing.

    ``None`` for a folder not answered yet: the project's own is looked up.
    """
    folder = project.folder
    if migrations_dir is None:
        home = alembic_home(project)
        migrations_dir = project.inside(home) if home else None
        if migrations_dir is None:
            if home:
                return f"its Alembic environment is {home}/, outside {folder}"
            return "it has no Alembic environment yet, and a new one belongs at the project root"
    env = project.destination / migrations_dir / "env.py"
    try:
        text = env.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (
            f"{folder}/{migrations_dir} has no Alembic env.py, and a second Alembic environment "
            f"inside {folder} would not be the project's"
        )
    if finds_domains_itself(text):
        return (
            f"{folder}/{migrations_dir}/env.py finds its domains in .copier/ at the project "
            f"root, not in {folder}/.copier/"
        )
    if tests_dir is None:
        project_tests = defaults.app_tests_folder(project.root)
        if home_of_tests(project, project_tests) is None:
            return f"its tests are in {project_tests}/, outside {folder}"
    return ""


def base_outside(project: Project, base_class: str) -> str:
    """Why the app's own base cannot be used from outside the package, or ``""``."""
    module = base_class.rpartition(".")[0]
    if module_in_destination(module, project.package) is not None:
        return ""
    path = project.module_file(module)
    if not path.is_file() and not (path.with_suffix("") / "__init__.py").is_file():
        return f"base_class {base_class} would be written to {path.relative_to(project.root)}, outside {project.folder}"
    return ""


def message(context: Context, project: Project, reason: str, dest_dir: str) -> str:
    """One line: the situation, and the command that works."""
    dst = _shown(project.destination)
    return (
        f"destination: {dst} is a package of the project in {_shown(project.root)}, and {reason}; "
        f"Copier writes only inside its destination. Run it from the project root: "
        f"{command(context, project, dest_dir)}"
    )


def _recorded(context: Context) -> Mapping[str, Any]:
    """This domain's recorded answers in the destination (an update), or nothing."""
    conf = context["_copier_conf"]
    path = Path(str(conf["dst_path"])) / str(conf["answers_file"])
    return (destination.answers_file(path) or {}) if path.is_file() else {}


def _folder(value: object) -> str | None:
    return value if isinstance(value, str) else None


@pass_context
def in_a_project(context: Context) -> bool:
    """Whether the destination is a package inside a project (the ``when`` of
    ``destination_package``); stops Copier, before the questions where things go,
    when something would have to be written outside it.

    Folders given with ``--data``, or recorded by an earlier copy, are taken as they
    are; the others are the project's own.
    """
    conf = context["_copier_conf"]
    project = find(conf["dst_path"])
    given = conf.get("data", {})
    if "destination_package" in given and given["destination_package"] != (
        project.package if project else ""
    ):
        dst = Path(str(conf["dst_path"]))
        if dst.is_dir() and any(dst.iterdir()):  # an update renders into empty folders
            refuse(
                "destination_package: it is worked out from the destination folder "
                f"({project.package if project else 'nothing: not a package'}); leave it out of --data."
            )
    if project is None:
        return False
    known = {**_recorded(context), **given}
    reason = outside(project, _folder(known.get("migrations_dir")), _folder(known.get("tests_dir")))
    if reason:
        dest_dir = _folder(known.get("dest_dir")) or defaults.package_folder(
            project.destination, str(context["domain_key"])
        )
        refuse(message(context, project, reason, dest_dir))
    return True


def problem(context: Context) -> str:
    """The refusal for the final answers (asked ones included), or ``""``."""
    project = find(context["_copier_conf"]["dst_path"])
    if project is None:
        return ""
    reason = outside(project, str(context["migrations_dir"]), str(context["tests_dir"]))
    if not reason and context.get("orm_base") == "app":
        reason = base_outside(project, str(context["base_class"]))
    return message(context, project, reason, str(context["dest_dir"])) if reason else ""


@pass_context
def project_path(context: Context, path: str) -> str:
    """``path`` (relative to the destination) as the project's tools see it: from the
    project root when the destination is a package inside a project.

    The after-copy message prints commands the user runs where pytest, pip and Alembic
    run, which for ``copier copy ... app/`` is the project root.
    """
    project = find(context["_copier_conf"]["dst_path"])
    return f"{project.folder}/{path}" if project else path


def from_project_root(message: Callable[..., str]) -> Callable[..., str]:
    """The Alembic part of the after-copy message, read from the project root when the
    destination is a package inside a project (its env.py is shown as ``app/...``, and
    the app's imports are followed from the import root)."""

    def at_root(app_root: str, migrations_dir: str, *args: Any) -> str:
        project = find(app_root)
        if project is None:
            return message(app_root, migrations_dir, *args)
        return message(str(project.root), f"{project.folder}/{migrations_dir}", *args)

    at_root.__doc__ = message.__doc__
    return at_root
