"""The questionnaire as a person answers it: in a terminal, with a mistake on the way."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
DOWN, ENTER, CLEAR_LINE = "\x1b[B", "\r", "\x15"


def test_answering_in_a_terminal_renders_and_a_bad_answer_is_asked_again(tmp_path: Path) -> None:
    copier = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", str(ROOT), str(tmp_path)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    copier.expect("Which fin-infra domain")
    copier.send(DOWN + ENTER)  # the second choice: goals
    copier.expect("Database table of this domain")
    copier.send(CLEAR_LINE + "teams" + ENTER)
    copier.expect("already a table of svc-infra")  # shown under the prompt, asked again
    copier.send(CLEAR_LINE + "fin_goals" + ENTER)
    copier.expect("Multi-tenant")
    copier.send("y")
    prompts = 0
    while copier.expect(["🎤", "Rendered goals"]) == 0:
        copier.send(ENTER)  # every other question keeps its default
        prompts += 1
    copier.expect(pexpect.EOF)

    answers = yaml.safe_load((tmp_path / ".copier/answers.goals.yml").read_text())
    assert (answers["domain"], answers["table_name"], answers["include_tenant"]) == (
        "goals",
        "fin_goals",
        True,
    )
    assert answers["tenant_field"] == "tenant_id"
    assert (tmp_path / "app/models/goals/goal_repository.py").exists()
    assert prompts >= 10
