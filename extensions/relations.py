"""Which reference fields of a domain are real foreign keys, recorded in its answers file.

A reference (``account_id -> accounts``) becomes a foreign key once the referenced
domain is rendered into the same app; until then it is a plain indexed id. What was
linked, and where in the history, is recorded (``linked_references`` in copier.yml)
because Copier re-renders the previous release into an empty folder while it updates,
where no other domain's answers file exists: the recorded value keeps that render,
and so the merge, faithful to what the app holds.

A link made at creation is part of the ``create`` migration. A link made by a later
``copier update`` (the referenced domain was rendered in between) is its own step,
``link_<field>``, revising the app's head at that moment, which already holds the
referenced table, so the history stays one chain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import destination
from .catalogue import Link, domain_keys, load_domain
from .history import step_names
from .ids import revision_id
from .migrations import heads, revisions
from .naming import is_identifier
from .package_destination import package_of

LINK_PREFIX = "link_"
_HEX = frozenset("0123456789abcdef")


def link_step(field: str) -> str:
    return f"{LINK_PREFIX}{field}"


def _target(root: Path, domain: str, ref: str, table: str, tenant_field: str) -> dict[str, str]:
    """What a link to ``ref`` needs: its table and tenant column ({} if not rendered)."""
    if ref == domain:
        return {"table": table, "tenant_field": tenant_field}
    answers = destination.answers_file(root / ".copier" / f"answers.{ref}.yml")
    if not answers or not isinstance(answers.get("table_name"), str):
        return {}
    theirs = answers.get("tenant_field") if answers.get("include_tenant") else ""
    return {"table": answers["table_name"], "tenant_field": str(theirs or "")}


def current_links(
    app_root: str,
    domain: str,
    table: str,
    tenant_field: str,
    migrations_dir: str,
) -> str:
    """The links the app allows now, keeping the ones its answers file recorded (JSON).

    New links are made in the creation when the table's migration does not exist
    yet, else as a step after the app's current head (``after_revision``) and after
    the domain's newest step (``after_step``).
    """
    root = Path(app_root)
    key = load_domain(domain).key
    recorded = _recorded(root, key)
    known = load_domain(domain, links=links_of(recorded), tenant_field=tenant_field or None)
    head_step = step_names(known, created_with_soft_delete=True)[-1]
    versions = root / migrations_dir / "versions"
    created = revision_id(key, table) in revisions(versions)
    found = heads(versions)
    links: dict[str, Any] = {}
    for field in load_domain(domain).references:
        if field.name in recorded:
            links[field.name] = recorded[field.name]
            continue
        target = _target(root, key, str(field.ref), table, tenant_field)
        if not target:
            continue
        if created:
            head = found[0] if len(found) == 1 else ""
            target |= {"after_step": head_step, "after_revision": head}
        links[field.name] = target
    return json.dumps(links)


def _recorded(root: Path, domain: str) -> dict[str, Any]:
    answers = destination.answers_file(root / ".copier" / f"answers.{domain}.yml") or {}
    value = answers.get("linked_references")
    return value if isinstance(value, dict) else {}


def stale(app_root: str, domain: str, table: str, tenant_field: str, links: object) -> str:
    """Copier's validator of the recorded links: a message when a new link is possible.

    Copier drops a recorded answer its validator refuses and works the answer out
    again; that is how an update picks up a domain rendered since (never a removal).
    """
    if not isinstance(links, Mapping):
        return ""
    root = Path(app_root)
    spec = load_domain(domain)
    for field in spec.references:
        if field.name not in links and _target(root, spec.key, str(field.ref), table, tenant_field):
            return f"linked_references: {field.name} can now be a foreign key"
    return ""


def link_problem(domain: str, value: object) -> str:
    """Why ``value`` is not a links record Copier could have written ("" when it is)."""
    allowed = (
        "a mapping of reference fields to {table, tenant_field, after_step, after_revision}, "
        f"the fields being {', '.join(f.name for f in load_domain(domain).references) or 'none'}"
    )
    if not isinstance(value, Mapping):
        return allowed
    fields = {f.name for f in load_domain(domain).references}
    for name, link in value.items():
        if name not in fields or not isinstance(link, Mapping):
            return allowed
        if set(link) - {"table", "tenant_field", "after_step", "after_revision"}:
            return allowed
        if ("after_step" in link) != ("after_revision" in link):
            return allowed
        step = link.get("after_step", "")
        if not (isinstance(step, str) and (step == "" or is_identifier(step))):
            return allowed
        table, tenant = link.get("table"), link.get("tenant_field", "")
        after = link.get("after_revision", "")
        if not (isinstance(table, str) and is_identifier(table)):
            return allowed
        if not (isinstance(tenant, str) and (tenant == "" or is_identifier(tenant))):
            return allowed
        if not (isinstance(after, str) and len(after) <= 32 and set(after) <= _HEX):
            return allowed
    return ""


def links_of(recorded: object) -> tuple[Link, ...]:
    """The recorded links as catalogue :class:`Link` s (field order of the record)."""
    if not isinstance(recorded, Mapping):
        return ()
    links = []
    for name, link in recorded.items():
        later = "after_step" in link
        links.append(
            Link(
                field=name,
                table=str(link["table"]),
                tenant_field=str(link.get("tenant_field") or ""),
                step=link_step(name) if later else None,
                after_step=str(link.get("after_step") or "") if later else "",
                after_revision=str(link.get("after_revision") or "") if later else "",
            )
        )
    return tuple(links)


def tenancy_mismatch(root: Path, domain: str, tenant_field: str, own_base: str) -> str:
    """References between domains need tenancy, and a declarative base, on both sides."""
    rendered = destination.recorded_answers(root)
    mine = load_domain(domain)
    domain = mine.key  # a custom entity's handle names it no better than its key
    pairs = [(f.name, str(f.ref), True) for f in mine.references if f.ref != domain]
    for other in rendered:
        if other == domain or other not in domain_keys():
            continue
        for f in load_domain(other).references:
            if f.ref == domain:
                pairs.append((f"{other}.{f.name}", other, False))
    for name, other, outgoing in pairs:
        answers = rendered.get(other)
        if answers is None:
            continue
        theirs = bool(answers.get("include_tenant"))
        if theirs != bool(tenant_field):
            side = "references" if outgoing else "is referenced by"
            state = "on" if theirs else "off"
            return (
                f"include_tenant: {domain} {side} {other} ({name}), which this app renders with "
                f"tenancy {state} (.copier/answers.{other}.yml); a reference between tenanted and "
                f"untenanted tables could cross tenants. Answer include_tenant={'yes' if theirs else 'no'}."
            )
        their_base = (
            "svc_infra"
            if answers.get("orm_base") == "svc_infra"
            else str(answers.get("base_class", ""))
        )
        if their_base != own_base:
            return (
                f"base_class: {domain} and {other} reference each other ({name}), so their tables "
                f"must share one declarative base (one MetaData); {other} uses {their_base!r}."
            )
    return ""


def missing_reference_key(root: Path, domain: str, links: Sequence[Link]) -> str:
    """A tenant-safe foreign key needs its target's ``(tenant, id)`` key in the app first.

    budgets and goals were released before anything referred to them, so with tenancy
    their tables get that key by a later step (``reference_key_since``). An app that
    rendered them from a release before has no such step until it updates them, and a
    key pointing at them would fail on PostgreSQL and MariaDB, and fork the history
    once the step arrives.
    """
    mine = load_domain(domain)
    rendered = destination.recorded_answers(root)
    for link in links:
        ref = str(mine.field(link.field).ref)
        answers = rendered.get(ref)
        if ref == mine.key or not link.tenant_field or answers is None:
            continue
        since = load_domain(ref).reference_key_since if ref in domain_keys() else None
        folder = answers.get("migrations_dir")
        if not since or not isinstance(folder, str):
            continue
        if revision_id(ref, link.table, since) in revisions(root / folder / "versions"):
            continue
        return (
            f"domain: {mine.key}.{link.field} would be a foreign key to {link.table}"
            f"({link.tenant_field}, id), a key this app's {link.table} table does not have yet: "
            f"it comes with the {since} migration step of {ref}, released after this app "
            f"rendered {ref}. Update {ref} first (copier update --trust -a "
            f".copier/answers.{ref}.yml, then alembic upgrade head), then run this again."
        )
    return ""


def linked_models(app_root: str, domain: str, links: Sequence[Link]) -> list[tuple[str, str]]:
    """(table, model module) of the other domains' tables this domain's foreign keys name.

    The model imports them, so the tables it points at are in the metadata wherever
    it is imported alone (a flush sorts tables by their foreign keys). A module path
    an answers file could not have produced is left out: never rendered as code.
    """
    rendered = destination.recorded_answers(Path(app_root))
    modules: set[tuple[str, str]] = set()
    for link in links:
        for other, answers in rendered.items():
            if other == domain or answers.get("table_name") != link.table:
                continue
            package = package_of(answers)
            model = str(answers.get("models_filename", "")).removesuffix(".py")
            module = f"{package}.{model}"
            if all(is_identifier(part) for part in module.split(".")):
                modules.add((link.table, module))
    return sorted(modules)
