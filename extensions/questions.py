"""Validators of copier.yml's questions.

Each returns ``""`` when the answer is fine, or one sentence that names the question,
the answer given and what is allowed. Copier shows it and writes nothing.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path, PurePosixPath
from typing import Any

from . import destination
from .catalogue import domain_keys, load_domain
from .history import history
from .naming import is_identifier
from .reserved_names import (
    BUILTINS,
    RENDERED_CLASS_NAMES,
    SYSTEM_COLUMNS,
    collision,
    entity_class_names,
    entity_names,
    shadowed_module,
)
from .spec import SpecError, entity_problem
from .spec import handle as custom_handle
from .spec import is_handle as is_custom_handle
from .sql_keywords import SQL_KEYWORDS

# Tables svc-infra 1.22.2 registers on ModelBase.metadata (measured by importing it).
SVC_INFRA_TABLES = frozenset(
    {
        "audit_logs",
        "auth_sessions",
        "failed_auth_attempts",
        "organization_invitations",
        "organization_memberships",
        "organizations",
        "refresh_token_revocations",
        "refresh_tokens",
        "role_permissions",
        "teams",
        "users",  # the target of their foreign keys
    }
)
# Tables the database or Alembic own in every app.
SYSTEM_TABLES = frozenset({"alembic_version"})
SYSTEM_TABLE_PREFIXES = ("sqlite_", "pg_")  # SQLite refuses them; PostgreSQL reserves pg_
# Every pattern below is used with fullmatch: "$" would accept a trailing newline.
_REVISION = re.compile(r"[A-Za-z0-9_]{1,32}")
_CLASS = re.compile(r"[A-Z][A-Za-z0-9_]*")
_COLUMN = re.compile(r"[a-z][a-z0-9_]*")
# One folder of a path answer: what any file system and any shell take without quoting.
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
MAX_TABLE_NAME = 40  # leaves room for index and constraint names built from it
# PostgreSQL's limit is 63 bytes and index names add the table's name; and the rendered
# code passes E501 at 88 columns with `tenant=tenant` as a keyword nested 12 deep.
MAX_COLUMN_NAME = 32
MAX_FOLDER_NAME = 64
MAX_PATH = 200


def identifier(question: str, value: str) -> str:
    """A lower-case Python identifier that is not a keyword."""
    if is_identifier(value):
        return ""
    return f"{question}: {value!r} is not allowed; use a lower-case Python identifier (letters, digits, _), e.g. tenant_id."


def table_name(value: str) -> str:
    """A new table's name: an identifier, short, not a SQL keyword nor a table others own.

    >>> table_name("fin_budgets")
    ''
    >>> table_name("order")
    "table_name: 'order' is a SQL keyword; choose another name, e.g. fin_order."
    """
    if not is_identifier(value) or len(value) > MAX_TABLE_NAME:
        return f"table_name: {value!r} is not allowed; use a lower-case identifier of at most {MAX_TABLE_NAME} characters."
    if value in SVC_INFRA_TABLES:
        return f"table_name: {value!r} is already a table of svc-infra's ModelBase; choose another name, e.g. fin_{value}."
    if value in SYSTEM_TABLES or value.startswith(SYSTEM_TABLE_PREFIXES):
        return f"table_name: {value!r} is reserved by Alembic or the database; choose another name, e.g. fin_{value.lstrip('_')}."
    if value in SQL_KEYWORDS:
        return f"table_name: {value!r} is a SQL keyword; choose another name, e.g. fin_{value}."
    return ""


def entity(value: str, base_class: str = "") -> str:
    """A custom entity's class name: CamelCase, not a catalogue domain nor a rendered name.

    ``base_class`` is the app's declarative base (the default answer of base_class).

    >>> entity("Invoice")
    ''
    >>> entity("invoice")
    "entity: 'invoice' is not allowed; give a class name in CamelCase of at most 32 letters and digits; choose another name, e.g. Invoice."
    >>> entity("Model", "app.db.Model")
    "entity: 'Model' would define Model, the name of the declarative base the model inherits from; choose another name, e.g. ModelRecord."
    """
    return entity_problem(value, domain_keys(), base_class)


def fields(value: str, entity_name: str) -> str:
    """A custom entity's field spec; the message points at the field that is wrong.

    >>> fields("amount:money due:dat", "Invoice")
    "fields: 'due:dat' (field 2): unknown type 'dat'; the types are str(n), text, int, bool, money, decimal(p,s), date, datetime, uuid, json, currency, enum(a,b,...), ref(domain)"
    """
    if entity_problem(entity_name, domain_keys()):
        return ""  # the entity question has refused it already
    try:
        load_domain(custom_handle(entity_name, value))
    except SpecError as error:
        return str(error)
    except ValueError as error:  # the catalogue's own checks, which name the field
        return f"fields: {error}"
    return ""


def tenant_field(value: str, domain: str) -> str:
    """The tenant column: an identifier no other name of the rendered code already uses.

    It is a model attribute, a schema field, a keyword argument of every repository
    method and a SQL column at once, so it must be free in all four.

    >>> tenant_field("org_id", "budgets")
    ''
    >>> tenant_field("limit", "budgets")
    "tenant_field: 'limit' is a name the rendered repository, model or tests already use; choose another name, e.g. org_id or tenant_id."
    """
    if message := identifier("tenant_field", value):
        return message
    if not _COLUMN.fullmatch(value) or len(value) > MAX_COLUMN_NAME:
        return (
            f"tenant_field: {value!r} is not allowed; use a lower-case identifier that starts with a letter, "
            f"of at most {MAX_COLUMN_NAME} characters, e.g. tenant_id."
        )
    spec = load_domain(domain)
    taken = [f.name for f in spec.fields] + list(SYSTEM_COLUMNS)
    if value in taken:
        return f"tenant_field: {value!r} is already a column of {spec.key}; choose a name other than {', '.join(taken)}."
    reason = collision(value)
    if not reason and value in entity_names(spec.snake):
        reason = f"the name the rendered code gives a {spec.snake} or its id"
    if reason:
        return (
            f"tenant_field: {value!r} is {reason}; choose another name, e.g. org_id or tenant_id."
        )
    return ""


def tenant_default(value: str, domain: str, message: str) -> str:
    """Why the tenant column's default does not fit, in the words of the answer that took it.

    >>> from .spec import handle
    >>> tenant_default("tenant_id", handle("Invoice", "tenant_id:int"), "")
    'fields: the field tenant_id takes the name of the tenant column that include_tenant=true adds (tenant_field, by default tenant_id); rename the field, e.g. tenant_ref, or answer tenant_field=org_id.'
    """
    spec = load_domain(domain)
    free = next(n for n in ("org_id", "tenant_key", "org_key") if not tenant_field(n, domain))
    if is_custom_handle(domain) and value in {f.name for f in spec.fields}:
        return (
            f"fields: the field {value} takes the name of the tenant column that include_tenant=true "
            f"adds (tenant_field, by default {value}); rename the field, e.g. tenant_ref, or answer "
            f"tenant_field={free}."
        )
    return f"{message} (tenant_field was not answered; {value!r} is its default: answer tenant_field={free}.)"


def app_path(question: str, value: str) -> str:
    """A relative folder inside the app: plain folder names joined by single ``/``.

    Each folder starts with a letter, digit or ``_`` and holds only those, ``.`` and
    ``-``: no spaces, quotes, backslashes or other characters a shell or Python string
    would treat specially, so the answer is safe wherever it is printed.

    >>> app_path("migrations_dir", "db/migrations")
    ''
    >>> app_path("tests_dir", "tests/")
    "tests_dir: 'tests/' is not allowed; give a relative folder inside the app, e.g. tests or app/tests: folder names of letters, digits, _ . - (not starting with '.'), joined by single '/'."
    """
    folders = value.split("/")
    if value.startswith(("/", "~")) or ".." in folders:
        return f"{question}: {value!r} leaves the app; give a relative folder inside it, without '..' or a leading '/'."
    if value == ".":
        return f"{question}: '.' is the app root itself; give a folder inside the app, e.g. tests."
    if any(folder.startswith(".") for folder in folders):
        return f"{question}: {value!r} is not allowed; folders may not start with '.'."
    if (
        not all(_FOLDER.fullmatch(folder) for folder in folders)
        or len(value) > MAX_PATH
        or any(len(folder) > MAX_FOLDER_NAME for folder in folders)
    ):
        return (
            f"{question}: {value!r} is not allowed; give a relative folder inside the app, e.g. tests or app/tests: "
            "folder names of letters, digits, _ . - (not starting with '.'), joined by single '/'."
        )
    return ""


def package_dir(question: str, value: str) -> str:
    """A folder inside the app that is importable: every part an identifier.

    >>> package_dir("dest_dir", "src/ledger/budgets")
    ''
    >>> package_dir("dest_dir", "json/budgets")
    "dest_dir: 'json/budgets' would make a package json that shadows the standard library; put it inside the app's own package, e.g. app/models/budgets."
    """
    if message := app_path(question, value):
        return message
    parts = PurePosixPath(value).parts
    if parts[:1] == ("src",):
        parts = parts[1:]
    bad = [part for part in parts if not is_identifier(part)]
    if not parts or bad:
        return f"{question}: {value!r} is not an importable package path; each folder must be a lower-case identifier (bad: {', '.join(bad) or 'empty'})."
    if shadowed := shadowed_module(parts[0]):
        return (
            f"{question}: {value!r} would make a package {parts[0]} that shadows {shadowed}; "
            "put it inside the app's own package, e.g. app/models/budgets."
        )
    return ""


def module_filename(question: str, value: str, *others: str) -> str:
    """A ``.py`` file name that is a valid module and differs from the other two."""
    stem = value[:-3] if value.endswith(".py") else ""
    if not is_identifier(stem) or stem.startswith("__") or len(value) > MAX_FOLDER_NAME:
        return f"{question}: {value!r} is not allowed; use a module file name such as budget.py (lower-case identifier + .py)."
    if value in others:
        return f"{question}: {value!r} is already used for another rendered file; the model, schemas and repository files must differ."
    return ""


def api(value: str, with_repository: bool, domain: str = "") -> str:
    """``fastapi`` serves the rendered repository, so it needs one; so does a tree.

    >>> api("svc_infra", False)
    ''
    >>> api("fastapi", False)
    "api: 'fastapi' serves the rendered repository, which with_repository=false leaves out; answer with_repository=true, or api=svc_infra (svc-infra's own repository) or api=none."
    >>> api("svc_infra", False, "categories")
    "api: svc-infra's routes would write categories without the rendered repository's check of how deep they nest (parent_id); answer with_repository=true, or api=none."
    """
    if value == "fastapi" and not with_repository:
        return (
            "api: 'fastapi' serves the rendered repository, which with_repository=false leaves out; "
            "answer with_repository=true, or api=svc_infra (svc-infra's own repository) or api=none."
        )
    if value == "svc_infra" and domain and load_domain(domain).append_only:
        return (
            f"api: svc-infra's SqlResource adds PATCH and DELETE routes, and {domain} is append-only "
            "(its rows are never changed or deleted); answer api=fastapi (no such routes) or api=none."
        )
    tree_parent = load_domain(domain).tree_parent if domain else None
    if value == "svc_infra" and not with_repository and tree_parent:
        return (
            f"api: svc-infra's routes would write {load_domain(domain).human_plural} without the rendered "
            f"repository's check of how deep they nest ({tree_parent}); answer with_repository=true, or api=none."
        )
    return ""


def soft_delete(value: bool, domain: str) -> str:
    """Soft delete hides deleted rows; an append-only domain deletes none.

    >>> soft_delete(True, "budgets")
    ''
    >>> soft_delete(True, "audit_events")
    'include_soft_delete: audit_events is append-only: its rows are never deleted, so there is nothing to soft-delete; answer include_soft_delete=false.'
    """
    if value and load_domain(domain).append_only:
        return (
            f"include_soft_delete: {domain} is append-only: its rows are never deleted, so there is "
            "nothing to soft-delete; answer include_soft_delete=false."
        )
    return ""


def with_repository(value: bool, domain: str) -> str:
    """Without the rendered repository, svc-infra's SqlRepository updates and deletes rows.

    >>> with_repository(False, "audit_events")
    "with_repository: audit_events is append-only, and svc-infra's SqlRepository would update and delete its rows; answer with_repository=true (a repository with no update or delete)."
    """
    if not value and load_domain(domain).append_only:
        return (
            f"with_repository: {domain} is append-only, and svc-infra's SqlRepository would update and "
            "delete its rows; answer with_repository=true (a repository with no update or delete)."
        )
    return ""


def class_path(question: str, value: str, domain: str = "") -> str:
    """``package.module.Class``: where the app's declarative base lives.

    The class is imported into the rendered model module (and defined in the rendered
    base module when that does not exist yet), so it may not take a name either of
    them uses, and its package may not shadow one the app imports.

    >>> class_path("base_class", "ledger.db.Model")
    ''
    >>> class_path("base_class", "app.db.Budget", "budgets")
    "base_class: 'app.db.Budget' is not allowed: Budget is a name the rendered model already uses; name the base class differently, e.g. app.db.base.Base."
    """
    module, _, cls = value.rpartition(".")
    if (
        not module
        or not _CLASS.fullmatch(cls)
        or keyword.iskeyword(cls)
        or not all(is_identifier(part) for part in module.split("."))
    ):
        return f"{question}: {value!r} is not allowed; give the import path of a class, e.g. app.db.base.Base."
    top_level = module.split(".")[0]
    if shadowed := shadowed_module(top_level):
        return (
            f"{question}: {value!r} is not allowed: a module {top_level} of the app would shadow {shadowed}; "
            "give the path of the app's own base class, e.g. app.db.base.Base."
        )
    taken = RENDERED_CLASS_NAMES | BUILTINS
    if domain:
        spec = load_domain(domain)
        taken |= entity_class_names(spec.entity, tuple(f.enum for f in spec.enums if f.enum))
    if cls in taken:
        free = next(name for name in ("Base", "Model", "AppBase", "AppModel") if name not in taken)
        example = "app.db.base.Base" if free == "Base" else f"{module}.{free}"
        return (
            f"{question}: {value!r} is not allowed: {cls} is a name the rendered model already uses; "
            f"name the base class differently, e.g. {example}."
        )
    return ""


def schema_change(
    domain: str,
    baseline: dict[str, object],
    table: str,
    tenant: str,
    soft_delete: bool,
    rls: bool = False,
) -> str:
    """Stop an update whose answers would rewrite a migration the app has applied.

    ``baseline`` is what the table was created with (recorded in the answers file).
    Soft delete may be turned on later (a new migration step adds the column);
    every other schema-affecting change stops here, before any file is touched.
    """
    domain = load_domain(domain).key  # a custom entity's handle is no name for a message
    was = {"table": table, "tenant_field": tenant, "soft_delete": soft_delete, "rls": rls} | dict(
        baseline
    )
    hint = "Keep the answer (copier update --data {name}={old}), or render the domain again under a new table_name and move the data yourself."
    if table != was["table"]:
        reason = f"table_name: {domain} created table {was['table']!r}; renaming it to {table!r} would rewrite its applied migration."
        refuse(reason + " " + hint.format(name="table_name", old=was["table"]))
    if tenant != was["tenant_field"]:
        reason = (
            f"include_tenant/tenant_field: {domain}'s table was created with tenant column {was['tenant_field'] or 'none'!r}, "
            f"not {tenant or 'none'!r}; changing it rewrites every unique key and index and needs a tenant for existing rows, "
            "which this template cannot choose."
        )
        old = (
            f"{bool(was['tenant_field'])} --data tenant_field={was['tenant_field']}"
            if was["tenant_field"]
            else "false"
        )
        refuse(reason + " " + hint.format(name="include_tenant", old=old))
    if tenant and bool(was["rls"]) != rls:
        refuse(
            f"tenant_isolation: {domain}'s table was created {'with' if was['rls'] else 'without'} row-level security; "
            "changing that on update would rewrite its applied migration. Keep the answer "
            f"(copier update --data tenant_isolation={'column+rls' if was['rls'] else 'column'}), or add the policy "
            "in a revision of your own."
        )
    if was["soft_delete"] and not soft_delete:
        refuse(
            f"include_soft_delete: {domain}'s table has deleted_at; turning soft delete off would drop it and bring "
            "soft-deleted rows back. Keep include_soft_delete=true (purge() removes rows for good)."
        )
    return "ok"


# Answers that decide where rendered files live; changing one on update would make
# Copier delete the old files, hand edits included, without showing a conflict.
PLACEMENT = (
    "dest_dir",
    "models_filename",
    "schemas_filename",
    "repository_filename",
    "api_filename",
    "tests_dir",
    "migrations_dir",
)


def layout_change(app_root: str, domain: str, answers: dict[str, object]) -> str:
    """Stop an update that would delete files of the app's (possibly edited) code.

    Reads what the domain's answers file recorded before this update and compares;
    once the user has moved or removed the files themselves, the update goes ahead.
    """
    root = Path(app_root)
    spec = load_domain(domain)
    before = destination.answers_file(root / f".copier/answers.{spec.key}.yml")
    if before is None:
        return "ok"
    if before.get("with_repository", True) and not answers["with_repository"]:
        old = [
            f"{before['dest_dir']}/{before['repository_filename']}",
            f"{before['tests_dir']}/{spec.key}/test_{spec.snake}_repository.py",
        ]
        present = [name for name in old if (root / name).exists()]
        if present:
            refuse(
                f"with_repository: turning the repository off would delete {', '.join(present)}, which may hold "
                "your own code. If you no longer need them, delete them yourself (git rm), commit, and update again."
            )
    if before.get("api", "none") != "none" and answers.get("api", "none") == "none":
        old = [
            f"{before['dest_dir']}/{before['api_filename']}",
            f"{before['tests_dir']}/{spec.key}/test_{spec.snake}_api.py",
        ]
        present = [name for name in old if (root / name).exists()]
        if present:
            refuse(
                f"api: turning the HTTP API off would delete {', '.join(present)}, which may hold "
                "your own code. If you no longer need them, delete them yourself (git rm), commit, and update again."
            )
    for question in PLACEMENT:
        old_value, new_value = before.get(question), answers.get(question)
        if old_value is None or new_value is None or old_value == new_value:
            continue
        present = [name for name in _placed_by(question, before, domain) if (root / name).exists()]
        if present:
            refuse(
                f"{question}: changing {old_value!r} to {new_value!r} on update would make Copier delete "
                f"{', '.join(present)}, hand edits included. Move them yourself (git mv), commit, and update "
                f"again with --data {question}={new_value}."
            )
    return "ok"


def _placed_by(question: str, before: dict[str, Any], domain: str) -> list[str]:
    """Files the recorded answers put where ``question`` says (what a change would delete)."""
    package = str(before.get("dest_dir", ""))
    modules = ("models_filename", "schemas_filename", "repository_filename", "api_filename")
    if question == "dest_dir":
        return [f"{package}/{before[name]}" for name in modules if before.get(name)]
    if question in modules:
        return [f"{package}/{before[question]}"]
    table = load_domain(domain, table=str(before.get("table_name") or "") or None)
    if question == "tests_dir":
        return [f"{before[question]}/{table.key}"]
    creation = history(table, down_revision="", created_with_soft_delete=False)[0]
    return [f"{before[question]}/versions/{creation.filename}"]


def refuse(message: str) -> None:
    """Stop Copier with ``message`` (shown without a traceback)."""
    from copier.errors import UserMessageError

    raise UserMessageError(message)


def down_revision(value: str, own_revision: str) -> str:
    """Empty (a new history), or an Alembic revision id other than our own."""
    if value == "":
        return ""
    if not _REVISION.fullmatch(value):
        return f"down_revision: {value!r} is not an Alembic revision id; give the id of the app's current head, or leave it empty."
    if value == own_revision:
        return f"down_revision: {value!r} is this domain's own migration; give the revision it should follow."
    return ""
