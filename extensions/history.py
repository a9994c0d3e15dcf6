"""A domain's Alembic history: the creation, then every step released after it.

Released migrations never change. A template release that changes a table's schema
adds a step to the domain's catalogue entry (``migrations:``) and marks the fields
and finders it brings with ``since: <step>``; turning soft delete on in an app that
created its table without it adds an ``add_soft_delete`` step, placed after the step
that was newest when it was turned on (remembered in the answers file). Each step's
parent is the step before it, so the history stays linear and every id is derived
from names that never change.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Check, Domain, Field, ForeignKey, Index
from .ids import revision_id

CREATE = "create"
ADD_SOFT_DELETE = "add_soft_delete"


@dataclass(frozen=True)
class Step:
    """One migration file of a domain."""

    name: str
    revision: str
    down_revision: str | None
    before: Domain  # the schema this step starts from (the creation renders ``after`` whole)
    after: Domain  # the schema it leaves

    @property
    def filename(self) -> str:
        """``<rev>_create_budgets.py`` for the creation, ``<rev>_budgets_<step>.py`` after."""
        if self.name == CREATE:
            return f"{self.revision}_create_{self.after.table}.py"
        return f"{self.revision}_{self.after.table}_{self.name}.py"

    @property
    def added_fields(self) -> list[Field]:
        known = {f.name for f in self.before.fields}
        return [f for f in self.after.fields if f.name not in known]

    @property
    def relaxed_fields(self) -> list[Field]:
        """Fields this step makes nullable."""
        required = {f.name for f in self.before.fields if not f.nullable}
        return [f for f in self.after.fields if f.nullable and f.name in required]

    @property
    def adds_soft_delete(self) -> bool:
        return self.after.soft_delete and not self.before.soft_delete

    @property
    def added_indexes(self) -> list[Index]:
        known = {i.name for i in self.before.indexes}
        return [i for i in self.after.indexes if i.name not in known]

    @property
    def added_foreign_keys(self) -> list[ForeignKey]:
        known = {k.name for k in self.before.foreign_keys}
        return [k for k in self.after.foreign_keys if k.name not in known]

    @property
    def added_unique(self) -> list[Index]:
        """Unique keys this step makes, e.g. the ``(tenant, id)`` key references need."""
        known = {u.name for u in self.before.unique_constraints}
        return [u for u in self.after.unique_constraints if u.name not in known]

    @property
    def added_checks(self) -> list[Check]:
        known = {c.name for c in self.before.checks}
        return [c for c in self.after.checks if c.name not in known]


def step_names(
    domain: Domain, *, created_with_soft_delete: bool, soft_delete_after: str = ""
) -> list[str]:
    """The names of ``domain``'s steps in order: the catalogue's, and the app's own.

    Soft delete turned on later, and foreign keys added later, are placed after the
    step that was newest when they were (their anchor); two placed after one anchor
    keep the order they were recorded in.

    >>> from .catalogue import load_domain
    >>> step_names(load_domain("budgets"), created_with_soft_delete=False)
    ['create']
    """
    names = [CREATE, *domain.steps]
    pending: list[tuple[str, str]] = []
    if soft_delete_after and domain.soft_delete and not created_with_soft_delete:
        pending.append((soft_delete_after, ADD_SOFT_DELETE))
    pending += [(link.after_step, link.step) for link in domain.links if link.step]
    placed: set[str] = set()
    while pending:
        ready = [item for item in pending if item[0] in names]
        if not ready:
            anchor, name = pending[0]
            question = "soft_delete_after" if name == ADD_SOFT_DELETE else "linked_references"
            raise ValueError(f"{question}: {anchor!r} is not a step of {domain.key}")
        anchor, name = ready[0]
        position = names.index(anchor) + 1
        while position < len(names) and names[position] in placed:
            position += 1
        names.insert(position, name)
        placed.add(name)
        pending.remove((anchor, name))
    return names


def history(
    domain: Domain,
    *,
    down_revision: str,
    created_with_soft_delete: bool,
    soft_delete_after: str = "",
) -> list[Step]:
    """Every migration step of ``domain`` in order, the creation first.

    A step's parent is the step before it, except a foreign key added later: it
    revises the app's head of that moment, which holds the table it points at.

    >>> from .catalogue import load_domain
    >>> [s.name for s in history(load_domain("budgets"), down_revision="", created_with_soft_delete=False)]
    ['create']
    """
    names = step_names(
        domain,
        created_with_soft_delete=created_with_soft_delete,
        soft_delete_after=soft_delete_after,
    )
    after_revision = {link.step: link.after_revision for link in domain.links if link.step}
    steps: list[Step] = []
    applied: set[str] = set()
    soft_delete = created_with_soft_delete
    before = domain.as_of(set(), soft_delete=soft_delete)
    parent = down_revision or None
    parents: set[str | None] = set()
    for name in names:
        applied.add(name)
        soft_delete = soft_delete or name == ADD_SOFT_DELETE
        after = domain.as_of(applied, soft_delete=soft_delete)
        revision = revision_id(domain.key, domain.table, name)
        if after_revision.get(name) and after_revision[name] not in parents:
            parent = after_revision[name]
        steps.append(Step(name, revision, parent, before, after))
        parents.add(parent)
        before, parent = after, revision
    return steps


def latest_step(domain: Domain) -> str:
    """The newest step this template version knows for ``domain``."""
    return domain.steps[-1] if domain.steps else CREATE
