"""The Jinja extension Copier loads (through copier-template-extensions).

It loads this folder as a package under a name unique to its location, so two
template versions rendered in one process (as ``copier update`` does) never share
modules, then exposes the package's functions to copier.yml and the templates.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

_HERE = Path(__file__).resolve().parent


def _package() -> ModuleType:
    name = "fip_extensions_" + hashlib.sha256(str(_HERE).encode()).hexdigest()[:12]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, _HERE / "__init__.py", submodule_search_locations=[str(_HERE)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def _submodule(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


class PersistenceExtension(Extension):
    """Globals and filters for copier.yml and template/."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        package = _package()
        render = _submodule(package, "render")
        environment.globals.update(render.GLOBALS)
        environment.filters.update(render.FILTERS)


def _context_hook_base() -> type[Extension]:
    from copier_template_extensions import ContextHook

    return ContextHook


class DomainContext(_context_hook_base()):  # type: ignore[misc]
    """Adds ``d`` (the domain with the user's options) and derived names to the context."""

    def hook(self, context: dict[str, Any]) -> None:
        # While asking, the context holds --data values Copier has not checked yet;
        # deriving names from them would crash before the checks can refuse them.
        # Nothing copier.yml renders needs ``d``: its checks compute what they use.
        if str(context.get("_copier_phase")) == "prompt":
            return
        needed = ("domain_entry", "table_name", "dest_dir", "models_filename", "schemas_filename")
        if any(key not in context for key in needed):
            return
        _submodule(_package(), "render").add_layout(context)
