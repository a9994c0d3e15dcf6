"""The HTTP contract of ``api=fastapi``, checked by a tool nobody here wrote (issue 19, part 3).

One app renders every domain with ``api=fastapi``, tenancy and soft delete (audit events
are append-only: tenancy alone), plus a custom entity with one field of every type. A
small FastAPI app mounts each domain's router with the app's own dependencies: sessions
of an async engine on PostgreSQL, a fixed tenant and a fixed user (its "auth"). uvicorn
serves it on 127.0.0.1, Alembic migrates a fresh database, and schemathesis's CLI runs
every phase and every check against the app's own OpenAPI document, bounded and
deterministic. The test passes when schemathesis finds nothing, and otherwise lists what
it found, each kind with the operations it hit and an example. One report of
schemathesis's own making is dropped by a hook, and only that one (see
tests/schemathesis_hooks.py).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from extensions.catalogue import domain_keys
from tests.answer_helpers import copy_answers, copy_template
from tests.conftest import fresh_database, run, tool
from tests.test_databases import EXISTING, LEDGER

pytestmark = [pytest.mark.slow, pytest.mark.database]

# Every domain, in the order references point, so every reference is a foreign key.
DOMAINS = EXISTING + LEDGER
# A custom entity with one field of each type the spec offers (docs/custom.md).
CUSTOM_FIELDS = (
    "number:str(32):unique amount:money:positive balance:money?:signed due_on:date?"
    " paid:bool note:text? rate:decimal(5,2)? status:enum(draft,sent,paid):index"
    " attributes:json? account:ref(accounts)? issued_at:datetime? quantity:int?"
    " currency:currency? reference:uuid?"
)

# The app around the routers, written into the rendered project: exactly what
# docs/api.md tells an app to do, for every domain rendered in it.
MAIN = '''\
"""Every rendered domain's router, mounted with the app's own dependencies."""

import importlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine(os.environ["DATABASE_URL"])
sessions = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


def current_tenant() -> str:
    return "tenant-1"  # this app's "auth": one caller


def current_user() -> str:
    return "user-1"


app = FastAPI(title="every domain")
for api in sorted(Path(__file__).parent.glob("app/models/*/*_api.py")):
    module = importlib.import_module(f"app.models.{api.parent.name}.{api.stem}")
    router = getattr(module, api.stem.removesuffix("_api") + "_router")
    app.include_router(router(get_session, current_tenant, current_user))
'''

# The hooks schemathesis loads (a module importable from this repository's root).
ROOT = Path(__file__).resolve().parents[1]
HOOKS = "tests.schemathesis_hooks"

# Bounds of the run: test cases per operation in the fuzzing and stateful phases (the
# coverage phase generates its own fixed set), and a hard stop for the whole run.
MAX_EXAMPLES = 5
RUN_TIMEOUT = 600
SCHEMATHESIS = [
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing,stateful",
    "--max-examples",
    str(MAX_EXAMPLES),
    # The same test cases on every run (Hypothesis's derandomize, no example database);
    # schemathesis ignores --seed in this mode.
    "--generation-deterministic",
    # One worker: the stateful phase sees the database in the same order every run.
    "--workers",
    "1",
    "--request-timeout",
    "30",
    "--no-color",
    # The requests as sent, so each curl line reproduces its failure exactly.
    "--output-sanitize",
    "false",
]
# What a schema cannot say, and the server answers as documented, operation by
# operation (schemathesis uses the first [[operations]] entry that matches):
# - An If-Match that names another version is answered 412 (RFC 9110, 13.1.1): it
#   depends on the row's state, not the request's shape (PATCH and DELETE by id).
# - A rule across two fields (JSON Schema cannot compare two values): a budget's
#   end_date before its start_date, or a net-worth total that is not assets less
#   liabilities, is a 422 (POST, the batch, and PATCH for budgets).
# - A range whose end comes before its start is a 400 (the finders taking two ends).
# - A cursor is an opaque token only this API makes: one it did not make is a 400,
#   however well formed (GET of a list).
ACCEPTED = '"2XX", "3XX", "401", "403", "404", "409", "429", "5XX"'


def _operations(path: str, *extra: str) -> str:
    # schemathesis 4.32 reads include-path-regex but not include-method-regex here:
    # an entry covers every method of its paths, and the first that matches is used.
    statuses = ", ".join([ACCEPTED, *(f'"{status}"' for status in extra)])
    return (
        "[[operations]]\n"
        f'include-path-regex = "{path}"\n'
        f"checks.positive_data_acceptance.expected-statuses = [{statuses}]\n"
    )


CONFIG = "\n".join(
    [
        _operations("^/budgets/{budget_id}$", "412", "422"),
        _operations("^/(budgets|net-worth-snapshots)(/batch)?$", "400", "422"),
        _operations("_id}$", "412"),
        _operations("/(in-periods|by-date-range|by-account-between|between)$", "400"),
        _operations("^/[a-z-]+$", "400"),
    ]
)


# The encryption key of bank connections' access tokens (a fixed test key).
TOKEN_KEY = "MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="


@pytest.fixture(scope="module")
def every_domain_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app: every domain with api=fastapi, tenancy and soft delete, and ``main.py``."""
    assert sorted(DOMAINS) == sorted(domain_keys()), "a new domain: add it to DOMAINS"
    template = copy_template(tmp_path_factory.mktemp("contract-template"))
    app = tmp_path_factory.mktemp("contract-app")
    common = {"api": "fastapi", "include_tenant": True}
    for domain in DOMAINS:
        soft_delete = domain != "audit_events"  # append-only: nothing to delete
        copy_answers(
            template, app, {"domain": domain, **common, "include_soft_delete": soft_delete}
        )
    custom = {"domain": "custom", "entity": "Invoice", "fields": CUSTOM_FIELDS}
    copy_answers(template, app, {**custom, **common, "include_soft_delete": True})
    (app / "main.py").write_text(MAIN, encoding="utf-8")
    return app


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped after the test (the server is shared)."""
    yield from fresh_database("postgresql")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _log_tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]


@pytest.fixture
def served(every_domain_app: Path, database_url: str, tmp_path: Path) -> Iterator[str]:
    """The app migrated onto ``database_url`` and served by uvicorn on 127.0.0.1."""
    env = {"DATABASE_URL": database_url, "FIN_INFRA_TOKEN_KEYS": TOKEN_KEY}
    migrated = run([tool("alembic"), "upgrade", "head"], every_domain_app, env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr[-4000:]
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1"]
    options = ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, *options],
            cwd=every_domain_app,
            env={**os.environ, **env, "PYTHONPATH": str(every_domain_app)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"uvicorn exited with {server.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base_url}/openapi.json", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not answer at {base_url}:\n{_log_tail(log)}")
            time.sleep(0.2)
        yield base_url
    finally:
        # Stop it before the database is dropped: its connections would keep it.
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass(frozen=True)
class Failure:
    code: str  # e.g. ST202
    title: str  # e.g. Schema-valid request rejected
    operation: str  # e.g. GET /budgets, or "Stateful tests"
    text: str  # schemathesis's account of it, with the request to reproduce it


CHECK = re.compile(r"^- (ST\d+) (.+)$", re.MULTILINE)


def failures(junit: Path) -> list[Failure]:
    """Every failure in schemathesis's JUnit report, one per check a test case failed."""
    found = []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        for failure in [*case.iter("failure"), *case.iter("error")]:
            text = failure.text or ""
            checks = CHECK.findall(text) or [(failure.get("message", "?"), "error")]
            for code, title in checks:
                found.append(Failure(code, title.strip(), case.get("name", "?"), text))
    return found


