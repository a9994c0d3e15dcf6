"""Python source laid out the way ``ruff format`` lays it out, for generated calls."""

from __future__ import annotations

from collections.abc import Sequence

LINE_LENGTH = 88


def call(head: str, args: Sequence[str], indent: int = 0, tail: str = "") -> str:
    """``head(args)tail`` on one line if it fits, else split as ruff format would.

    ``head`` ends with the callee (``"x: int = f"``); the result has no indentation on
    its first line, so it can be placed after ``indent`` spaces in a template.

    >>> print(call("Index", ['"ix_budgets_user_id"', '"user_id"'], indent=8, tail=","))
    Index("ix_budgets_user_id", "user_id"),
    >>> print(call("total = compute_total", ["a" * 38, "b" * 38]))
    total = compute_total(
        aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
    )
    """
    one_line = f"{head}({', '.join(args)}){tail}"
    if indent + len(one_line) <= LINE_LENGTH:
        return one_line
    pad = " " * (indent + 4)
    joined = ", ".join(args)
    if len(pad) + len(joined) <= LINE_LENGTH:
        return f"{head}(\n{pad}{joined}\n{' ' * indent}){tail}"
    body = "".join(f"{pad}{arg},\n" for arg in args)
    return f"{head}(\n{body}{' ' * indent}){tail}"
