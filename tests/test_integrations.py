"""Rendered code next to svc-infra's repository (fin-infra's models: test_fin_infra.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import render, run

pytestmark = pytest.mark.slow
SCRIPTS = Path(__file__).with_name("scripts")


def test_svc_infra_sql_repository_drives_the_model_when_ours_is_off(tmp_path: Path) -> None:
    render(
        tmp_path,
        with_repository=False,
        orm_base="svc_infra",
        include_soft_delete=True,
        include_tenant=True,
    )

    result = run(
        [sys.executable, str(SCRIPTS / "svc_infra_repository.py")],
        tmp_path,
        {"PYTHONPATH": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "SqlRepository: ok"
