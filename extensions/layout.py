"""Python source laid out so that ``ruff format`` leaves it alone at any line length.

Rendered files are not run through a formatter (their bytes must depend only on the
answers and the template release), so the templates lay out every construct whose
length depends on an answer with :func:`call`: on one line when it fits in 88
columns, otherwise one argument per line with a trailing comma. Ruff keeps such a
"magic trailing comma" split at every line length, and never joins a line that
already fits, so the output is a fixed point at 88, 100 and 120 alike.
"""

from __future__ import annotations

from collections.abc import Sequence

LINE_LENGTH = 88


def call(
    head: str,
    args: Sequence[str],
    indent: int = 0,
    tail: str = "",
    brackets: str = "()",
) -> str:
    """``head(args)tail`` on one line if it fits, else one argument per line.

    ``head`` ends with the callee (``"x: int = f"``); the result has no indentation on
    its first line, so it can be placed after ``indent`` spaces in a template.

    >>> print(call("Index", ['"ix_budgets_user_id"', '"user_id"'], indent=8, tail=","))
    Index("ix_budgets_user_id", "user_id"),
    >>> print(call("total = compute_total", ["a" * 38, "b" * 38]))
    total = compute_total(
        aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,
        bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,
    )
    """
    opening, closing = brackets[0], brackets[1]
    one_line = f"{head}{opening}{', '.join(args)}{closing}{tail}"
    if indent + len(one_line) <= LINE_LENGTH or not args:
        return one_line
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{arg},\n" for arg in args)
    return f"{head}{opening}\n{body}{' ' * indent}{closing}{tail}"


def argument(
    head: str,
    args: Sequence[str],
    indent: int,
    brackets: str = "()",
) -> str:
    """:func:`call` laid out as one argument of a split call (its line ends in a comma).

    >>> argument("f", ["x"], 4)
    'f(x)'
    """
    return call(head, args, indent, ",", brackets)[:-1]


def comparison(left: str, op: str, function: str, args: Sequence[str], indent: int) -> str:
    """``left op function(args)`` laid out as one argument of a split call.

    On one line when it fits (with the argument's comma), else the way ``ruff format``
    splits it at every line length: the operator starts the next line, and the call's
    arguments are held apart by a magic trailing comma.

    >>> comparison("Row.code", "==", "_text", ['"code"', "code", "8"], 12)
    'Row.code == _text("code", code, 8)'
    >>> print(comparison("Row." + "c" * 50, "==", "_text", ['"code"', "code", "200"], 12))
    Row.cccccccccccccccccccccccccccccccccccccccccccccccccc
                == _text(
                    "code",
                    code,
                    200,
                )
    """
    one_line = f"{left} {op} {function}({', '.join(args)})"
    if indent + len(one_line) + 1 <= LINE_LENGTH:
        return one_line
    pad = " " * indent
    body = "".join(f"{pad}    {arg},\n" for arg in args)
    return f"{left}\n{pad}{op} {function}(\n{body}{pad})"


def python_string(value: str) -> str:
    r"""``value`` as a Python string literal, quoted the way ``ruff format`` quotes it.

    Answers reach rendered code only through literals like this one (or as
    identifiers their validators proved safe), never as code.

    >>> print(python_string('migrations"); import os; ("'))
    'migrations"); import os; ("'
    >>> print(python_string("it's\nok"))
    "it's\nok"
    """
    # Double quotes, unless the text holds more of them than single quotes (ruff's rule).
    quote = "'" if value.count('"') > value.count("'") else '"'
    body = []
    for char in value:
        if char in ("\\", quote):
            body.append("\\" + char)
        elif char == "\n":
            body.append("\\n")
        elif char.isprintable():
            body.append(char)
        else:
            body.append(f"\\U{ord(char):08x}")
    return quote + "".join(body) + quote
