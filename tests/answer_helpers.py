"""Helpers of the questionnaire tests: a fast copy of the template, an app to attack, snapshots."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy
from copier._cli import CopierApp

from tests.conftest import ROOT

# What Copier reads of this repository. A plain folder (no git) renders without the
# clone Copier makes of a git template, several times faster.
TEMPLATE_PARTS = ("copier.yml", "extensions", "template")
EXISTING_HEAD = "0001initial"


def copy_template(destination: Path) -> Path:
    """This repository's template (as in the working tree) in a plain folder."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(
                source, destination / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / part)
    return destination


def copy_answers(template: Path, app: Path, data: dict[Any, Any]) -> None:
    """``copier copy --defaults --data k=v`` through Copier's API."""
    run_copy(str(template), app, data=data, defaults=True, unsafe=True, quiet=True, overwrite=True)


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every folder, file (its bytes) and symlink (its target) under ``root``."""
    found: dict[str, tuple[str, bytes | str]] = {}
    for folder, subfolders, names in os.walk(root):
        for name in subfolders + names:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("symlink", os.readlink(path))
            elif path.is_dir():
                found[key] = ("folder", "")
            else:
                found[key] = ("file", path.read_bytes())
    return found


def write(root: Path, relative: str, text: str = "") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def build_existing_app(root: Path, template: Path) -> Path:
    """An app with code of its own, a migration history, symlinks, and budgets rendered.

    Each feature is something a hostile or careless answer could damage: a module
    and a file where a package could go, a folder where a file could go, a table of
    its own, a symlinked folder and file.
    """
    write(root, "app/__init__.py", '"""The app."""\n')
    write(root, "app/settings.py", "DEBUG = False\n")
    write(root, "app/services.py", "def service() -> None: ...\n")
    write(root, "app/notes", "a file, not a folder\n")
    write(root, "app/legacy/goal.py/README", "a folder named like a module\n")
    write(
        root,
        "app/orders.py",
        'from app.db.base import Base\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n',
    )
    write(root, "shared/README", "outside the app package\n")
    (root / "app/linked").symlink_to("../shared", target_is_directory=True)
    (root / "app/settings_link.py").symlink_to("settings.py")
    write(
        root,
        f"migrations/versions/{EXISTING_HEAD}_initial.py",
        f'revision = "{EXISTING_HEAD}"\ndown_revision = None\n\n\ndef upgrade() -> None: ...\n',
    )
    copy_answers(template, root, {"domain": "budgets"})
    return root


def _copy_arguments(
    template: Path, app: Path, data: dict[Any, Any], *, data_file: bool
) -> list[str]:
    """``copy --defaults`` given ``data`` as ``--data k=v``, or as a ``--data-file``
    when asked or when a value is not text ``--data`` can carry."""
    arguments = ["copy", "--trust", "--defaults", "--quiet"]
    as_text = all(
        isinstance(k, str) and "=" not in k and isinstance(v, str) for k, v in data.items()
    )
    if as_text and not data_file:
        for key, value in data.items():
            arguments += ["--data", f"{key}={value}"]
    else:
        path = app.parent / f"{app.name}.data.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        arguments += ["--data-file", str(path)]
    return [*arguments, str(template), str(app)]


def cli(
    template: Path, app: Path, data: dict[Any, Any], *, data_file: bool = False
) -> subprocess.CompletedProcess[str]:
    """The ``copier`` command, in a process of its own (see ``_copy_arguments``)."""
    command = [
        sys.executable,
        "-m",
        "copier",
        *_copy_arguments(template, app, data, data_file=data_file),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def cli_in_process(
    template: Path, app: Path, data: dict[Any, Any], *, data_file: bool = False
) -> subprocess.CompletedProcess[str]:
    """Copier's command-line application run in this process, its stderr captured.

    The same code as the ``copier`` command (argument and ``--data`` parsing, the
    data file, the error handler that prints a refusal and exits 1) without the
    second of Python start-up each call costs; ``cli`` runs the real process.
    An exception the handler lets through propagates, as a traceback would.
    """
    arguments = _copy_arguments(template, app, data, data_file=data_file)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        _, code = CopierApp.run(["copier", *arguments], exit=False)
    return subprocess.CompletedProcess(["copier", *arguments], code, "", stderr.getvalue())
