"""Deterministic ids: the same answers always give the same Alembic revision."""

from __future__ import annotations

import hashlib

NAMESPACE = "fin-infra-persistence"


def revision_id(domain: str, table: str, step: str = "create") -> str:
    """The 12-hex-digit Alembic revision id of one migration step of one table.

    It depends only on what never changes for a rendered domain (its name, its table
    and the step), so options changed later do not rename an applied migration.

    >>> revision_id("budgets", "budgets")
    'bd3fdfb84eab'
    """
    key = f"{NAMESPACE}:{domain}:{table}:{step}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]
