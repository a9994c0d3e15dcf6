"""Shared helpers of the template's own tests: render, inspect, run rendered code."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from tests.jinja_memo import compile_each_source_once

ROOT = Path(__file__).resolve().parents[1]
# Scripts run inside rendered apps, and released migrations are data: never imported here.
collect_ignore = ["scripts", "releases"]
BIN = Path(sys.executable).parent


def render(dst: Path, **data: Any) -> Path:
    """Render the template into ``dst`` as ``copier copy --defaults --data k=v`` does."""
    run_copy(str(ROOT), dst, data=data, defaults=True, unsafe=True, quiet=True, overwrite=True)
    return dst


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".mypy_cache" not in path.parts
    }


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The files (from ``files``) added, removed or changed, outside ``.git/``."""
    names = before.keys() | after.keys()
    return sorted(n for n in names if not n.startswith(".git/") and before.get(n) != after.get(n))


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a tool of this venv in ``cwd``; the caller asserts on the result."""
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def tool(name: str) -> str:
    return str(BIN / name)


def rendered_pytest(
    app: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The rendered app's own test suite, run as its developers would run it."""
    return run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::sqlalchemy.exc.SAWarning",
        ],
        app,
        env,
    )


def mypy_strict(
    app: Path, cache: Path, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict .`` in the rendered ``app``, with the worker's shared cache."""
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *options]
    return run([*command, "."], app, env)


@pytest.fixture(scope="session", autouse=True)
def _jinja_compiles_each_source_once() -> Iterator[None]:
    """Renders in this process share compiled templates (see tests/jinja_memo.py)."""
    with compile_each_source_once():
        yield


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache per pytest process, for every rendered app it type-checks.

    Cold, ``mypy --strict`` spends most of a minute on SQLAlchemy, Pydantic, FastAPI
    and svc-infra; with this cache it analyses them once per process and then only
    each app's own modules. mypy validates every cached module against its source's
    size and hash, so apps with the same module names but other code are checked
    afresh. Under pytest-xdist each worker has its own base temp folder, so no two
    processes ever write one cache at once. Use it with ``mypy_strict`` above.
    """
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Path]:
    """An empty application folder to render into."""
    folder = tmp_path / "project"
    folder.mkdir()
    yield folder


@pytest.fixture(scope="session")
def three_domain_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Budgets, goals and net worth with tenancy and soft delete, for the scripts in scripts/."""
    folder = tmp_path_factory.mktemp("three-domains")
    for domain in ("budgets", "goals", "net_worth"):
        render(folder, domain=domain, include_tenant=True, include_soft_delete=True)
    return folder


# The ledger in the order its references point, and holdings, which refer to accounts.
LEDGER_AND_HOLDINGS = ("categories", "bank_connections", "accounts", "transactions", "holdings")


@pytest.fixture(scope="session")
def ledger_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger and holdings with tenancy and soft delete, every reference a key.

    Rendered once per worker and shared, so each check runs on it once: migrations and
    the rendered tests in test_relations.py, ruff and mypy in test_more_seed_domains.py.
    A test that uses it must not change its files.
    """
    folder = tmp_path_factory.mktemp("ledger-and-holdings")
    for domain in LEDGER_AND_HOLDINGS:
        render(folder, domain=domain, include_tenant=True, include_soft_delete=True)
    return folder


SERVERS = {"postgresql": "FIP_POSTGRES_URL", "mariadb": "FIP_MARIADB_URL"}


@pytest.fixture(params=["postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database on each server in turn (see ``fresh_database``)."""
    yield from fresh_database(request.param)


async def _execute(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def fresh_database(server: str) -> Iterator[str]:
    """A fresh, empty database on ``server``, dropped afterwards (use with yield from).

    Skips when the server's URL is not set or the server is unreachable, unless
    FIP_REQUIRE_DATABASES=1 (as in CI), which fails the test instead.
    """
    variable = SERVERS[server]
    server_url = os.environ.get(variable)
    required = os.environ.get("FIP_REQUIRE_DATABASES") == "1"
    if not server_url:
        if required:
            pytest.fail(f"{variable} is not set, and FIP_REQUIRE_DATABASES=1 requires {server}")
        pytest.skip(f"{variable} is not set: no {server} server to test against")
    name = f"fip_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_execute(server_url, f"CREATE DATABASE {name}"))
    except (OSError, DBAPIError) as error:
        if required:
            pytest.fail(f"{server} at {variable} is unreachable: {error}")
        pytest.skip(f"{server} at {variable} is unreachable: {error}")
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(server_url, f"DROP DATABASE {name}"))


