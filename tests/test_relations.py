"""References between domains: plain ids until the referenced domain is rendered, then keys.

A key made at creation is part of the table's first migration; one made later (the
referenced domain came second) is a step of its own, added by ``copier update`` with
no hand edits, after the app's head of that moment so the history stays one chain.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from copier.errors import UserMessageError

from extensions.catalogue import Link, check_tree, load_domain
from extensions.history import history
from extensions.ids import revision_id
from extensions.relations import link_problem, linked_models, links_of, missing_reference_key
from tests.answer_helpers import snapshot
from tests.conftest import render, rendered_pytest, run, tool
from tests.test_update import App, Template, _heads

ACCOUNTS_MODEL = "app/models/accounts/account.py"
TRANSACTIONS_MODEL = "app/models/transactions/transaction.py"
CONNECTIONS_CREATE = revision_id("bank_connections", "bank_connections")


# The history of a key added later (no rendering) ----------------------------------


def _recorded(after_revision: str, *fields: str) -> dict[str, Any]:
    return {
        field: {
            "table": "accounts" if field == "account_id" else "categories",
            "tenant_field": "tenant_id",
            "after_step": "create",
            "after_revision": after_revision,
        }
        for field in fields
    }


def test_a_key_added_later_is_a_step_after_the_apps_head_of_that_moment() -> None:
    links = links_of(_recorded("feedfacecafe", "account_id"))
    transactions = load_domain("transactions", tenant_field="tenant_id", links=links)

    steps = history(transactions, down_revision="0123456789ab", created_with_soft_delete=False)

    assert [s.name for s in steps] == ["create", "link_account_id"]
    assert [s.down_revision for s in steps] == ["0123456789ab", "feedfacecafe"]
    assert [k.name for k in steps[1].added_foreign_keys] == ["fk_transactions_account_id"]
    assert steps[0].after.foreign_keys == []


def test_two_keys_added_by_one_update_follow_each_other() -> None:
    links = links_of(_recorded("feedfacecafe", "account_id", "category_id"))
    transactions = load_domain("transactions", tenant_field="tenant_id", links=links)

    steps = history(transactions, down_revision="", created_with_soft_delete=False)

    assert [s.name for s in steps] == ["create", "link_account_id", "link_category_id"]
    assert steps[2].down_revision == steps[1].revision


def test_soft_delete_turned_on_after_a_key_follows_the_key() -> None:
    links = links_of(_recorded("feedfacecafe", "account_id"))
    transactions = load_domain(
        "transactions", tenant_field="tenant_id", soft_delete=True, links=links
    )

    steps = history(
        transactions,
        down_revision="",
        created_with_soft_delete=False,
        soft_delete_after="link_account_id",
    )

    assert [s.name for s in steps] == ["create", "link_account_id", "add_soft_delete"]
    assert steps[2].down_revision == steps[1].revision


def test_a_tenant_safe_key_names_the_tenant_and_the_id_on_both_sides() -> None:
    links = links_of({"account_id": {"table": "ledger_accounts", "tenant_field": "org_id"}})
    transactions = load_domain("transactions", tenant_field="workspace_id", links=links)

    (key,) = transactions.foreign_keys

    assert key.columns == ("workspace_id", "account_id")
    assert key.targets == ("ledger_accounts.org_id", "ledger_accounts.id")
    assert key.on_delete == "CASCADE"


def test_a_referenced_tenanted_domain_offers_tenant_and_id_as_a_unique_key() -> None:
    accounts = load_domain("accounts", tenant_field="tenant_id")
    net_worth = load_domain("net_worth", tenant_field="tenant_id")

    assert ("tenant_id", "id") in [u.columns for u in accounts.unique_constraints]
    assert ("tenant_id", "id") not in [u.columns for u in net_worth.unique_constraints]


@pytest.mark.parametrize(
    "value",
    [
        "account_id",
        {"no_such_field": {"table": "accounts"}},
        {"account_id": {"table": "accounts; drop table x"}},
        {"account_id": {"table": "accounts", "tenant_field": "Tenant"}},
        {"account_id": {"table": "accounts", "after_step": "create"}},
        {"account_id": {"table": "accounts", "after_step": "x", "after_revision": "zz"}},
        {"account_id": {"table": "accounts", "extra": 1}},
    ],
)
def test_a_links_record_copier_could_not_have_written_is_refused(value: object) -> None:
    assert "a mapping of reference fields" in link_problem("transactions", value)


# Rendered apps --------------------------------------------------------------------


@pytest.mark.slow
def test_a_reference_to_a_domain_not_rendered_is_a_plain_indexed_id(app: Path) -> None:
    render(app, domain="transactions", include_tenant=True)

    model = (app / TRANSACTIONS_MODEL).read_text()
    assert "ForeignKeyConstraint" not in model
    assert '"account_id",\n            "user_id",' in model  # the index behind the finder
    answers = (app / ".copier/answers.transactions.yml").read_text()
    assert "linked_references: {}" in answers
    result = rendered_pytest(app)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
def test_a_reference_across_tenancy_is_refused_and_writes_nothing(app: Path) -> None:
    render(app, domain="accounts", include_tenant=True)
    before = snapshot(app)

    with pytest.raises(UserMessageError, match="include_tenant: transactions references accounts"):
        render(app, domain="transactions", include_tenant=False)

    assert snapshot(app) == before


@pytest.mark.slow
def test_a_reference_across_declarative_bases_is_refused(app: Path) -> None:
    render(app, domain="categories")
    before = snapshot(app)

    with pytest.raises(UserMessageError, match="must share one declarative base"):
        render(app, domain="transactions", orm_base="svc_infra")

    assert snapshot(app) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "forged",
    [
        "not a mapping",
        {"account_id": {"table": "users", "tenant_field": "", "after_step": "x"}},
        {"account_id": {"table": "accounts\nimport os"}},
    ],
)
def test_a_forged_links_record_is_refused_and_writes_nothing(app: Path, forged: object) -> None:
    before = snapshot(app)

    with pytest.raises(UserMessageError, match="linked_references: .* Copier records a mapping"):
        render(app, domain="transactions", linked_references=forged)

    assert snapshot(app) == before


@pytest.fixture
def git_app(tmp_path: Path) -> App:
    return App(tmp_path / "app", Template(tmp_path / "template"))


def _alembic(app: Path, url: str, *args: str) -> Any:
    return run([tool("alembic"), *args], app, {"DATABASE_URL": url})


@pytest.mark.slow
def test_accounts_first_then_connections_then_update_adds_the_key(git_app: App) -> None:
    git_app.copy(domain="accounts", include_tenant=True, include_soft_delete=True)
    assert "ForeignKeyConstraint" not in git_app.read(ACCOUNTS_MODEL)
    git_app.copy(domain="bank_connections", include_tenant=True, include_soft_delete=True)
    migrations = {
        name: body
        for name, body in snapshot(git_app.path).items()
        if name.startswith("migrations/versions/")
    }

    git_app.update("accounts")

    model = git_app.read(ACCOUNTS_MODEL)
    assert '["bank_connections.tenant_id", "bank_connections.id"]' in model
    now = snapshot(git_app.path)
    assert {name: now[name] for name in migrations} == migrations  # nothing rewritten
    added = sorted(n for n in now if n.startswith("migrations/versions/") and n not in migrations)
    assert [Path(n).name.split("_", 1)[1] for n in added] == ["accounts_link_connection_id.py"]
    assert git_app.answers("accounts")["linked_references"] == {
        "connection_id": {
            "table": "bank_connections",
            "tenant_field": "tenant_id",
            "after_step": "create",
            "after_revision": CONNECTIONS_CREATE,
        }
    }
    assert git_app.conflicted() == []
    assert len(_heads(git_app)) == 1
    git_app.commit("update accounts")

    # Updating again changes nothing: the record is complete.
    settled = {n: b for n, b in snapshot(git_app.path).items() if not n.startswith(".git")}
    git_app.update("accounts")
    again = {n: b for n, b in snapshot(git_app.path).items() if not n.startswith(".git")}
    assert again == settled

    url = f"sqlite+aiosqlite:///{git_app.path}/app.db"
    upgrade = _alembic(git_app.path, url, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    check = _alembic(git_app.path, url, "check")
    assert check.returncode == 0, check.stdout + check.stderr[-3000:]
    downgrade = _alembic(git_app.path, url, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stderr[-3000:]
    result = rendered_pytest(git_app.path)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
def test_the_four_ledger_domains_link_at_creation_and_migrate_as_one_chain(
    ledger_app: Path, tmp_path: Path
) -> None:
    # The ledger with holdings after it (conftest.py), shared with the holdings checks
    # in test_more_seed_domains.py, which lint and type-check the same app.
    model = (ledger_app / TRANSACTIONS_MODEL).read_text()
    assert model.count("ForeignKeyConstraint(") == 2
    url = f"sqlite+aiosqlite:///{tmp_path}/app.db"
    for command in (["upgrade", "head"], ["check"], ["downgrade", "base"]):
        result = _alembic(ledger_app, url, *command)
        assert result.returncode == 0, (command, result.stdout, result.stderr[-3000:])
    result = rendered_pytest(ledger_app)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


# A tree: categories nest two levels ---------------------------------------------------


def test_categories_form_a_two_level_tree_on_parent_id() -> None:
    categories = load_domain("categories")

    assert (categories.tree_parent, categories.tree_levels) == ("parent_id", 2)
    assert load_domain("accounts").tree_parent is None


@pytest.mark.parametrize(
    ("tree", "refusal"),
    [
        ({"parent": "name", "levels": 2}, "tree.parent must be a nullable reference"),
        ({"parent": "missing", "levels": 2}, "tree.parent must be a nullable reference"),
        ({"parent": "parent_id", "levels": 1}, "tree.levels must be a whole number"),
        ({"parent": "parent_id", "levels": "2"}, "tree.levels must be a whole number"),
    ],
)
def test_a_catalogue_tree_that_cannot_hold_is_refused(tree: dict[str, Any], refusal: str) -> None:
    fields = load_domain("categories").fields

    with pytest.raises(ValueError, match=refusal):
        check_tree("categories", tree, fields, ())


def test_a_tree_with_sync_many_is_refused() -> None:
    fields = load_domain("categories").fields
    tree = {"parent": "parent_id", "levels": 2}

    with pytest.raises(ValueError, match="sync_many would write past"):
        check_tree("categories", tree, fields, ("user_id", "key"))


def test_a_parent_of_another_domain_is_no_tree() -> None:
    fields = load_domain("transactions").fields
    tree = {"parent": "category_id", "levels": 2}

    with pytest.raises(ValueError, match="reference to transactions"):
        check_tree("transactions", tree, fields, ())


@pytest.mark.slow
def test_svc_infra_routes_without_the_repository_are_refused_for_a_tree(app: Path) -> None:
    render(app, domain="budgets")
    before = snapshot(app)

    with pytest.raises(UserMessageError, match=r"api: svc-infra's routes would write categories"):
        render(app, domain="categories", api="svc_infra", with_repository=False)

    assert snapshot(app) == before


# A model imports the models its foreign keys name ------------------------------------


def _answers(app: Path, domain: str, **answers: str) -> None:
    (app / ".copier").mkdir(exist_ok=True)
    lines = [f"{name}: {value!r}" for name, value in answers.items()]
    (app / ".copier" / f"answers.{domain}.yml").write_text("\n".join(lines) + "\n")


def test_a_linked_table_brings_the_import_of_its_model(tmp_path: Path) -> None:
    _answers(
        tmp_path,
        "accounts",
        table_name="accounts",
        dest_dir="src/app/ledger",
        models_filename="acct.py",
    )
    links = (Link(field="account_id", table="accounts", tenant_field=""),)

    assert linked_models(str(tmp_path), "transactions", links) == [("accounts", "app.ledger.acct")]
    assert linked_models(str(tmp_path), "transactions", ()) == []


@pytest.mark.parametrize(
    ("dest_dir", "models_filename"),
    [
        ("app/models/accounts; import os", "account.py"),
        ("app/models/accounts", "account.py\nimport os"),
        ("app/class/accounts", "account.py"),
        ("app/models/accounts", "os.system('x').py"),
    ],
)
def test_a_forged_module_path_is_never_rendered(
    tmp_path: Path, dest_dir: str, models_filename: str
) -> None:
    _answers(
        tmp_path,
        "accounts",
        table_name="accounts",
        dest_dir=dest_dir,
        models_filename=models_filename,
    )
    links = (Link(field="account_id", table="accounts", tenant_field=""),)

    assert linked_models(str(tmp_path), "transactions", links) == []


@pytest.mark.slow
def test_a_linked_domains_tests_pass_alone_as_the_after_copy_message_says(app: Path) -> None:
    render(app, domain="accounts", include_tenant=True)
    render(app, domain="transactions", include_tenant=True)
    model = (app / TRANSACTIONS_MODEL).read_text()
    imported = "from app.models.accounts import account as _accounts_model  # noqa: F401\n"
    assert imported in model

    alone = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = run([*alone, "tests/transactions", "--confcutdir=tests/transactions"], app)

    assert result.returncode == 0, result.stdout[-3000:]


def _app_with_budgets(root: Path, *steps: str) -> Path:
    """An app whose budgets (tenanted) have run their creation and ``steps``."""
    (root / ".copier").mkdir(parents=True)
    (root / ".copier/answers.budgets.yml").write_text(
        "domain: budgets\ninclude_tenant: true\ntenant_field: tenant_id\n"
        "table_name: budgets\nmigrations_dir: db\n"
    )
    versions = root / "db/versions"
    versions.mkdir(parents=True)
    parent = None
    for step in ("create", *steps):
        revision = revision_id("budgets", "budgets", step)
        (versions / f"{revision}_budgets_{step}.py").write_text(
            f"revision = {revision!r}\ndown_revision = {parent!r}\n"
        )
        parent = revision
    return root


KEYED_LINK = Link(field="budget_id", table="budgets", tenant_field="tenant_id")


def test_a_key_to_budgets_waits_for_their_key_step(tmp_path: Path) -> None:
    root = _app_with_budgets(tmp_path)

    message = missing_reference_key(root, "budget_snapshots", [KEYED_LINK])

    assert message.startswith("domain: budget_snapshots.budget_id would be a foreign key")
    assert "copier update --trust -a .copier/answers.budgets.yml" in message


def test_a_key_to_budgets_is_fine_once_they_took_the_step(tmp_path: Path) -> None:
    root = _app_with_budgets(tmp_path, "tenant_id_key")

    assert missing_reference_key(root, "budget_snapshots", [KEYED_LINK]) == ""


def test_without_tenancy_no_step_is_waited_for(tmp_path: Path) -> None:
    root = _app_with_budgets(tmp_path)
    plain = Link(field="budget_id", table="budgets", tenant_field="")

    assert missing_reference_key(root, "budget_snapshots", [plain]) == ""
