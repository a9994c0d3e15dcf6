"""What copier.yml and the templates can call: one table of globals, one of filters."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from . import defaults, questions
from .alembic_env import alembic_message, ini_value, renders_alembic_ini, shell_quote
from .answers import check_answers
from .api import (
    api_imports,
    api_message,
    api_test_imports,
    finder_routes,
    iso_types,
    operation_ids,
    svc_infra_imports,
    svc_infra_test_imports,
    url_prefix,
)
from .catalogue import Domain, Field, domain_keys, load_domain
from .file_imports import (
    migration_imports,
    model_imports,
    repository_imports,
    schemas_imports,
)
from .fin_infra_block import conversion as fin_infra_of
from .given import check_data, check_data_names
from .history import history, latest_step, step_names
from .ids import revision_id
from .imports import import_block
from .layout import argument, call, comparison, python_string
from .naming import module_path, package_dirs
from .package_destination import dotted, module_in_destination, with_destination_package
from .package_destination import package as destination_package_of
from .package_refusal import from_project_root, in_a_project, project_path
from .relations import current_links, linked_models, links_of, stale
from .spec_history import custom_entry, custom_key, spec_history_of, stale_spec_history
from .testcases import check_violation, finder_cases, value_imports
from .types import MONEY_MIGRATION, numeric_sizes


def domain_spec(
    domain: str,
    table: str = "",
    tenant_field: str = "",
    soft_delete: bool = False,
    rls: bool = False,
    linked: object = None,
) -> Domain:
    """The catalogue entry of ``domain`` with the user's answers applied."""
    return load_domain(
        domain,
        table=table or None,
        tenant_field=tenant_field or None,
        soft_delete=soft_delete,
        rls=rls,
        links=links_of(linked),
    )


def source_root(dest_dir: str) -> str:
    """``src/`` for a src-layout app (its packages live there), else nothing."""
    return "src/" if PurePosixPath(dest_dir).parts[:1] == ("src",) else ""


def base_module_file(class_path: str, dest_dir: str = "", package: str = "") -> str:
    """``app.db.base.Base`` -> ``app/db/base.py``: where the app's own base is rendered.

    ``package`` is the destination's own import path when it is a package inside a
    project (``db/base.py`` in the package ``app``); ``""`` when the module is outside it.

    >>> base_module_file("ledger.db.Model", "src/ledger/models/budgets")
    'src/ledger/db.py'
    """
    module = module_in_destination(class_path.rpartition(".")[0], package)
    if module is None:
        return ""
    return f"{source_root(dest_dir)}{PurePosixPath(*module.split('.'))}.py"


def shared_packages(dest_dir: str, base_class: str = "", package: str = "") -> list[str]:
    """Package folders above the domain's (and the base's) that need an ``__init__.py``.

    They are rendered only when missing, with the same empty content for every domain.
    """
    folders = package_dirs(dest_dir)[:-1]
    if base_file := base_class and base_module_file(base_class, dest_dir, package):
        folders += package_dirs(str(PurePosixPath(base_file).parent))
    return sorted(set(folders))


def signature(positional: list[str], keyword: list[str]) -> list[str]:
    """Parameters with ``*`` before the keyword-only ones, and none when there are none.

    >>> signature(["self", "budget_id: uuid.UUID"], [])
    ['self', 'budget_id: uuid.UUID']
    """
    return [*positional, "*", *keyword] if keyword else list(positional)


def path_depth(folder: str) -> int:
    """How many folders deep ``folder`` is: ``tests`` is 1, ``tests/unit`` is 2."""
    return len(PurePosixPath(folder).parts)


def baseline_of(table: str, tenant_field: str, soft_delete: bool, rls: bool = False) -> str:
    """What the table is created with, recorded once in the answers file (as JSON)."""
    return json.dumps(
        {"table": table, "tenant_field": tenant_field, "soft_delete": soft_delete, "rls": rls}
    )


def domain_head(domain: str, linked: object = None, baseline: object = None) -> str:
    """The newest migration step of ``domain`` in this app: the catalogue's, or a link's.

    ``baseline`` is the recorded schema baseline; soft delete turned on later is
    placed by the answer this computes, so it is never counted here.
    """
    tenant = baseline.get("tenant_field") if isinstance(baseline, dict) else None
    spec = load_domain(domain, links=links_of(linked), tenant_field=str(tenant or "") or None)
    if not spec.links:
        return latest_step(spec)
    created_with = bool(baseline.get("soft_delete")) if isinstance(baseline, dict) else False
    return step_names(spec, created_with_soft_delete=created_with)[-1]


