"""The HTTP layer of a domain: its routes, their query parameters and imports.

``api=fastapi`` renders a router over the rendered repository; ``api=svc_infra``
renders svc-infra's ``SqlResource`` wiring. What differs between domains (the finders
and their parameters, immutability, the tenant) is worked out here, so the templates
only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Domain, Finder, load_domain
from .testcases import finder_cases, value_imports

API_CHOICES = ("none", "fastapi", "svc_infra")


@dataclass(frozen=True)
class FinderRoute:
    """A domain finder served as ``GET <prefix>/<path>``."""

    finder: Finder
    path: str  # "/by-period"
    params: tuple[tuple[str, str], ...]  # (name, annotation) of its own query parameters

    @property
    def name(self) -> str:
        return self.finder.name

    @property
    def returns_one(self) -> bool:
        return self.finder.kind == "latest"

    @property
    def limited(self) -> bool:
        return self.finder.kind != "latest"


def url_path(name: str) -> str:
    """A finder's URL segment: ``get_by_date_range`` -> ``/by-date-range``.

    >>> url_path("get_active"), url_path("get_due_before")
    ('/active', '/due-before')
    """
    return "/" + name.removeprefix("get_").replace("_", "-")


def finder_route(domain: Domain, finder: Finder) -> FinderRoute:
    """How one finder of ``domain`` is called over HTTP.

    >>> from .catalogue import load_domain
    >>> budgets = load_domain("budgets")
    >>> finder_route(budgets, budgets.finders[1]).params
    (('period', 'BudgetPeriod'),)
    """
    kind = finder.kind
    params: tuple[tuple[str, str], ...] = ()
    if kind == "equals" and finder.value is None:
        field = domain.field(finder.field)
        annotations = {
            "enum": str(field.enum),
            "ref": "RowId",
            "uuid": "RowId",
            "int": "int",
        }
        annotation = annotations.get(field.kind, "str")
        if field.kind == "str":  # the lengths the column holds, in the OpenAPI schema too
            annotation = f"Annotated[str, Query(min_length=1, max_length={field.length})]"
        elif field.kind == "int":
            low, high = field.int_range
            annotation = f"Annotated[int, Query(ge={low}, le={high})]"
        by: tuple[tuple[str, str], ...] = ()
        if finder.by:
            length = domain.field(finder.by).length
            by = ((finder.by, f"Annotated[str, Query(min_length=1, max_length={length})]"),)
        params = (*by, (finder.field, annotation))
    elif kind in ("within", "before"):
        params = (("day", "Day"),)
    elif kind == "between" and domain.field(finder.field).kind == "datetime":
        params = (("start", "Moment"), ("end", "Moment"))
    elif kind == "between":
        by = ((finder.by, "RowId"),) if finder.by else ()
        params = (*by, ("first", "Day"), ("last", "Day"))
    return FinderRoute(finder, url_path(finder.name), params)


def finder_routes(domain: Domain) -> list[FinderRoute]:
    return [finder_route(domain, finder) for finder in domain.finders]


def iso_types(domain: Domain) -> list[str]:
    """The schemas' ISO-only date and time types its fields and finder routes take.

    >>> from .catalogue import load_domain
    >>> iso_types(load_domain("budgets"))
    ['Day']
    """
    fields = {f.type.schema for f in domain.fields}
    params = {annotation for route in finder_routes(domain) for _, annotation in route.params}
    return [kind for kind in ("Day", "Moment") if kind in fields | params]


def url_prefix(domain: Domain) -> str:
    """Where the routes mount by default: ``/net-worth-snapshots``.

    >>> from .catalogue import load_domain
    >>> url_prefix(load_domain("net_worth"))
    '/net-worth-snapshots'
    """
    return "/" + domain.plural.replace("_", "-")


def api_imports(
    d: Domain, model_module: str, schemas_module: str, repository_module: str
) -> list[str]:
    """The FastAPI router module: FastAPI, the repository and its errors, the schemas."""
    E = d.entity
    specs = [
        "uuid",
        "collections.abc:AsyncIterator",
        "collections.abc:Awaitable",
        "collections.abc:Callable",
        "collections.abc:Coroutine",
        "dataclasses:dataclass",
        "http:HTTPStatus",
        "typing:Annotated",
        "typing:Any",
        "fastapi:APIRouter",
        "fastapi:Depends",
        "fastapi:Body",
        "fastapi:Query",
        "fastapi:Request",
        "fastapi:Response",
        "fastapi.exceptions:RequestValidationError",
        "fastapi.responses:JSONResponse",
        "fastapi.routing:APIRoute",
        "starlette.exceptions:HTTPException",
        "starlette.routing:BaseRoute",
        "starlette.routing:Route",
        "pydantic:BaseModel",
        "pydantic:Field",
        "pydantic:ValidationError",
        "sqlalchemy.ext.asyncio:AsyncSession",
        f".{repository_module}:DEFAULT_LIMIT",
        f".{repository_module}:MAX_CURSOR_LENGTH",
        f".{repository_module}:{E}Conflict",
        f".{repository_module}:{E}Error",
        f".{repository_module}:{E}NotFound",
        f".{repository_module}:{E}Repository",
        f".{repository_module}:Invalid{E}Query",
        f".{repository_module}:MAX_LIMIT",
        f".{repository_module}:Stale{E}",
        f".{model_module}:{E}",
        f".{schemas_module}:{E}Create",
        f".{schemas_module}:{E}Read",
        f".{schemas_module}:New{E}",
    ]
    if d.tree_parent:
        specs.append(f".{repository_module}:Invalid{E}Parent")
    if not d.append_only:  # If-Match, on the routes that write over a row
        specs.append("fastapi:Header")
    if not d.immutable:
        specs.append(f".{schemas_module}:{E}Update")
    specs += [f".{model_module}:{f.enum}" for f in d.enum_filters]
    annotations = {annotation for route in finder_routes(d) for _, annotation in route.params}
    specs += [f".{schemas_module}:{kind}" for kind in ("Day", "Moment") if kind in annotations]
    return specs


def svc_infra_imports(
    d: Domain, model_module: str, schemas_module: str, repository_module: str = ""
) -> list[str]:
    """The svc-infra wiring: its CRUD router, a repository fitted to the domain, the schemas.

    No ``from __future__ import annotations``: FastAPI reads the annotations of the
    dependency the module defines inside a function, and a string would not resolve.
    """
    E = d.entity
    specs = [
        "uuid",
        "collections.abc:AsyncIterator",
        "collections.abc:Awaitable",
        "collections.abc:Callable",
        "collections.abc:Iterable",
        "collections.abc:Sequence",
        "contextvars:ContextVar",
        "dataclasses:dataclass",
        "http:HTTPStatus",
        "typing:Annotated",
        "typing:Any",
        "fastapi:Depends",
        "fastapi:FastAPI",
        "fastapi:HTTPException",
        "fastapi.exceptions:RequestValidationError",
        "sqlalchemy.exc:IntegrityError",
        "sqlalchemy.ext.asyncio:AsyncSession",
        "svc_infra.api.fastapi.db.sql.crud_router:make_crud_router_plus_sql",
        "svc_infra.db.sql.repository:SqlRepository",
        "svc_infra.db.sql.service:SqlService",
        "typing_extensions:override",
        f".{model_module}:{E}",
        f".{schemas_module}:New{E}",
        f".{schemas_module}:{E}Create",
        f".{schemas_module}:{E}Read",
    ]
    if d.soft_delete:
        specs.append(f".{model_module}:utc_now")
    if d.immutable:
        specs += ["pydantic:BaseModel", "pydantic:ConfigDict"]
    else:
        specs += [
            "pydantic:ValidationError",
            f".{schemas_module}:{E}Base",
            f".{schemas_module}:{E}Update",
        ]
    if d.secrets:
        specs.append("pydantic:SecretStr")
    if d.tree_parent:  # the rendered repository checks how deep the tree grows
        specs += [
            f".{repository_module}:{d.entity}Repository",
            f".{repository_module}:Invalid{E}Parent",
        ]
    return specs


def operation_ids(d: Domain) -> list[str]:
    """The OpenAPI operation id of every route, in the order the router declares them.

    >>> from .catalogue import load_domain
    >>> operation_ids(load_domain("net_worth"))[-2:]
    ['net_worth_snapshots_get', 'net_worth_snapshots_delete']
    """
    names = ["create", "create_many", "list", "count"]
    names += [route.name for route in finder_routes(d)]
    names += ["get"] + ([] if d.immutable else ["update"]) + ([] if d.append_only else ["delete"])
    names += ["restore"] if d.soft_delete else []
    return [f"{d.plural}_{name}" for name in names]


def api_test_imports(
    d: Domain, package: str, api_module: str, repository_module: str = ""
) -> list[str]:
    """The rendered API tests: httpx, FastAPI, the router and the schemas."""
    E = d.entity
    specs = [
        "__future__:annotations",
        "uuid",
        "collections.abc:AsyncIterator",
        "collections.abc:Callable",
        "contextlib:asynccontextmanager",
        "typing:Any",
        "httpx",
        "pytest",
        "pytest_asyncio",
        "fastapi:FastAPI",
        "sqlalchemy.ext.asyncio:AsyncSession",
        "sqlalchemy.ext.asyncio:async_sessionmaker",
        f"{package}:{E}Create",
        f"{package}:{E}Read",
        f"{package}.{api_module}:{d.snake}_router",
    ]
    if not d.immutable:
        specs.append(f"{package}:{E}Update")
    cases = finder_cases(d)
    used = " ".join(
        value for case in cases for value in [*case.match.values(), *case.miss.values(), *case.args]
    )
    used += " " + " ".join(f"{f.enum}." for f in d.enum_filters)
    used += " " + d.change.get("value", "")
    specs += [f"{package}:{f.enum}" for f in d.enums if f"{f.enum}." in used]
    specs += value_imports(used)
    if d.tree_parent:
        specs.append(f"{package}.{repository_module}:MAX_LEVELS")
    return specs


def svc_infra_test_imports(
    d: Domain, package: str, api_module: str, repository_module: str = ""
) -> list[str]:
    """The rendered tests of the svc-infra routes."""
    E = d.entity
    specs = [
        "__future__:annotations",
        "uuid",
        "collections.abc:AsyncIterator",
        "collections.abc:Callable",
        "contextlib:asynccontextmanager",
        "typing:Any",
        "httpx",
        "pytest",
        "pytest_asyncio",
        "fastapi:FastAPI",
        "sqlalchemy.ext.asyncio:AsyncSession",
        "sqlalchemy.ext.asyncio:async_sessionmaker",
        "svc_infra.api.fastapi.db.sql.crud_router:make_crud_router_plus_sql",
        "svc_infra.api.fastapi.db.sql.session:get_session",
        "svc_infra.db.sql.service:SqlService",
        f"{package}:{E}",
        f"{package}:New{E}",
        f"{package}:{E}Create",
        f"{package}:{E}Read",
        f"{package}.{api_module}:{E}SqlRepository",
        f"{package}.{api_module}:add_{d.snake}_routes",
    ]
    if d.immutable:
        specs.append(f"{package}.{api_module}:{E}NoChanges")
    if d.soft_delete:
        specs.append("datetime:timedelta")
    if not d.immutable:
        specs.append(f"{package}:{E}Update")
        value = d.change.get("value", "")
        specs += [f"{package}:{f.enum}" for f in d.enums if f"{f.enum}." in value]
        if "Decimal(" in value:
            specs.append("decimal:Decimal")
    if d.tree_parent:
        specs.append(f"{package}.{repository_module}:MAX_LEVELS")
    return specs


def api_message(api: str, package: str, api_module: str, domain: str, tenant: bool) -> str:
    """How to mount the routes, appended to the message after copy ("" without an API).

    >>> print(api_message("fastapi", "app.models.goals", "goal_api", "goals", False))
    <BLANKLINE>
    <BLANKLINE>
    Mount its routes in your FastAPI app (your dependencies: get_session yields a session,
    current_user returns the caller's user id from its authentication; docs/api.md):
        from app.models.goals.goal_api import goal_router
        app.include_router(goal_router(get_session, current_user))
    """
    if api not in ("fastapi", "svc_infra"):
        return ""
    snake = load_domain(domain).snake
    module = f"{package}.{api_module}"
    if api == "fastapi":
        callers = "current_tenant, current_user" if tenant else "current_user"
        whose = "tenant and user ids" if tenant else "user id"
        return (
            "\n\nMount its routes in your FastAPI app (your dependencies: get_session yields"
            f" a session,\n{callers} return{'' if tenant else 's'} the caller's {whose} from"
            " its authentication; docs/api.md):\n"
            f"    from {module} import {snake}_router\n"
            f"    app.include_router({snake}_router(get_session, {callers}))"
        )
    callers = "current_tenant, current_user" if tenant else "current_user"
    return (
        f"\n\nMount svc-infra's routes in your FastAPI app ({callers.replace(', ', ' and ')}: "
        f"your {'dependencies' if tenant else 'dependency'} returning the caller's "
        f"{'tenant and user ids' if tenant else 'user id'}; docs/api.md):\n"
        "    from svc_infra.api.fastapi.db.sql.add import add_sql_db\n"
        f"    from {module} import add_{snake}_routes\n"
        "    add_sql_db(app)  # svc-infra's sessions, from SQL_URL\n"
        f"    add_{snake}_routes(app, {callers})"
    )
