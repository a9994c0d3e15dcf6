"""The docs drawn from the catalogue (docs/schema.md, docs/index.md's table) are current."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_schema_page_and_the_domain_table_match_the_catalogue() -> None:
    checked = subprocess.run(
        [sys.executable, "scripts/schema_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_domain_has_a_diagram_and_a_row() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import schema_docs

    page, table = schema_docs.schema_page(), schema_docs.domain_table()
    for key in schema_docs.domain_keys():
        table_name = schema_docs.load_domain(key).table
        assert f"### `{key}`" in page
        assert f"    {table_name} {{\n        uuid id PK\n        str_64 user_id" in page
        assert f"| `{key}` |" in table
    assert page.count("```mermaid") == len(schema_docs.domain_keys()) + 1
    assert '    transactions }o--|| accounts : "account_id (cascade)"' in page
    assert '    categories }o--|o categories : "parent_id (restrict)"' in page
