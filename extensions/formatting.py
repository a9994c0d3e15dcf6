"""Rendered Python, formatted by ruff exactly as ``ruff format`` would in the app.

Templates wrap each Python file in ``{% filter ruff_format %}``. Ruff is a pinned
dependency of the template (README: "Install"); the same ruff always gives the same
bytes, and ``copier update`` formats both template versions with it, so a ruff
upgrade never shows up as a change in an app.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache


class FormattingError(RuntimeError):
    """Ruff is missing, or refused the rendered code (a template bug)."""


PINNED = "0.17"  # ruff's style changes only with its minor version


@cache
def _ruff() -> str:
    binary = _find_ruff()
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout
    if not version.startswith(f"ruff {PINNED}."):
        raise FormattingError(
            f"fin-infra-persistence renders with ruff {PINNED}.x (byte-identical output), found "
            f"{version.strip() or 'no version'}: pipx inject copier 'ruff=={PINNED}.6'"
        )
    return binary


def _find_ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        found = shutil.which("ruff")
        if found is None:
            raise FormattingError(
                "fin-infra-persistence formats the code it renders with ruff, which is "
                f"not installed where Copier runs: pipx inject copier 'ruff=={PINNED}.6' "
                "(or pip install it next to copier)"
            ) from None
        return found
    return str(find_ruff_bin())


def ruff_format(source: str) -> str:
    """``source`` formatted with ruff's defaults (line length 88, double quotes).

    >>> ruff_format("x = {  'a':1 }")
    'x = {"a": 1}\\n'
    """
    result = subprocess.run(
        [_ruff(), "format", "--isolated", "--stdin-filename", "rendered.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise FormattingError(f"ruff could not format rendered code:\n{result.stderr}\n{source}")
    return result.stdout
