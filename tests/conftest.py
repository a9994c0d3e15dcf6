"""Shared helpers of the template's own tests: render, inspect, run rendered code."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

ROOT = Path(__file__).resolve().parents[1]
# Scripts run inside rendered apps, never imported here.
collect_ignore = ["scripts"]
BIN = Path(sys.executable).parent


def render(dst: Path, **data: Any) -> Path:
    """Render the template into ``dst`` as ``copier copy --defaults --data k=v`` does."""
    run_copy(str(ROOT), dst, data=data, defaults=True, unsafe=True, quiet=True, overwrite=True)
    return dst


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".mypy_cache" not in path.parts
    }


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a tool of this venv in ``cwd``; the caller asserts on the result."""
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def tool(name: str) -> str:
    return str(BIN / name)


def rendered_pytest(
    app: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The rendered app's own test suite, run as its developers would run it."""
    return run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::sqlalchemy.exc.SAWarning",
        ],
        app,
        env,
    )


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Path]:
    """An empty application folder to render into."""
    folder = tmp_path / "project"
    folder.mkdir()
    yield folder
