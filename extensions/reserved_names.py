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
allow allowed by_id declared field fixed fresh kinds methods one p parameters refuse route
unreadable pattern
after_id after_key bindparam bound changed new_ids params result returning written
after_batch batch_size batches examined reencrypt_tokens reencrypted unset untouched
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
Day Moment NUL_FREE BeforeValidator StrictBool UNSIGNED POSITIVE SIGNED StrictInt
Strict WholeNumber AmountsByCategory
"""
RENDERED_CLASS_NAMES = frozenset(_RENDERED_CLASSES.split())

# Every name a rendered module binds at its top level (what it imports, the classes,
# functions and constants it defines), besides the domain's own (``entity_names``,
# ``entity_class_names``, its fields): the model, schemas, repository, both HTTP
# layers, the shared modules, the migrations and the tests. An answer that becomes a
# name in one of those modules (the entity and its classes, a field, the tenant column,
# the base class) must not take one of these. tests/test_hostile_answers.py renders
# every domain with every option, parses each file, and fails when one is missing here.
_MODULE_LEVEL = """
Day Moment NUL_FREE BeforeValidator StrictBool UNSIGNED POSITIVE SIGNED re RowId UUID_TEXT StrictInt
Strict WholeNumber AmountsByCategory DECIMAL_10_2 Decimal_10_2 Executable
AMOUNT_LIMIT ANY_USER APIRoute APIRouter APP_ROOT ATTACK AfterValidator Amount AmountMap
Annotated Any AnyUser AsyncConnection AsyncEngine AsyncIterator AsyncSession Awaitable
AwareDatetime BYPASSES BYPASSES_RLS BaseModel BindParameter Body CONFLICT Callable
CallerDependency CheckConstraint Client Column ColumnElement CommandError Conditions
ConfigDict Connection ContextVar Coroutine CreateIndex CreateTable CurrencyCode
DATABASE_URL DBAPIError DEFAULT_LIMIT DEST_DIR DETAILS DataError DateTime Decimal
DeclarativeBase Depends Dialect EncryptedToken Enum ExactString FOREIGN_PACKAGES FUNCTION
FastAPI Fernet Field Fixed ForeignKeyConstraint HTTPException HTTPStatus Header INSERT
INT_MAX INT_MIN Index Insert Integer IntegrityError InvalidToken Iterable JSON
JSONResponse JsonValue KEYED LOG LONG_TEXT MAX_CURSOR_LENGTH MAX_ID_LENGTH MAX_LEVELS
MAX_LIMIT MODEL_MODULES MONEY MYSQL_CHECK_FAILED Mapped Mapper Mapping MappingProxyType
Member MetaData MigrationContext ModelBase ModuleType Money MultiFernet NAMING_CONVENTION
NUMERIC_10_2 NUMERIC_20_8 NUMERIC_5_4 NUMERIC_9_4 NewRow Numeric OPERATION_IDS
OTHER_TENANT OTHER_USER OURS OWNER OWN_ROWS Operations PG_FUNCTION PREFIX PROBLEM_FIELDS
PROBLEM_JSON Path PositiveAmount Problem ProblemRoute REFERENCED REFUSAL RLS_POLICY ROUTES
ROW_FILTER ReadOnlyColumnCollection Request RequestValidationError Response SECRET SIGNAL
SQLITE_RAISE STATUS_OF SYNCED SYNC_KEY SecretStr Select Self Sequence SessionDependency
SessionGenerator Sessions SignedAmount SqlRepository SqlResource SqlService StaleDataError
StatementError StrEnum String TABLE TABLE_NAME TENANT TENANT_SETTING TEST_KEY TOKEN_KEYS
TRIGGERS TRUNCATE_TRIGGER TYPE_CHECKING Table TenantDependency Text TokenKeyError
TypeDecorator TypeEngine TypeVar UNBOUND URL_VARIABLE USER UTC UTCDateTime UTC_DATETIME
UniqueConstraint UserDependency Uuid VERSIONS ValidationError
BaseRoute Cursor Limit METHODS Query Route UNREADABLE_BODY
and_ annotations app_metadata as_app_role async_sessionmaker asynccontextmanager asyncio
attrgetter base64 bindparam branch_labels cache client compare_metadata config context
conv create_async_engine create_table_alone database_url dataclass date datetime delete
depends_on down_revision downgrade engine event exact_string fileConfig func get_session
httpx identity_key importlib insert inspect intruder json keyed_table
make_crud_router_plus_sql mapped_column mate model_modules model_validator mysql op or_ os
other override pool postgresql pytest pytest_asyncio pytestmark re referenced
rendered_domains repository revision run_async_migrations run_migrations
run_migrations_offline run_migrations_online sa select session sessions sqlite
sqlite_savepoints suppress tables_of target_metadata text time timedelta token_cipher
token_keys true type_coerce update upgrade utc_now uuid without
DEFAULT_BATCH_SIZE MAX_BATCH_SIZE ROW_SECURITY_ACTIVE TOKENS Update reencrypted_token
"""
RENDERED_MODULE_NAMES = frozenset(_MODULE_LEVEL.split())
# The classes and constants among them count as rendered classes too (see above).
RENDERED_CLASS_NAMES |= {name for name in RENDERED_MODULE_NAMES if name[:1].isupper()}
# The declarative bases the model may inherit from: the app's default and svc-infra's.
BASE_CLASS_NAMES = frozenset({"Base", "ModelBase", "DeclarativeBase"})

# The parameters of the rendered functions, methods, routes and tests (a field with an
# index, or a reference, becomes one of its finder's parameters, beside these).
_PARAMETERS = """
amounts app as_app_role back bound caller changes client cls code current cursor data day
db dbapi_connection descending detail dialect direction end engine enum error errors event
expected expected_version fields first high i id_value if_match include_deleted index
intruder items keys last length levels limit look_alike low mapper mate max_length members
metadata method model moment monkeypatch new numbers offset order_by other overrides owned
owner pair path precision prefix q references repository request response row row_id rows
scale self session sessions shape size start statement statuses stored table tenant
tenant_column text tmp_path token_keys trigger type_ user value values version where
"""
RENDERED_PARAMETERS = frozenset(_PARAMETERS.split())

# What a field's finder (``get_by_<field>`` in the repository and the router) names
# beside the field, its parameter: parameters and locals of the method and the route,
# and what the router's factory defines around it.
_FINDER = """
bad_request caller cls conditions cursor found include_deleted limit not_found order params
query repository router row self session tenant user
"""
FINDER_NAMES = frozenset(_FINDER.split())

# Builtins a catalogue domain uses as a field name, with code that shows it is safe.
FIELD_BUILTINS = frozenset({"type"})

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
    ['FinInfraGoal', 'Goal', 'GoalBase']
    """
    suffixes: tuple[str, ...] = ("", "Base", "Create", "Read", "Update", "Page", "Repository")
    suffixes += ("NotFound", "Conflict", "Error", "NotConvertible", "Batch", "Count", "List")
    suffixes += ("Sync", "PolicyBypassed", "SqlRepository", "NoChanges", "Reencryption")
    own = {entity + suffix for suffix in suffixes} | {
        f"Stale{entity}",
        f"New{entity}",
        f"FinInfra{entity}",
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
    return _rendered(name)


def _rendered(name: str) -> str:
    if name in RENDERED_MODULE_NAMES:
        return "a name the rendered modules import or define"
    if name in RENDERED_PARAMETERS:
        return "a parameter name of the rendered methods, routes or tests"
    return ""


def field_collision(name: str) -> str:
    """Why a custom field may not be called ``name`` (``""`` when it may).

    A field is an attribute of the model and schema classes, whose bodies read the
    module's names (``date: Mapped[date]`` would read the field), and the parameter of
    its finder: so it may take no name those modules bind, nor another parameter's.
    Keywords, SQL keywords and the ORM's own attributes are checked by the caller.

    >>> field_collision("due_on"), field_collision("date"), field_collision("self")
    ('', 'a name the rendered modules import or define', 'a parameter or variable of the rendered finders and routes')
    """
    if name in BUILTINS and name not in FIELD_BUILTINS:
        return "a Python builtin (the schemas' annotations read it)"
    if name in RENDERED_MODULE_NAMES:
        return "a name the rendered modules import or define"
    if name in FINDER_NAMES:
        return "a parameter or variable of the rendered finders and routes"
    return ""
