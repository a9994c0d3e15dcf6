"""Names an answer may not take, because the rendered code or its tools already use them.

An answer becomes a name in several languages at once: the tenant column is a model
attribute, a schema field, a keyword argument of every repository method and a column
in SQL. Each set below says where a collision would break the code, and ``collision``
gives the first reason that applies. Plain data, the standard library and the naming helpers only:
Copier's environment has neither SQLAlchemy nor Pydantic (tests compare these sets
with the installed libraries and with freshly rendered code).
"""

from __future__ import annotations

import builtins
import keyword
import sys

from .naming import plural
from .sql_keywords import SQL_KEYWORDS

# Columns every rendered table has; no answer or custom field may take their names.
SYSTEM_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at")
PYTHON_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
BUILTINS = frozenset(dir(builtins))

# Lower-case names the rendered modules (model, schemas, repository, migration, tests)
# define or import. A tenant column with one of these names shadows it inside the
# method, class body or test that uses both. tests/test_hostile_answers.py re-renders
# every domain and fails when the templates start using a name missing here.
_RENDERED = """
after amount amounts and_ annotations as_app_role async_sessionmaker asynccontextmanager
base64 before binascii bypasses branch_labels broken build c cache_ok chain changes check code
collation column compare_metadata conditions connection context conv count create
create_async_engine create_many created created_at created_id current cursor data
dataclass date datetime day dbapi_connection delete deleted deleted_at depends_on
descending dialect diff direction done down_revision downgrade engine enum error event
everything exact_string expected expected_version fields first found func get get_active
get_by_date_range get_by_period get_by_status get_by_type get_due_before get_latest
given grant history hit i impl importlib include_deleted inspect item items json kept
key kind known last length limit load_dialect_impl look_alike m made_descending mapped_column
mariadb member members metadata migration mine model_config model_validator module
moment mysql naive name names next_cursor nulls op or_ order ordered os other override
overrides owned page parents path paths payload pending position process_bind_param
process_result_value purge pytest pytest_asyncio pytestmark query ready repository
require_row_level_security restore restored result revision revisions role row row_id
rows sa seen select self sent session sessions setting setup spec still_there stored
suppress tenant tenants text theirs timedelta tmp_path total type_ unchecked update
updated updated_at upgrade utc_now uuid v value values version visible
back changed cls f from_fin_infra fuller k message model moved now number numbers time
to_fin_infra unknown
attrgetter pair
exact get_by_tax_year high low precision scale
get_by_cadence get_by_security
create_table_alone get_by_account get_by_account_between get_by_category get_by_connection
get_by_merchant get_children get_needing_reauth get_pending get_roots keyed_table max_length
pairs parent referenced remaining tenant_column url
again batch columns inserted moment new options ordered postgresql report sqlite stamp stamps
start statement sync_many touched unchanged upsert
cache monkeypatch newer old_secret raw readable revealed token_cipher token_keys type_coerce
held identity_key make_transient_to_detached
add_sql_resources again app bad_request caller client content current_tenant db detail
documented elsewhere errors example get_route_handler get_session gone handle
handle_problems headers httpx id_value ids if_match link listed location method not_found
operation operations owner prefix problem request require_tenant_id response router shown
size statuses tag tags title transport unread written
above alone ancestor below chain check_parent child down leaf level levels moving scope top
up
checks get_between get_by_actor get_by_budget get_by_goal get_by_resource get_in_periods head
truncate waiting
insert
after_id after_key bindparam bound changed new_ids params result returning written
"""
RENDERED_CODE_NAMES = frozenset(_RENDERED.split())

# Capitalised names the rendered model and base modules import or define (besides the
# domain's own classes, see ``entity_class_names``): a base class with one of these
# names would be shadowed by, or shadow, the import next to it.
_RENDERED_CLASSES = """
Amount AmountMap Annotated Any AsyncIterator AsyncSession AwareDatetime BaseModel
CheckConstraint ColumnElement ConfigDict CurrencyCode DEFAULT_LIMIT DateTime Decimal
DeclarativeBase Dialect Enum ExactString Field Index IntegrityError JSON MAX_LIMIT MONEY
MYSQL_CHECK_FAILED Mapped MappingProxyType MetaData Money NAMING_CONVENTION Numeric
OWN_ROWS OperationalError PositiveAmount RLS_POLICY Select Self Sequence SignedAmount
StaleDataError StrEnum String TABLE TENANT_SETTING TypeDecorator TypeEngine UTC
UTCDateTime UTC_DATETIME UniqueConstraint ForeignKeyConstraint
EncryptedToken Fernet InvalidToken MultiFernet TOKEN_KEYS Text TokenKeyError
MAX_LEVELS
Fixed INT_MAX INT_MIN JsonValue LONG_TEXT
"""
RENDERED_CLASS_NAMES = frozenset(_RENDERED_CLASSES.split())

