"""Names: Python identifiers, module paths and database identifiers."""

from __future__ import annotations

import hashlib
import keyword
import re
from pathlib import PurePosixPath

import inflection

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
MAX_DB_IDENTIFIER = 60  # PostgreSQL cuts at 63 and MySQL at 64; stay below both.


def snake(name: str) -> str:
    """``NetWorthSnapshot`` -> ``net_worth_snapshot``."""
    return inflection.underscore(name)


def plural(name: str) -> str:
    """``budget`` -> ``budgets``; ``net_worth_snapshot`` -> ``net_worth_snapshots``."""
    return inflection.pluralize(name)


def humanize(name: str) -> str:
    """``net_worth_snapshot`` -> ``net-worth snapshot`` (for docstrings)."""
    words = name.split("_")
    if len(words) > 2 and words[:2] == ["net", "worth"]:
        return "net-worth " + " ".join(words[2:])
    return " ".join(words)


def is_identifier(value: str) -> bool:
    """A lower-case Python identifier that is not a keyword: ``tenant_id`` yes, ``class`` no.

    A full match: ``"tenant_id\\n"`` is not one (``$`` would have let the newline through).
    """
    return bool(_IDENTIFIER.fullmatch(value)) and not keyword.iskeyword(value)


def module_path(directory: str) -> str:
    """The import path of a package directory; a leading ``src/`` is the source root.

    >>> module_path("src/app/models/budgets")
    'app.models.budgets'
    """
    parts = PurePosixPath(directory).parts
    if parts and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts)


def package_dirs(directory: str) -> list[str]:
    """Every package directory from the import root down to ``directory``.

    >>> package_dirs("app/models/budgets")
    ['app', 'app/models', 'app/models/budgets']
    """
    parts = PurePosixPath(directory).parts
    start = 2 if parts and parts[0] == "src" else 1
    return [str(PurePosixPath(*parts[:end])) for end in range(start, len(parts) + 1)]


def db_identifier(*parts: str) -> str:
    """A constraint or index name, shortened with a stable hash when too long.

    >>> db_identifier("ix", "budgets", "user_id", "start_date")
    'ix_budgets_user_id_start_date'
    """
    name = "_".join(parts)
    if len(name) <= MAX_DB_IDENTIFIER:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_DB_IDENTIFIER - 9]}_{digest}"


# Words that start with a vowel letter but a consonant sound ("a user", "a unique key").
_CONSONANT_SOUNDS = ("uni", "use", "usu", "uti", "eu", "one")


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an", as it is said: docstrings name one row this way.

    >>> with_article("invoice"), with_article("budget"), with_article("user group")
    ('an invoice', 'a budget', 'a user group')
    """
    vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(_CONSONANT_SOUNDS)
    return f"{'an' if vowel else 'a'} {noun}"
