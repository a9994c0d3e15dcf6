"""The HTTP layer (``api``): what it renders, and the rendered routes and their tests.

Four apps render every domain, so each domain meets both API choices with tenancy and
soft delete both on and both off: ``fastapi-on`` / ``fastapi-off`` and
``svc-infra-on`` / ``svc-infra-off``. The "off" apps also carry the odd answers: a
renamed ``api_filename`` and svc-infra without the rendered repository.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier.errors import UserMessageError

from extensions.api import finder_routes, operation_ids, url_path, url_prefix
from extensions.catalogue import domain_keys, load_domain
from extensions.questions import api as api_answer
from extensions.questions import layout_change
from tests.conftest import files, fresh_database, mypy_strict, render, run, tool

SCRIPTS = Path(__file__).with_name("scripts")
LINT_RULES = "E,F,W,I,UP,B,SIM,C4,RET,PIE,ARG,PT"
TENANT_SOFT: dict[str, Any] = {"include_tenant": True, "include_soft_delete": True}
# Four apps, every domain in each: every domain meets both API choices with tenancy
# and soft delete both on and both off. Linked ledger domains agree on tenancy in each.
APPS: dict[str, dict[str, dict[str, Any]]] = {
    "fastapi-on": {
        "budgets": {"api": "fastapi", **TENANT_SOFT},
        "goals": {"api": "fastapi", **TENANT_SOFT},
        "net_worth": {"api": "fastapi", **TENANT_SOFT, "tenant_field": "org_id"},
        "bank_connections": {"api": "fastapi", **TENANT_SOFT},
        "accounts": {"api": "fastapi", **TENANT_SOFT},
        "transactions": {"api": "fastapi", **TENANT_SOFT},
        "categories": {"api": "fastapi", **TENANT_SOFT},
        "documents": {"api": "fastapi", **TENANT_SOFT},
        "recurring_patterns": {"api": "fastapi", **TENANT_SOFT},
        "holdings": {"api": "fastapi", **TENANT_SOFT},
        # Append-only: soft delete is refused, and so is svc-infra (its routes delete).
        "audit_events": {"api": "fastapi", "include_tenant": True},
        "budget_snapshots": {"api": "fastapi", **TENANT_SOFT},
        "goal_progress": {"api": "fastapi", **TENANT_SOFT},
    },
    "fastapi-off": {
        "budgets": {"api": "fastapi"},
        "goals": {"api": "fastapi", "api_filename": "routes.py"},
        "net_worth": {"api": "fastapi"},
        "bank_connections": {"api": "fastapi"},
        "accounts": {"api": "fastapi"},
        "transactions": {"api": "fastapi"},
        "categories": {"api": "fastapi"},
        "documents": {"api": "fastapi"},
        "recurring_patterns": {"api": "fastapi"},
        "holdings": {"api": "fastapi"},
        "audit_events": {"api": "fastapi"},
    },
    "svc-infra-on": {
        "budgets": {"api": "svc_infra", **TENANT_SOFT},
        "goals": {"api": "svc_infra", **TENANT_SOFT},
        "net_worth": {"api": "svc_infra", **TENANT_SOFT},
        "bank_connections": {"api": "svc_infra", **TENANT_SOFT},
        "accounts": {"api": "svc_infra", **TENANT_SOFT},
        "transactions": {"api": "svc_infra", **TENANT_SOFT},
        "categories": {"api": "svc_infra", **TENANT_SOFT},
        "documents": {"api": "svc_infra", **TENANT_SOFT},
        "recurring_patterns": {"api": "svc_infra", **TENANT_SOFT},
        "holdings": {"api": "svc_infra", **TENANT_SOFT},
    },
    "svc-infra-off": {
        "budgets": {"api": "svc_infra"},
        "goals": {"api": "svc_infra", "with_repository": False},
        "net_worth": {"api": "svc_infra"},
        "bank_connections": {"api": "svc_infra"},
        "accounts": {"api": "svc_infra", "with_repository": False},
        "transactions": {"api": "svc_infra"},
        "categories": {"api": "svc_infra"},
        "documents": {"api": "svc_infra", "with_repository": False},
        "recurring_patterns": {"api": "svc_infra"},
        "holdings": {"api": "svc_infra", "with_repository": False},
        "budget_snapshots": {"api": "svc_infra"},
        "goal_progress": {"api": "svc_infra"},
    },
}


def _api_tests(app: Path) -> list[str]:
    """The rendered API test files of every domain in ``app``."""
    return sorted(str(path.relative_to(app)) for path in app.glob("tests/*/test_*_api.py"))


def _api_files(app: Path) -> list[str]:
    """The rendered API modules and their tests (routes.py: a renamed api_filename)."""
    return sorted(
        str(path.relative_to(app))
        for path in app.rglob("*.py")
        if "api" in path.name or path.name == "routes.py"
    )


# --- without rendering ---------------------------------------------------------------


def test_fastapi_needs_the_repository_and_svc_infra_does_not() -> None:
    assert api_answer("fastapi", True) == ""
    assert api_answer("svc_infra", False) == ""
    assert api_answer("none", False) == ""
    assert "with_repository=true" in api_answer("fastapi", False)


def test_every_finder_of_every_domain_has_its_own_path() -> None:
    for key in domain_keys():
        domain = load_domain(key)
        paths = [route.path for route in finder_routes(domain)]

        assert len(set(paths)) == len(paths) == len(domain.finders)
        assert not {"/count", "/batch"} & set(paths)


def test_operation_ids_are_stable_and_unique() -> None:
    ids = operation_ids(load_domain("budgets", soft_delete=True))

    assert ids[:4] == ["budgets_create", "budgets_create_many", "budgets_list", "budgets_count"]
    assert ids[-4:] == ["budgets_get", "budgets_update", "budgets_delete", "budgets_restore"]
    assert len(set(ids)) == len(ids)
    assert "net_worth_snapshots_update" not in operation_ids(load_domain("net_worth"))


def test_urls_use_hyphens() -> None:
    assert url_prefix(load_domain("net_worth")) == "/net-worth-snapshots"
    assert url_path("get_by_date_range") == "/by-date-range"


# --- rendering -------------------------------------------------------------------------


def test_no_api_by_default(tmp_path: Path) -> None:
    render(tmp_path)

    assert _api_files(tmp_path) == []
    answers = yaml.safe_load((tmp_path / ".copier/answers.budgets.yml").read_text())
    assert answers["api"] == "none"
    requirements = (tmp_path / ".copier/requirements.budgets.txt").read_text()
    assert "fastapi" not in requirements


def test_api_fastapi_renders_the_router_its_tests_and_their_requirements(tmp_path: Path) -> None:
    render(tmp_path, api="fastapi")

    assert _api_files(tmp_path) == [
        "app/models/budgets/budget_api.py",
        "tests/budgets/test_budget_api.py",
    ]
    requirements = (tmp_path / ".copier/requirements.budgets.txt").read_text()
    assert re.search(r"^fastapi>=\d", requirements, re.M)
    assert re.search(r"^httpx>=\d", requirements, re.M)
    assert "svc-infra" not in requirements


def test_api_svc_infra_needs_svc_infra(tmp_path: Path) -> None:
    render(tmp_path, domain="goals", api="svc_infra", api_filename="http_routes.py")

    assert (tmp_path / "app/models/goals/http_routes.py").is_file()
    requirements = (tmp_path / ".copier/requirements.goals.txt").read_text()
    assert re.search(r"^svc-infra>=1\.22\.2$", requirements, re.M)


def test_an_answer_reaches_the_router_only_as_a_literal(tmp_path: Path) -> None:
    render(tmp_path, api="fastapi", include_tenant=True, tenant_field="org_id")

    router = (tmp_path / "app/models/budgets/budget_api.py").read_text()
    assert "org_id=caller.tenant" in router
    assert '"x-tenant-id"' not in router.lower()
    assert "Header()" in router  # If-Match only


# --- the rendered code -----------------------------------------------------------------


@pytest.fixture(scope="module", params=list(APPS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp(request.param)
    for domain, answers in APPS[request.param].items():
        render(app, domain=domain, **answers)
    return app


@pytest.mark.slow
def test_the_rendered_api_files_are_ruff_clean_at_every_line_length(rendered: Path) -> None:
    targets = _api_files(rendered)
    assert len(targets) == 2 * len(APPS[rendered.name.rstrip("0123456789")]), targets
    for line_length in ("88", "100", "120"):
        command = [tool("ruff"), "format", "--isolated", "--line-length", line_length, "--check"]
        result = run([*command, *targets], rendered)
        assert result.returncode == 0, result.stdout + result.stderr
    check = [tool("ruff"), "check", "--isolated", "--extend-select", LINT_RULES, *targets]
    result = run(check, rendered)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_passes_on_the_app(rendered: Path, mypy_cache: Path) -> None:
    result = mypy_strict(rendered, mypy_cache)

    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_the_rendered_api_tests_pass_on_sqlite(rendered: Path) -> None:
    result = run([*_pytest(), *_api_tests(rendered)], rendered)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout


def _pytest() -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


@pytest.fixture(params=["postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from fresh_database(request.param)


# On the servers, only the apps whose SQL is svc-infra's own: FastAPI's routes call the
# rendered repository and send no SQL of their own; the servers run the repository's
# SQL for every domain in tests/test_databases.py.
@pytest.mark.slow
@pytest.mark.database
@pytest.mark.parametrize(
    "rendered", ["svc-infra-on", "svc-infra-off"], indirect=True, scope="module"
)
def test_the_rendered_api_tests_pass_on_the_server(rendered: Path, database_url: str) -> None:
    result = run([*_pytest(), *_api_tests(rendered)], rendered, {"TEST_DATABASE_URL": database_url})

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout
    assert "failed" not in result.stdout


# --- svc-infra, measured ----------------------------------------------------------------


@pytest.fixture(scope="module")
def svc_infra_budgets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("svc-infra-budgets")
    return render(app, api="svc_infra", include_tenant=True, include_soft_delete=True)


@pytest.mark.slow
def test_svc_infra_alone_trusts_the_client_and_fails_on_uuid_ids_and_the_wiring_fixes_both(
    svc_infra_budgets: Path,
) -> None:
    script = [sys.executable, str(SCRIPTS / "svc_infra_routes.py")]

    result = run(script, svc_infra_budgets, {"PYTHONPATH": str(svc_infra_budgets)})

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == [
        # svc-infra 1.22.2 as add_sql_resources mounts it, on SQLite:
        "raw: list with X-Tenant-Id of another tenant: total 1",
        "raw: get by id: 500",  # the id stays text; a UUID column needs uuid.UUID
        "raw: delete by id: 500",
        "raw: create without the defaulted fields: 500",  # categories stored as null
        "raw: create naming its owner: 201",  # any user_id the client chooses
        "raw: invalid body: 422, input echoed: True",
        # the rendered add_budget_routes, the caller being user-2 of tenant-b:
        "wired: list with X-Tenant-Id of another tenant: total 0",
        "wired: get by id: 404",
        "wired: delete by id: 404",
        "wired: create without the defaulted fields: 201",
        "wired: create naming its owner: 422",
        "wired: invalid body: 422, input echoed: False",
        "SqlRepository.delete without where= deletes another tenant's row: True",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "failing_test"),
    [
        # Without the owner in every where=, any user reaches every user's rows.
        (
            "        Budget.user_id == caller.user_id,\n",
            "",
            "test_another_user_cannot_reach_a_budget_by_its_id",
        ),
        # Without the tenant, another tenant's user of the same name reaches them.
        (
            "        Budget.tenant_id == caller.tenant,\n",
            "",
            "test_another_tenant_cannot_reach_a_budget_by_its_id",
        ),
        # The caller left bound after the request: unbound routes would serve it.
        ("            _CALLER.reset(token)\n", "            pass\n", "without_a_caller_refuse"),
        # FastAPI's own 422, which echoes the body.
        (
            "        except RequestValidationError as error:\n",
            "        except LookupError as error:\n",
            "test_a_422_shows_where_and_what_but_never_the_input",
        ),
        # svc-infra's own delete, which compares the id as text (a 500 on SQLite).
        (
            "        budget = await self.get(session, id_value, where=where)\n"
            "        if budget is None:\n"
            "            return False\n",
            "        return await super().delete(session, id_value, where=where)\n",
            "test_delete_answers_204_and_the_budget_is_gone",
        ),
    ],
    ids=["owner", "tenant", "caller-kept", "input-echoed", "svc-infra-delete"],
)
def test_the_rendered_svc_infra_tests_catch_a_broken_wiring(
    tmp_path: Path, svc_infra_budgets: Path, old: str, new: str, failing_test: str
) -> None:
    app = tmp_path / "app"
    for name, content in files(svc_infra_budgets).items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_bytes(content)
    module = app / "app/models/budgets/budget_api.py"
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new, 1))

    result = run([*_pytest(), "tests/budgets/test_budget_api.py"], app)

    assert result.returncode != 0
    assert failing_test in result.stdout


def test_turning_the_api_off_on_update_is_refused_while_its_files_are_there(
    tmp_path: Path,
) -> None:
    render(tmp_path, api="fastapi")
    answers = {
        "with_repository": True,
        "dest_dir": "app/models/budgets",
        "api": "none",
        "tests_dir": "tests",
    }

    with pytest.raises(UserMessageError) as refused:
        layout_change(str(tmp_path), "budgets", answers)

    assert str(refused.value).startswith("api: turning the HTTP API off would delete")
    assert "app/models/budgets/budget_api.py" in str(refused.value)
    (tmp_path / "app/models/budgets/budget_api.py").unlink()
    (tmp_path / "tests/budgets/test_budget_api.py").unlink()
    assert layout_change(str(tmp_path), "budgets", answers) == "ok"