GLOBALS = {
    "baseline_of": baseline_of,
    "domain_head": domain_head,
    "current_links": current_links,
    "stale_links": stale,
    "path_depth": path_depth,
    "money_migration": MONEY_MIGRATION,
    "numeric_sizes": numeric_sizes,
    "signature": signature,
    "domain_keys": domain_keys,
    "domain_spec": domain_spec,
    "custom_key": custom_key,
    "custom_entry": custom_entry,
    "spec_history_of": spec_history_of,
    "stale_spec_history": stale_spec_history,
    "revision_id": revision_id,
    "module_path": module_path,
    "base_module_file": with_destination_package(base_module_file),
    "shared_packages": with_destination_package(shared_packages),
    "check": questions,
    "check_data": check_data,
    "check_data_names": check_data_names,
    "check_answers": check_answers,
    "in_a_project": in_a_project,
    "project_path": project_path,
    "destination_package_of": destination_package_of,
    "app_defaults": defaults,
    "call": call,
    "argument": argument,
    "comparison": comparison,
    "model_imports": model_imports,
    "schemas_imports": schemas_imports,
    "fin_infra_of": fin_infra_of,
    "repository_imports": repository_imports,
    "migration_imports": migration_imports,
    "api_imports": api_imports,
    "api_message": api_message,
    "api_test_imports": api_test_imports,
    "operation_ids": operation_ids,
    "svc_infra_imports": svc_infra_imports,
    "svc_infra_test_imports": svc_infra_test_imports,
    "finder_routes": finder_routes,
    "iso_types": iso_types,
    "url_prefix": url_prefix,
    "finder_cases": finder_cases,
    "check_violation": check_violation,
    "value_imports": value_imports,
    "source_root": source_root,
    "renders_alembic_ini": renders_alembic_ini,
    "alembic_message": from_project_root(alembic_message),
}


def format_filter_param(name: str, domain: Domain) -> str:
    """``period: BudgetPeriod | None = None``: an optional equality filter of ``list``."""
    return f"{name}: {domain.field(name).enum} | None = None"


def field_kind(name: str, domain: Domain) -> str:
    """The catalogue type of ``domain``'s field ``name``."""
    return domain.field(name).kind


def field_of(name: str, domain: Domain) -> Field:
    """``domain``'s field ``name``."""
    return domain.field(name)


FILTERS = {
    "field_kind": field_kind,
    "field_of": field_of,
    "format_filter_param": format_filter_param,
    "python_string": python_string,
    "import_block": import_block,
    "shell_quote": shell_quote,
    "ini_value": ini_value,
}


def add_layout(context: dict[str, Any]) -> None:
    """Derived names every template uses, computed once from the answers."""
    tenant = context.get("tenant_field", "") if context.get("include_tenant") else ""
    d = domain_spec(
        context["domain_entry"],
        context["table_name"],
        tenant,
        bool(context.get("include_soft_delete")),
        rls=bool(tenant) and context.get("tenant_isolation") == "column+rls",
        linked=context.get("linked_references"),
    )
    package = dotted(context.get("destination_package") or "", context["dest_dir"])
    first_party = {package.split(".")[0]}
    if context.get("orm_base") == "svc_infra":
        base_module, base_name = "svc_infra.db.sql.base", "ModelBase"
    else:
        base_module, _, base_name = context.get("base_class", "app.db.base.Base").rpartition(".")
        first_party.add(base_module.split(".")[0])
    baseline = context.get("schema_baseline") or {}
    migrations = history(
        d,
        down_revision=context.get("down_revision") or "",
        created_with_soft_delete=bool(baseline.get("soft_delete", d.soft_delete)),
        soft_delete_after=context.get("soft_delete_after") or "",
    )
    context.update(
        d=d,
        package=package,
        first_party=sorted(first_party),
        model_module=context["models_filename"].removesuffix(".py"),
        schemas_module=context["schemas_filename"].removesuffix(".py"),
        repository_module=str(context.get("repository_filename") or "").removesuffix(".py"),
        api_module=str(context.get("api_filename") or "").removesuffix(".py"),
        base_module=base_module,
        base_name=base_name,
        migrations=migrations,
        revision=migrations[0].revision,
        linked_imports=_linked_imports(context, d),
    )


def _linked_imports(context: dict[str, Any], d: Domain) -> list[str]:
    """Imports of the models whose tables the foreign keys name (they must be mapped)."""
    if not d.links:
        return []
    root = str(context["_copier_conf"]["dst_path"])
    imports = []
    for table, module in linked_models(root, d.key, d.links):
        package, _, name = module.rpartition(".")
        imports.append(f"from {package} import {name} as _{table}_model  # noqa: F401")
    return imports
