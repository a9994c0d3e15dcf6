"""The questionnaire as a person answers it: in a terminal, with a mistake on the way."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.answer_helpers import copy_answers, copy_template, snapshot
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
DOWN, UP, ENTER, CLEAR_LINE = "\x1b[B", "\x1b[A", "\r", "\x15"


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


def _spawn(template: Path, app: Path) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", str(template), str(app)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


def _type(copier: pexpect.spawn, text: str) -> None:
    copier.send(CLEAR_LINE + text + ENTER)


# Every question of goals after the table, by the words of its help, in copier.yml's order.
LATER_QUESTIONS = [
    "Multi-tenant",
    "Soft delete",
    "Render an async repository",
    "An HTTP API for the domain",
    "Which declarative base",
    "Import path of the app's declarative base",
    "Package folder",
    "File name of the SQLAlchemy model",
    "File name of the Pydantic schemas",
    "File name of the repository",
    "Alembic folder",
    "Alembic revision the new migration follows",
    "Folder of the app's tests",
]


def test_hostile_answers_in_a_terminal_are_refused_and_asked_again(tmp_path: Path) -> None:
    template = copy_template(tmp_path / "template")
    copier = _spawn(template, tmp_path / "app")
    copier.expect("Which fin-infra domain")
    copier.send(DOWN + ENTER)
    copier.expect("Database table of this domain")
    for keyword in ("order", "user"):
        _type(copier, keyword)
        copier.expect("is a SQL keyword")
    _type(copier, "fin_goals")
    # question -> (refused answers with words of their message, the answer given at last)
    hostile = {
        "Package folder": (
            [("../outside/goals", "leaves the app"), ("app/x;id", "folder names")],
            "app/fin/goals",
        ),
        "Folder of the app's tests": ([(".", "the app root itself")], "tests"),
    }
    for question in LATER_QUESTIONS:
        copier.expect(question)
        refused, final = hostile.get(question, ([], ""))
        for answer, message in refused:
            _type(copier, answer)
            copier.expect(message)  # shown under the prompt; the question stays
        if final:
            _type(copier, final)
        else:
            copier.send(ENTER)  # the default
    copier.expect("Rendered goals")
    copier.expect(pexpect.EOF)

    answers = yaml.safe_load((tmp_path / "app/.copier/answers.goals.yml").read_text())
    assert (answers["table_name"], answers["dest_dir"]) == ("fin_goals", "app/fin/goals")
    assert not (tmp_path / "outside").exists()


def test_answers_that_clash_with_the_app_stop_the_terminal_session_before_writing(
    tmp_path: Path,
) -> None:
    template = copy_template(tmp_path / "template")
    app = tmp_path / "app"
    copy_answers(template, app, {"domain": "budgets"})
    before = snapshot(app)
    copier = _spawn(template, app)
    copier.expect("Which fin-infra domain")
    copier.send(DOWN + ENTER)
    copier.expect("Database table of this domain")
    _type(copier, "budgets")  # fine on its own; budgets already has it
    for question in LATER_QUESTIONS:
        copier.expect(question)
        copier.send(ENTER)

    copier.expect("table_name: 'budgets' is already the table of budgets")
    copier.expect(pexpect.EOF)
    copier.close()

    assert copier.exitstatus != 0
    assert snapshot(app) == before


def test_a_custom_entity_in_a_terminal_shows_the_grammar_and_asks_a_bad_spec_again(
    tmp_path: Path,
) -> None:
    copier = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", str(ROOT), str(tmp_path)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    copier.expect("Which fin-infra domain")
    copier.send(UP + ENTER)  # up from the first choice wraps to the last: your own entity
    copier.expect("Class name of your entity")
    copier.send("Invoice" + ENTER)
    copier.expect(r"types: str\(n\) text int bool money")  # the grammar, in the help
    copier.send("number:str(32):unique due:dat" + ENTER)
    copier.expect("unknown type 'dat'")  # shown under the prompt, asked again
    copier.send(CLEAR_LINE + "number:str(32):unique due_on:date?" + ENTER)
    copier.expect("Database table of this domain")
    copier.send(ENTER)  # the default: invoices
    while copier.expect(["🎤", "Rendered invoices"]) == 0:
        copier.send(ENTER)
    copier.expect(pexpect.EOF)

    answers = yaml.safe_load((tmp_path / ".copier/answers.invoices.yml").read_text())
    assert (answers["entity"], answers["fields"]) == (
        "Invoice",
        "number:str(32):unique due_on:date?",
    )
    assert (tmp_path / "app/models/invoices/invoice.py").is_file()