STATUS = re.compile(r"^\[(\d{3})\] [^\n]*:\n\n\s*`(.*)`$", re.MULTILINE)
NUMBERS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def _reason(text: str) -> str:
    """What the server answered, without the values of this one case: its status and
    its problem's error types, or its detail with the numbers and ids taken out."""
    answered = STATUS.search(text)
    if answered is None:
        return ""
    status, body = answered.groups()
    try:
        problem = json.loads(body)
    except ValueError:
        return f"{status} {body[:80]}"
    if not isinstance(problem, dict) or "detail" not in problem:
        return status
    if isinstance(problem.get("errors"), list):
        types = sorted(
            {str(error.get("type")) for error in problem["errors"] if isinstance(error, dict)}
        )
        return f"{status} {', '.join(types)}"
    return f"{status} {NUMBERS.sub('N', str(problem.get('detail', '')))[:80]}"


def _example(text: str) -> str:
    """The response and the request of one failure, each line cut to a readable length."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("st replay", "Reproduce with"))]
    return "\n".join(f"      {line[:300]}" for line in keep[1:])


def report(found: list[Failure]) -> str:
    """Each kind of failure (check and answer): the operations it hit, and one example."""
    kinds: dict[tuple[str, str, str], list[Failure]] = {}
    for failure in found:
        kinds.setdefault((failure.code, failure.title, _reason(failure.text)), []).append(failure)
    out = [f"schemathesis found {len(found)} failures, {len(kinds)} kinds:"]
    for (code, title, reason), each in sorted(kinds.items()):
        operations = sorted({failure.operation for failure in each})
        out.append(f"\n{code} {title} [{reason}]: {len(each)}, in {', '.join(operations)}")
        out.append(f"  e.g. {each[0].operation}:\n{_example(each[0].text)}")
    return "\n".join(out)


def test_every_route_keeps_its_openapi_contract(served: str, tmp_path: Path) -> None:
    # In a folder of its own, with its configuration (see CONFIG) and its reports.
    folder = tmp_path / "schemathesis"
    folder.mkdir()
    config = folder / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    junit = folder / "junit.xml"
    command = [tool("schemathesis"), "--config-file", str(config), "run", f"{served}/openapi.json"]
    reports = ["--report", "junit", "--report-junit-path", str(junit)]
    try:
        result = subprocess.run(
            [*command, *SCHEMATHESIS, *reports],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": HOOKS},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"schemathesis ran for more than {RUN_TIMEOUT} s:\n{error.stdout!s:.4000}")
    output = folder / "output.txt"
    output.write_text(result.stdout + result.stderr, encoding="utf-8")
    assert junit.exists(), result.stdout[-6000:] + result.stderr[-3000:]

    found = failures(junit)
    if found:
        summary = result.stdout[result.stdout.rfind("SUMMARY") :]
        pytest.fail(f"{report(found)}\n\n{summary}\n(all of it: {output})", pytrace=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
