"""Validators of copier.yml's questions.

Each returns ``""`` when the answer is fine, or one sentence that names the question,
the answer given and what is allowed. Copier shows it and writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import yaml

from .catalogue import load_domain
from .naming import is_identifier

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
# Columns every rendered table has; a tenant column may not take their names.
SYSTEM_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at")
_REVISION = re.compile(r"^[A-Za-z0-9_]{1,32}$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
MAX_TABLE_NAME = 40  # leaves room for index and constraint names built from it


def identifier(question: str, value: str) -> str:
    """A lower-case Python identifier that is not a keyword."""
    if is_identifier(value):
        return ""
    return f"{question}: {value!r} is not allowed; use a lower-case Python identifier (letters, digits, _), e.g. tenant_id."


def table_name(value: str) -> str:
    """A new table's name: an identifier, short, not one svc-infra already owns."""
    if not is_identifier(value) or len(value) > MAX_TABLE_NAME:
        return f"table_name: {value!r} is not allowed; use a lower-case identifier of at most {MAX_TABLE_NAME} characters."
    if value in SVC_INFRA_TABLES:
        return f"table_name: {value!r} is already a table of svc-infra's ModelBase; choose another name, e.g. fin_{value}."
    return ""


def tenant_field(value: str, domain: str) -> str:
    """The tenant column: an identifier that no other column of the domain uses."""
    if message := identifier("tenant_field", value):
        return message
    taken = [f.name for f in load_domain(domain).fields] + list(SYSTEM_COLUMNS)
    if value in taken:
        return f"tenant_field: {value!r} is already a column of {domain}; choose a name other than {', '.join(taken)}."
    return ""


def app_path(question: str, value: str) -> str:
    """A relative directory inside the app, written with forward slashes."""
    path = PurePosixPath(value)
    if not value or value.strip() != value or "\\" in value:
        return f"{question}: {value!r} is not allowed; give a relative folder inside the app, e.g. app/models."
    if path.is_absolute() or ".." in path.parts or value.startswith("~"):
        return f"{question}: {value!r} leaves the app; give a relative folder inside it, without '..' or a leading '/'."
    if any(part.startswith(".") for part in path.parts):
        return f"{question}: {value!r} is not allowed; folders may not start with '.'."
    return ""


def package_dir(question: str, value: str) -> str:
    """A folder inside the app that is importable: every part an identifier."""
    if message := app_path(question, value):
        return message
    parts = PurePosixPath(value).parts
    if parts[:1] == ("src",):
        parts = parts[1:]
    bad = [part for part in parts if not is_identifier(part)]
    if not parts or bad:
        return f"{question}: {value!r} is not an importable package path; each folder must be a lower-case identifier (bad: {', '.join(bad) or 'empty'})."
    return ""


def module_filename(question: str, value: str, *others: str) -> str:
    """A ``.py`` file name that is a valid module and differs from the other two."""
    stem = value[:-3] if value.endswith(".py") else ""
    if not is_identifier(stem) or stem.startswith("__"):
        return f"{question}: {value!r} is not allowed; use a module file name such as budget.py (lower-case identifier + .py)."
    if value in others:
        return f"{question}: {value!r} is already used for another rendered file; the model, schemas and repository files must differ."
    return ""


def class_path(question: str, value: str) -> str:
    """``package.module.Class``: where the app's declarative base lives."""
    module, _, cls = value.rpartition(".")
    if (
        not module
        or not _CLASS.match(cls)
        or not all(is_identifier(part) for part in module.split("."))
    ):
        return f"{question}: {value!r} is not allowed; give the import path of a class, e.g. app.db.base.Base."
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
    "tests_dir",
    "migrations_dir",
)


def layout_change(app_root: str, domain: str, answers: dict[str, object]) -> str:
    """Stop an update that would delete files of the app's (possibly edited) code.

    Reads what the domain's answers file recorded before this update and compares.
    """
    recorded = Path(app_root) / f".copier/answers.{domain}.yml"
    if not recorded.is_file():
        return "ok"
    before = yaml.safe_load(recorded.read_text(encoding="utf-8")) or {}
    if before.get("with_repository", True) and not answers["with_repository"]:
        old = [
            f"{before['dest_dir']}/{before['repository_filename']}",
            f"{before['tests_dir']}/{domain}/test_{load_domain(domain).snake}_repository.py",
        ]
        present = [name for name in old if (Path(app_root) / name).exists()]
        if present:
            refuse(
                f"with_repository: turning the repository off would delete {', '.join(present)}, which may hold "
                "your own code. If you no longer need them, delete them yourself (git rm), commit, and update again."
            )
    for question in PLACEMENT:
        old_value, new_value = before.get(question), answers.get(question)
        if old_value is None or new_value is None or old_value == new_value:
            continue
        refuse(
            f"{question}: changing {old_value!r} to {new_value!r} on update would make Copier delete the files at "
            f"the old place, hand edits included. Move them yourself (git mv), set {question}: {new_value} in "
            f"{recorded.relative_to(app_root)}, commit, and update again."
        )
    return "ok"


def refuse(message: str) -> None:
    """Stop Copier with ``message`` (shown without a traceback)."""
    from copier.errors import UserMessageError

    raise UserMessageError(message)


def down_revision(value: str, own_revision: str) -> str:
    """Empty (a new history), or an Alembic revision id other than our own."""
    if value == "":
        return ""
    if not _REVISION.match(value):
        return f"down_revision: {value!r} is not an Alembic revision id; give the id of the app's current head, or leave it empty."
    if value == own_revision:
        return f"down_revision: {value!r} is this domain's own migration; give the revision it should follow."
    return ""