# Scheduling under pytest-xdist -------------------------------------------------------
#
# scripts/test.sh runs `pytest -n 2 --dist loadgroup --no-loadscope-reorder`: each
# xdist_group goes whole to one worker, every other test is handed out one at a time,
# in the order the workers collected them. Two hooks shape that:
#
# - Tests that share a module-scoped fixture (a rendered app, a template copy) are
#   grouped, one group per parameter of the fixture, so a worker renders each app once
#   and never tears it down half-way. A module needs nothing for this: any fixture with
#   scope="module" (or "class"/"package") counts. Session-scoped fixtures live as long
#   as the worker, so they group nothing. An explicit @pytest.mark.xdist_group wins.
# - The slow tests (database ones first) are handed out before the fast ones, so the
#   long renders and server runs start early and the fast tests fill the gaps at the
#   end instead of one long test keeping a core busy alone.

_SHARED_SCOPES = {"class", "module", "package"}


def _shared_group(item: pytest.Item) -> str | None:
    """The group of tests that share ``item``'s module-scoped fixtures, if any."""
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is None:
        return None
    shared = sorted(
        name
        for name in getattr(item, "fixturenames", ())
        if (found := definitions.name2fixturedefs.get(name)) and found[-1].scope in _SHARED_SCOPES
    )
    if not shared:
        return None
    module = item.nodeid.split("::", 1)[0]
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    by_param = [f"{name}={params[name]}" for name in shared if name in params]
    group = f"{module}:{','.join(by_param)}" if by_param else f"{module}::{'+'.join(shared)}"
    # xdist reads the group after the last "@" of the node id, unless a "]" follows it.
    return group.replace("[", "(").replace("]", ")")


def _weight(item: pytest.Item) -> int:
    if item.get_closest_marker("database"):
        return 0
    return 1 if item.get_closest_marker("slow") else 2


def _group(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("xdist_group")
    if marker is None:
        return None
    return str(marker.kwargs.get("name", marker.args[0] if marker.args else ""))


def _names_its_group(nodeid: str) -> bool:
    """Whether xdist's loadgroup scheduler finds a group in ``nodeid``."""
    return nodeid.rfind("@") > nodeid.rfind("]")


def _by_weight_keeping_groups_whole(items: list[pytest.Item]) -> None:
    """Slow tests first, each group whole, at the weight of its slowest test.

    A group's tests end up next to each other, in pytest's order, even where pytest
    had split them (as an indirect parametrization does): sorted one by one,
    a rendered app's database tests would run first and its ruff and mypy tests
    later, after other apps' tests, so pytest would tear the app down and render
    it again for each of them.
    """
    weights: dict[str, int] = {}
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if (group := _group(item)) is not None:
            weights[group] = min(weights.get(group, _weight(item)), _weight(item))
            first.setdefault(group, index)

    def key(indexed: tuple[int, pytest.Item]) -> tuple[int, int]:
        index, item = indexed
        group = _group(item)
        return (weights[group], first[group]) if group is not None else (_weight(item), index)

    items[:] = [item for _, item in sorted(enumerate(items), key=key)]


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Iterator[None]:
    # Before every other implementation: xdist's own reads the groups from the marks.
    for item in items:
        if item.get_closest_marker("xdist_group") is None and (group := _shared_group(item)):
            item.add_marker(pytest.mark.xdist_group(group))
    yield
    # After them all (pytest's ordering by fixture included), and under xdist only:
    # stable, so each module's order, and each group's, is kept.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _check_xdist_keeps_the_groups(config, items)
        _by_weight_keeping_groups_whole(items)


def _check_xdist_keeps_the_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fail loudly where xdist would silently hand a group's tests to both workers.

    xdist tells its scheduler a test's group by appending ``@group`` to the node id.
    pytest 9.2 made node ids read-only that way (pytest-dev/pytest-xdist#1386), and a
    group name with a "]" reads as part of a parameter: either way each test of a
    rendered app went its own way, and the app was rendered again for each of them.
    """
    if not config.getoption("loadgroup", default=False):
        return
    lost = [item.nodeid for item in items if _group(item) and not _names_its_group(item.nodeid)]
    if lost:
        raise pytest.UsageError(
            f"pytest-xdist dropped the xdist_group of {len(lost)} tests (first: {lost[0]}):"
            " use a pytest that pyproject.toml allows"
        )
