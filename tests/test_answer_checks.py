"""The checks that run before writing, one function at a time, without Copier.

``given`` judges values given with --data, ``answers`` the whole answer set against
the app, ``planned`` works out the files a render writes, ``questionnaire`` reads
copier.yml. Whole renders are in test_hostile_answers.py.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from copier.errors import UserMessageError
from jinja2 import Environment

from extensions import answers, given, planned, questionnaire, questions
from extensions.answers import Plan
from tests.answer_helpers import write
from tests.conftest import ROOT

QUESTIONS = questionnaire.load(str(ROOT))
P = PurePosixPath


def plan(**changes: Any) -> Plan:
    """The plan of goals with the default answers, with ``changes``."""
    fields: dict[str, Any] = {
        "domain": "goals",
        "table": "goals",
        "dest_dir": P("app/models/goals"),
        "tests_dir": P("tests"),
        "migrations_dir": P("migrations"),
        "base_class": "app.db.base.Base",
        "base_file": P("app/db/base.py"),
        "files": (
            P("app/__init__.py"),
            P("app/db/__init__.py"),
            P("app/db/base.py"),
            P("app/models/__init__.py"),
            P("app/models/goals/__init__.py"),
            P("app/models/goals/goal.py"),
            P("tests/goals/conftest.py"),
        ),
    }
    return Plan(**(fields | changes))


# questionnaire --------------------------------------------------------------


def test_the_questionnaire_reads_types_choices_and_validators_from_copier_yml() -> None:
    assert QUESTIONS["include_tenant"].type == "bool"
    assert QUESTIONS["domain"].choices[:3] == ("budgets", "goals", "net_worth")
    assert "check.table_name" in QUESTIONS["table_name"].validator


def test_the_questionnaire_tells_answers_from_recorded_values_and_checks() -> None:
    assert QUESTIONS["tests_dir"].answerable
    assert QUESTIONS["schema_baseline"].recorded and not QUESTIONS["schema_baseline"].answerable
    assert QUESTIONS["answers_check"].check


def test_every_question_checks_what_is_given_for_it_in_its_when() -> None:
    raw = (ROOT / "copier.yml").read_text()
    for name, question in QUESTIONS.items():
        if not question.check:
            assert f"check_data('{name}')" in raw, name


# given ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, 0, 1, "true", "FALSE", "Yes", "no", "1", "0"])
def test_a_boolean_is_a_yaml_boolean_or_one_of_six_words(value: object) -> None:
    assert given.type_problem(QUESTIONS["include_tenant"], value) == ""


@pytest.mark.parametrize(
    "value", ["maybe", "on", "off", "y", "t", "", " true", "true\n", 2, None, []]
)
def test_anything_else_is_not_a_boolean(value: object) -> None:
    assert "answer true or false" in given.type_problem(QUESTIONS["include_tenant"], value)


def test_text_is_required_where_a_question_takes_text() -> None:
    message = given.type_problem(QUESTIONS["dest_dir"], {"a": 1})

    assert (
        message
        == "dest_dir: a mapping is not allowed; give text (in a --data-file, put it in quotes)."
    )


def test_a_choice_must_be_one_of_the_values_exactly() -> None:
    assert given.type_problem(QUESTIONS["domain"], "goals") == ""
    assert "choose one of" in given.type_problem(QUESTIONS["domain"], "Goals")


def test_names_of_copier_and_of_retired_questions_may_be_given() -> None:
    assert given.name_problem("_commit", QUESTIONS) == ""
    assert given.name_problem("schema_baseline", QUESTIONS) == ""


def test_a_check_may_not_be_given() -> None:
    assert "check Copier runs" in given.name_problem("layout_change_check", QUESTIONS)


def test_a_recorded_answer_must_match_the_apps_record() -> None:
    kept = {"schema_baseline": {"table": "goals", "soft_delete": False}}
    same = dict(kept["schema_baseline"])

    assert given.recorded_problem("schema_baseline", same, "goals", kept) == ""
    forged = given.recorded_problem("schema_baseline", {"table": "x"}, "goals", kept)
    assert "cannot be changed with --data" in forged


def test_a_recorded_answer_given_as_yaml_text_is_read_as_yaml() -> None:
    text = '{"table": "goals", "tenant_field": "", "soft_delete": false, "rls": false}'

    assert given.recorded_problem("schema_baseline", text, "goals", None) == ""


def _render_when(template: str, data: dict[str, Any], **answers: Any) -> str:
    environment = Environment()
    environment.globals.update(check_data=given.check_data, check_data_names=given.check_data_names)
    environment.globals["check"] = questions
    conf = {"data": data, "src_path": ROOT, "dst_path": "/nowhere", "answers_file": "x.yml"}
    return environment.from_string(template).render(_copier_conf=conf, **answers)


def test_check_data_is_true_when_nothing_was_given() -> None:
    assert _render_when("{{ check_data('table_name') }}", {}) == "True"


def test_check_data_runs_the_questions_own_validator_from_copier_yml() -> None:
    with pytest.raises(UserMessageError, match="table_name: 'order' is a SQL keyword"):
        _render_when("{{ check_data('table_name') }}", {"table_name": "order"})


def test_check_data_names_refuses_a_typo_with_a_suggestion() -> None:
    with pytest.raises(UserMessageError, match="did you mean tests_dir"):
        _render_when("{{ check_data_names() }}", {"test_dir": "t"})


# planned --------------------------------------------------------------------


def test_planned_files_render_path_names_like_copier_with_yields_and_empty_parts(
    tmp_path: Path,
) -> None:
    for name in (
        "{{ pkg }}/__init__.py",
        "{{ pkg }}/{% if extra %}extra.py{% endif %}.jinja",
        "{% yield f from folders %}{{ f }}{% endyield %}/__init__.py",
        "{{ pkg }}/plain.txt",
        "{{ pkg }}/plain.txt.jinja",
    ):
        write(tmp_path, name)
    environment = Environment(extensions=["copier._jinja_ext.YieldExtension"])
    context = {"pkg": "app", "extra": False, "folders": ["a", "b/c"]}

    files = planned.planned_files(tmp_path, environment, context)

    assert [str(f) for f in files] == [
        "a/__init__.py",
        "app/__init__.py",
        "app/plain.txt",
        "b/c/__init__.py",
    ]


# answers --------------------------------------------------------------------


def test_a_plan_names_the_question_that_places_each_path() -> None:
    goals = plan()

    assert goals.owner(P("app/models/goals/goal.py")) == "dest_dir"
    assert goals.owner(P("app/models/__init__.py")) == "dest_dir"
    assert goals.owner(P("app/db/__init__.py")) == "base_class"
    assert goals.owner(P("tests/goals/conftest.py")) == "tests_dir"
    assert goals.owner(P(".copier/answers.goals.yml")) == "domain"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"tests_dir": P("app")}, "dest_dir: 'app/models/goals' is inside tests_dir 'app'"),
        ({"migrations_dir": P("tests")}, "tests_dir: 'tests' is the same folder as migrations_dir"),
        (
            {"dest_dir": P("app/db")},
            "base_class: 'app.db.base.Base' would be written to app/db/base.py",
        ),
    ],
)
def test_overlapping_folders_are_refused(changes: dict[str, Any], words: str) -> None:
    assert answers.overlapping_folders(plan(**changes)).startswith(words)


def test_separate_folders_are_fine() -> None:
    assert answers.overlapping_folders(plan()) == ""


def test_another_domains_table_and_package_are_taken(tmp_path: Path) -> None:
    write(
        tmp_path, ".copier/answers.budgets.yml", "table_name: goals\ndest_dir: app/models/goals\n"
    )

    assert "already the table of budgets" in answers.other_domains(tmp_path, plan())
    assert "the package of budgets" in answers.other_domains(tmp_path, plan(table="fin_goals"))


def test_rendering_a_domain_again_is_not_a_conflict_with_itself(tmp_path: Path) -> None:
    write(tmp_path, ".copier/answers.goals.yml", "table_name: goals\ndest_dir: app/models/goals\n")

    assert answers.other_domains(tmp_path, plan()) == ""


def test_a_table_the_apps_own_models_declare_is_taken(tmp_path: Path) -> None:
    write(tmp_path, "app/things.py", 'class Goal(Base):\n    __tablename__ = "goals"\n')
    write(tmp_path, "app/models/goals/goal.py", 'class Goal(Base):\n    __tablename__ = "goals"\n')

    assert "declared by app/things.py" in answers.app_tables(tmp_path, plan())
    assert answers.app_tables(tmp_path, plan(table="fin_goals")) == ""


def test_an_existing_base_module_must_define_the_class(tmp_path: Path) -> None:
    write(tmp_path, "app/db/base.py", "Model = declarative_base()\n")

    assert "does not define Base" in answers.base_module(tmp_path, plan())
    assert answers.base_module(tmp_path, plan(base_class="app.db.base.Model")) == ""


def test_down_revision_must_be_in_the_versions_folder_of_a_non_empty_app(tmp_path: Path) -> None:
    write(tmp_path, "migrations/versions/a_first.py", 'revision = "a1"\ndown_revision = None\n')

    assert answers.known_down_revision(tmp_path, plan(down_revision="a1")) == ""
    assert "found: a1" in answers.known_down_revision(tmp_path, plan(down_revision="b2"))
    assert answers.known_down_revision(tmp_path / "empty", plan(down_revision="b2")) == ""


def test_a_symlink_on_the_way_is_refused_by_the_question_that_placed_it(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "tests").symlink_to("elsewhere")

    message = answers.unsafe_paths(tmp_path, plan())

    assert message.startswith(
        "tests_dir: tests/goals/conftest.py would be written through the symlink tests"
    )


def test_a_symlinked_file_is_refused_too(tmp_path: Path) -> None:
    write(tmp_path, "real.py")
    write(tmp_path, "app/models/goals/placeholder")
    (tmp_path / "app/models/goals/goal.py").symlink_to("../../../real.py")

    assert "through the symlink app/models/goals/goal.py" in answers.unsafe_paths(tmp_path, plan())


def test_a_file_where_a_folder_goes_and_a_folder_where_a_file_goes_are_refused(
    tmp_path: Path,
) -> None:
    write(tmp_path, "app/models", "a file")
    assert "needs app/models to be a folder" in answers.unsafe_paths(tmp_path, plan())

    (tmp_path / "app/models").unlink()
    (tmp_path / "app/models/goals/goal.py").mkdir(parents=True)
    assert "where the app has a folder" in answers.unsafe_paths(tmp_path, plan())


def test_a_new_package_beside_a_module_is_refused_with_another_folder_to_use(
    tmp_path: Path,
) -> None:
    write(tmp_path, "app/__init__.py")
    write(tmp_path, "app/models.py", "models = []\n")

    message = answers.unsafe_paths(tmp_path, plan())

    assert "makes app/models a package beside the module app/models.py" in message
    assert "e.g. app/persistence/goals" in message


def test_an_existing_package_next_to_a_module_is_the_apps_own_business(tmp_path: Path) -> None:
    write(tmp_path, "app/models.py")
    write(tmp_path, "app/models/__init__.py")

    assert answers.unsafe_paths(tmp_path, plan()) == ""


def test_a_new_module_beside_a_package_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "app/db/__init__.py", "Base = None\n")
    base = plan(base_class="app.db.Base", base_file=P("app/db.py"), files=(P("app/db.py"),))

    assert "beside the package app/db" in answers.unsafe_paths(tmp_path, base)


def test_a_new_top_level_package_may_not_shadow_an_installed_one(tmp_path: Path) -> None:
    shadowing = plan(tests_dir=P("alembic"), files=(P("alembic/__init__.py"),))
    regression_tests = plan(tests_dir=P("test"), files=(P("test/__init__.py"),))

    assert "shadows an installed package" in answers.shadowing_packages(tmp_path, shadowing)
    assert answers.shadowing_packages(tmp_path, regression_tests) == ""