# What SQLAlchemy's declarative classes keep for themselves (a mapped attribute of that
# name is refused or silently replaces the class's own).
SQLALCHEMY_ATTRIBUTES = frozenset(
    {
        "metadata",
        "registry",
        "query",
        "query_class",
        "type_annotation_map",
        "__table__",
        "__tablename__",
        "__mapper__",
        "__mapper_args__",
        "__table_args__",
        "__abstract__",
        "__init__",
    }
)
SQLALCHEMY_PREFIXES = ("_sa_",)

# Pydantic v2 keeps ``model_*`` for itself and still exposes the v1 method names on
# every model; a field of such a name shadows them (a warning, an error under -W error).
PYDANTIC_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "fields",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)
PYDANTIC_PREFIXES = ("model_",)

# Top-level packages an app's own folder or module must not shadow: what the rendered
# code and its tests import, and a few that nearly every such app has installed.
WELL_KNOWN_PACKAGES = frozenset(
    {
        "aiomysql",
        "aiosqlite",
        "alembic",
        "anyio",
        "asyncpg",
        "celery",
        "copier",
        "django",
        "fastapi",
        "fin_infra",
        "flask",
        "greenlet",
        "httpx",
        "hypothesis",
        "jinja2",
        "mypy",
        "numpy",
        "pandas",
        "psycopg",
        "psycopg2",
        "pydantic",
        "pydantic_core",
        "pymysql",
        "pytest",
        "pytest_asyncio",
        "redis",
        "requests",
        "ruff",
        "sqlalchemy",
        "sqlmodel",
        "starlette",
        "svc_infra",
        "typing_extensions",
        "uvicorn",
        "yaml",
    }
)


def entity_names(snake: str) -> frozenset[str]:
    """The names the rendered code derives from the entity: ``budget``, ``budget_id``, ...

    >>> sorted(entity_names("goal"))[:6]
    ['add_goal_routes', 'count_goals', 'create_goal', 'create_goals', 'delete_goal', 'get_goal']
    """
    many = plural(snake)
    api = {f"{snake}_router", f"{snake}_resource", f"add_{snake}_routes"}
    api |= {f"{verb}_{snake}" for verb in ("create", "get", "update", "delete", "restore")}
    api |= {f"{verb}_{many}" for verb in ("create", "list", "count")}
    return frozenset({snake, f"{snake}_id", f"new_{snake}", f"{snake}_values"} | api)


def entity_class_names(entity: str, enums: tuple[str, ...] = ()) -> frozenset[str]:
    """The classes the rendered modules define for ``entity`` (plus its enums).

    >>> sorted(entity_class_names("Goal"))[:3]
    ['Goal', 'GoalBase', 'GoalConflict']
    """
    suffixes: tuple[str, ...] = ("", "Base", "Create", "Read", "Update", "Page", "Repository")
    suffixes += ("NotFound", "Conflict", "Error", "NotConvertible")
    own = {entity + suffix for suffix in suffixes} | {
        f"Stale{entity}",
        f"Invalid{entity}Query",
        f"Invalid{entity}Parent",
    }
    return frozenset(own | set(enums))


def shadowed_module(top_level: str) -> str:
    """Why a top-level package or module of this name would shadow one the app imports.

    >>> shadowed_module("json"), shadowed_module("alembic"), shadowed_module("ledger")
    ('the standard library', 'an installed package the app depends on', '')
    """
    if top_level in sys.stdlib_module_names:
        return "the standard library"
    if top_level in WELL_KNOWN_PACKAGES:
        return "an installed package the app depends on"
    return ""


def collision(name: str) -> str:
    """Why ``name`` cannot be a column, attribute and argument of the rendered code.

    Returns ``""`` when it can. The domain's own columns and entity names are checked
    by the caller, which knows the domain.

    >>> collision("tenant_id"), collision("limit"), collision("user")
    ('', 'a name the rendered repository, model or tests already use', 'a SQL keyword')
    """
    if name in PYTHON_KEYWORDS:
        return "a Python keyword"
    if name in BUILTINS:
        return "a Python builtin"
    if name in SQLALCHEMY_ATTRIBUTES or name.startswith(SQLALCHEMY_PREFIXES):
        return "an attribute SQLAlchemy keeps on every model"
    if name in PYDANTIC_ATTRIBUTES or name.startswith(PYDANTIC_PREFIXES):
        return "an attribute Pydantic keeps on every schema"
    if name in RENDERED_CODE_NAMES:
        return "a name the rendered repository, model or tests already use"
    if name in SQL_KEYWORDS:
        return "a SQL keyword"
    return ""
