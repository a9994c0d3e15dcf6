"""Write the docs that describe the catalogue, from the catalogue, so they cannot drift.

    python scripts/schema_docs.py          # rewrite docs/schema.md and docs/index.md's table
    python scripts/schema_docs.py --check  # exit 1 if either is stale (tests run this)

docs/schema.md draws the rendered tables as Mermaid entity-relationship diagrams (which
mkdocs-material draws): the ledger, then each domain with the tables it references.
docs/index.md's table of domains sits between two markers and is replaced whole.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extensions.catalogue import Domain, Field, domain_keys, load_domain  # noqa: E402

SCHEMA_PAGE = ROOT / "docs/schema.md"
INDEX_PAGE = ROOT / "docs/index.md"
TABLE_START = "<!-- domains: written by scripts/schema_docs.py -->"
TABLE_END = "<!-- end of domains -->"
LEDGER = ("categories", "bank_connections", "accounts", "transactions", "holdings")

INTRO = """\
# The schema

Every table the catalogue renders, drawn from the catalogue itself by
`scripts/schema_docs.py` (a test fails when this page is stale). Each table has the
columns below and `created_at`, `updated_at` and `version`; soft delete adds
`deleted_at`, and tenancy adds the tenant column to every table and to the front of
every primary, unique and foreign key (references are `(tenant, id)` pairs, so a row
can never point into another tenant). `PK`, `FK` and `UK` mark the primary key,
references and unique keys; a reference's line says what deleting the referenced row
does.
"""


def column(d: Domain, f: Field) -> str:
    """One attribute line: its kind, its name, and its keys."""
    kind = {"enum": f.enum or "enum", "ref": "uuid"}.get(f.kind, f.kind)
    if f.kind == "str" and f.length:
        kind = f"str_{f.length}"
    keys = []
    if f.kind == "ref":
        keys.append("FK")
    if any(f.name in unique for unique in d.unique):
        keys.append("UK")
    marks = f" {', '.join(keys)}" if keys else ""
    optional = ' "optional"' if f.nullable else ""
    return f"        {kind} {f.name}{marks}{optional}"


def entity(d: Domain) -> list[str]:
    lines = [f"    {d.table} {{", "        uuid id PK"]
    lines += [column(d, f) for f in d.fields]
    return [*lines, "    }"]


def reference(d: Domain, f: Field) -> str:
    """A relationship line: many rows of ``d`` to zero-or-one or exactly one row."""
    target = load_domain(f.ref or "").table
    one = "|o" if f.nullable else "||"
    return f'    {d.table} }}o--{one} {target} : "{f.name} ({f.on_delete})"'


def diagram(domains: list[Domain], referenced_only: set[str] | None = None) -> list[str]:
    """A Mermaid diagram of ``domains`` in full and, by name, the tables they point at."""
    lines = ["```mermaid", "erDiagram"]
    for d in domains:
        lines += entity(d)
    for table in sorted(referenced_only or ()):
        lines += [f"    {table} {{", "        uuid id PK", "    }"]
    for d in domains:
        lines += [reference(d, f) for f in d.fields if f.kind == "ref"]
    return [*lines, "```"]


def schema_page() -> str:
    domains = {key: load_domain(key) for key in domain_keys()}
    out = [INTRO, "## The ledger", ""]
    out.append(
        "Bank connections sync accounts; accounts hold transactions and holdings;\n"
        "categories form a tree and sort transactions."
    )
    out += ["", *diagram([domains[key] for key in LEDGER]), ""]
    out += ["## Each domain", ""]
    for key, d in domains.items():
        out += [f"### `{key}`: `{d.entity}`", "", d.summary, ""]
        targets = {load_domain(f.ref or "").table for f in d.fields if f.kind == "ref"}
        out += [*diagram([d], targets - {d.table}), ""]
    return "\n".join(out)


def domain_table() -> str:
    rows = ["| Domain | Entity | Table |", "|---|---|---|"]
    for key in domain_keys():
        d = load_domain(key)
        summary = d.summary.rstrip(".")
        rows.append(f"| `{key}` | `{d.entity}`: {summary[:1].lower()}{summary[1:]} | `{d.table}` |")
    return "\n".join([TABLE_START, *rows, TABLE_END])


def index_page(current: str) -> str:
    start, end = current.index(TABLE_START), current.index(TABLE_END) + len(TABLE_END)
    return current[:start] + domain_table() + current[end:]


def main(check: bool) -> int:
    pages = {
        SCHEMA_PAGE: schema_page(),
        INDEX_PAGE: index_page(INDEX_PAGE.read_text(encoding="utf-8")),
    }
    stale = [
        path
        for path, text in pages.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run python scripts/schema_docs.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(pages[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
