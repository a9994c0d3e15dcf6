"""The files a render will write, worked out from the answers before anything is written.

Copier decides each destination path by rendering the template folder's path names;
this does the same with the same Jinja environment, so the plan follows template/ as
it changes (files added, renamed, made optional) without a second list to keep.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment

# Copier's path-name ``{% yield name from iterable %}...{% endyield %}`` tag: the part
# is rendered once per item. One per part, as Copier allows.
_YIELD = re.compile(r"\{%-?\s*yield\s+(\w+)\s+from\s+(.+?)\s*-?%\}")
_NOT_COPIED = ("__pycache__",)  # Copier's default exclusions that can occur in a template


def _rendered_part(
    part: str, environment: Environment, context: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """What one templated path name becomes (one name, several for a yield, or none),
    each with the context the rest of its path is rendered with."""
    tag = _YIELD.search(part)
    if tag is None:
        return [(environment.from_string(part).render(context), dict(context))]
    name, iterable = tag.groups()
    items = environment.compile_expression(iterable)(**context) or ()
    contexts = [{**context, name: item} for item in items]
    return [(environment.from_string(part).render(each), each) for each in contexts]


def _template_files(template_dir: Path, suffix: str) -> Iterator[PurePosixPath]:
    """Every file of the template folder, relative to it, without Copier's suffix."""
    for folder, subfolders, names in os.walk(template_dir):
        subfolders[:] = sorted(s for s in subfolders if s not in _NOT_COPIED)
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            if not name.endswith(suffix) and (Path(folder) / f"{name}{suffix}").exists():
                continue  # Copier renders the templated sibling instead
            relative = PurePosixPath(Path(folder, name).relative_to(template_dir).as_posix())
            yield relative.with_name(relative.name.removesuffix(suffix))


def planned_files(
    template_dir: Path,
    environment: Environment,
    context: Mapping[str, Any],
    suffix: str = ".jinja",
) -> list[PurePosixPath]:
    """Every file the render writes (or keeps, if it exists), relative to the app, sorted.

    ``context`` must hold what the templates' path names use (the answers and the
    derived names of ``render.add_layout``).
    """
    planned: set[PurePosixPath] = set()
    for source in _template_files(template_dir, suffix):
        paths: list[tuple[PurePosixPath, Mapping[str, Any]]] = [(PurePosixPath(), context)]
        for part in source.parts:
            paths = [
                (path / name, extended)
                for path, current in paths
                for name, extended in _rendered_part(part, environment, current)
                if name  # Copier skips a path with a part that renders empty
            ]
        planned.update(path for path, _ in paths)
    return sorted(planned)
