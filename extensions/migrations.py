"""What the app's Alembic history already holds, read without importing it."""

from __future__ import annotations

import ast
from pathlib import Path


def _assignments(path: Path) -> dict[str, object]:
    """Module-level ``revision`` / ``down_revision`` literals of one revision file."""
    found: dict[str, object] = {}
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return found
    for node in tree.body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if (
            isinstance(target, ast.Name)
            and target.id in {"revision", "down_revision"}
            and value is not None
        ):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return found


def _graph(versions_dir: Path) -> dict[str, tuple[str, ...]]:
    """Each revision in ``versions_dir`` with the revisions it builds on."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions_dir.glob("*.py")) if versions_dir.is_dir() else ():
        found = _assignments(path)
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str):
            continue
        if isinstance(down, str):
            graph[revision] = (down,)
        elif isinstance(down, (tuple, list)):
            graph[revision] = tuple(d for d in down if isinstance(d, str))
        else:
            graph[revision] = ()
    return graph


def revisions(versions_dir: Path) -> list[str]:
    """Every revision id in ``versions_dir``, sorted."""
    return sorted(_graph(versions_dir))


def heads(versions_dir: Path) -> list[str]:
    """Revisions in ``versions_dir`` that no other revision builds on, sorted."""
    graph = _graph(versions_dir)
    parents = {parent for downs in graph.values() for parent in downs}
    return sorted(set(graph) - parents)


def single_head(app_root: str | Path, migrations_dir: str, exclude: str = "") -> str:
    """The app's one Alembic head, or ``""`` when it has none or several.

    ``exclude`` leaves out a revision of our own, so re-rendering a domain never
    chains its migration onto itself.
    """
    versions = Path(app_root) / migrations_dir / "versions"
    graph = _graph(versions)
    if exclude in graph:
        # Rendering again: keep the parent the domain's migration already has.
        return graph[exclude][0] if len(graph[exclude]) == 1 else ""
    found = heads(versions)
    return found[0] if len(found) == 1 else ""
