"""Released migrations never change: every release, rendered again at HEAD.

Each release keeps the migrations it rendered for a spread of answers in
tests/releases/<version>/ (tests/release_snapshots.py records them), so this holds
in every clone, tags or not: every recorded file must come out of HEAD byte for
byte. Where the clone has release tags, each tag is rendered again too. (The
mechanism that makes this hold, schema changes as new steps, is exercised in
test_update.py with a synthetic release; this test holds the real history to it.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

from tests.conftest import ROOT, files
from tests.release_snapshots import RELEASES, recorded, render

pytestmark = pytest.mark.slow

ANSWERS: list[dict[str, Any]] = [
    {"domain": domain, "include_tenant": tenant, "include_soft_delete": soft}
    for domain in ("budgets", "goals", "net_worth")
    for tenant, soft in ((False, False), (True, True))
]


def release_tags() -> list[str]:
    listed = subprocess.run(
        ["git", "tag", "--list", "v*", "--sort=version:refname"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


TAGS = release_tags()


def _migrations(dst: Path, ref: str | None, answers: dict[str, Any]) -> dict[str, bytes]:
    run_copy(str(ROOT), dst, data=answers, vcs_ref=ref, defaults=True, unsafe=True, quiet=True)
    return {name: body for name, body in files(dst).items() if "/versions/" in name}


@pytest.mark.skipif(not TAGS, reason="no release tags in this clone yet (git fetch --tags)")
@pytest.mark.parametrize("tag", TAGS)
def test_every_migration_a_release_rendered_is_unchanged_at_head(tmp_path: Path, tag: str) -> None:
    for i, answers in enumerate(ANSWERS):
        released = _migrations(tmp_path / f"{i}-released", tag, answers)
        head = _migrations(tmp_path / f"{i}-head", "HEAD", answers)

        assert released, f"{tag} rendered no migration for {answers}"
        assert {name: head.get(name) for name in released} == released, answers


def test_every_release_keeps_its_migrations_in_the_repository() -> None:
    assert recorded(), f"no release recorded under {RELEASES}"


@pytest.mark.parametrize(("release", "case"), recorded())
def test_a_recorded_release_renders_the_same_migrations_at_head(
    tmp_path: Path, release: str, case: str
) -> None:
    expected = {path.name: path.read_bytes() for path in (RELEASES / release / case).iterdir()}

    at_head = render(case, tmp_path / case)

    assert {name: at_head.get(name) for name in expected} == expected
