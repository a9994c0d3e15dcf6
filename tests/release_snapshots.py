"""The migrations each release rendered, kept in the repository as bytes.

Released migrations never change (docs/updating.md): an app that applied one must
find it byte for byte in every later release. Tags are not in every clone, so each
release records what it rendered for a spread of answers under
``tests/releases/<version>/<case>/``, and ``tests/test_releases.py`` renders every
case again at HEAD and compares.

Record a release once, when it is tagged (an existing release is never rewritten):

    uv run python -m tests.release_snapshots record 0.2.0
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from copier import run_copy, run_update

ROOT = Path(__file__).resolve().parents[1]
RELEASES = Path(__file__).with_name("releases")

# Every domain with the options that shape its migration; the last case adds soft
# delete on update, which renders the add_soft_delete step.
CASES: dict[str, dict[str, Any]] = {
    f"{domain}-{name}": {"domain": domain, **options}
    for domain in ("budgets", "goals", "net_worth")
    for name, options in {
        "plain": {},
        "tenant-soft": {"include_tenant": True, "include_soft_delete": True},
        "renamed": {
            "include_tenant": True,
            "tenant_field": "org_id",
            "table_name": f"fin_{domain}",
        },
    }.items()
} | {
    "goals-rls": {
        "domain": "goals",
        "include_tenant": True,
        "tenant_isolation": "column+rls",
        "include_soft_delete": True,
    },
}
SOFT_DELETE_LATER = "budgets-soft-delete-later"


def _git(cwd: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=Release", "-c", "user.email=release@example.com"]
    subprocess.run([*command, *args], cwd=cwd, check=True, capture_output=True)


def render(case: str, dst: Path) -> dict[str, bytes]:
    """The migration files HEAD renders for ``case``, by file name."""
    copy = {"data": {}, "defaults": True, "unsafe": True, "quiet": True, "vcs_ref": "HEAD"}
    if case == SOFT_DELETE_LATER:
        run_copy(str(ROOT), dst, **copy | {"data": {"domain": "budgets"}})
        _git(dst, "init", "-q")
        _git(dst, "add", "-A")
        _git(dst, "commit", "-q", "-m", "render budgets")
        run_update(
            dst,
            answers_file=".copier/answers.budgets.yml",
            data={"include_soft_delete": True},
            defaults=True,
            unsafe=True,
            quiet=True,
            overwrite=True,
            vcs_ref="HEAD",
        )
    else:
        run_copy(str(ROOT), dst, **copy | {"data": CASES[case]})
    versions = next(dst.glob("**/versions"))
    return {path.name: path.read_bytes() for path in sorted(versions.glob("*.py"))}


def all_cases() -> list[str]:
    return [*CASES, SOFT_DELETE_LATER]


def recorded() -> list[tuple[str, str]]:
    """(release, case) pairs kept in the repository."""
    return [
        (release.name, case.name)
        for release in sorted(RELEASES.iterdir())
        if release.is_dir()
        for case in sorted(release.iterdir())
        if case.is_dir()
    ]


def record(version: str) -> None:
    target = RELEASES / version
    if target.exists():
        raise SystemExit(f"{target} exists: a released migration is never rewritten")
    # Render everything before writing anything: a dirty checkout would make Copier
    # render from a temporary commit that a later update cannot find.
    with tempfile.TemporaryDirectory() as scratch:
        rendered = {case: render(case, Path(scratch) / case) for case in all_cases()}
    for case, migrations in rendered.items():
        for name, body in migrations.items():
            path = target / case / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    print(f"recorded {len(all_cases())} cases under {target.relative_to(ROOT)}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "record":
        raise SystemExit("usage: python -m tests.release_snapshots record VERSION")
    record(sys.argv[2])
