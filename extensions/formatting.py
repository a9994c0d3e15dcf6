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


@cache
def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        found = shutil.which("ruff")
        if found is None:
            raise FormattingError(
                "fin-infra-persistence formats the code it renders with ruff, which is "
                "not installed where Copier runs: pipx inject copier ruff "
                "(or pip install ruff next to copier)"
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
