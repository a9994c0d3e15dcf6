"""docs/ledger.md's key rotation, run as the page prints it, on SQLite, PostgreSQL and MariaDB.

tests/scripts/key_rotation.py runs inside the shared ledger app: rows of three tenants
(some soft-deleted, some without a token) under one key, a new key first, the page's
snippet twice, the old key dropped, every row read back. The rendered tests of bank
connections prove the repository method itself on each database (test_databases.py);
this proves the page's procedure, so the docs cannot drift from what was tested.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, fresh_database, run

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).with_name("scripts") / "key_rotation.py"
HEADING = "### Rotating the key"


def documented_job(tmp_path: Path) -> Path:
    """The first Python block under the heading of docs/ledger.md, as a file."""
    page = (ROOT / "docs/ledger.md").read_text()
    section = page[page.index(HEADING) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    snippet = tmp_path / "snippet.py"
    snippet.write_text(match.group(1))
    return snippet


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/rotation.db"
    else:
        yield from fresh_database(request.param)


def test_the_documented_rotation_leaves_every_row_readable_under_the_new_key_alone(
    ledger_app: Path, database_url: str, tmp_path: Path
) -> None:
    command = [sys.executable, str(SCRIPT), database_url, str(documented_job(tmp_path))]
    result = run(command, ledger_app, {"PYTHONPATH": str(ledger_app)})
    print(result.stdout)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    summary = re.search(r"rows: (\d+), tokens: (\d+), mismatches: (\d+)", result.stdout)
    assert summary is not None, result.stdout
    rows, tokens, mismatches = map(int, summary.groups())
    runs = re.findall(r"(\d+) of (\d+) connections re-encrypted", result.stdout)
    assert runs == [(str(tokens), str(rows)), ("0", str(rows))]
    assert (rows, mismatches) == (3000, 0)
