"""The dashboard and JSON API as a FastAPI app: ``create_app(token)``.

Pages (HTML, for people) live at ``/`` and ``/s/{scenario}/...``; the data
behind them is served as JSON under ``/api/`` with an OpenAPI schema at
``/openapi.json`` (listed for people at ``/apidocs``). Nothing is fetched
from the internet: Plotly's JavaScript is served from the installed
``plotly`` package. Routes parse, call the library and present; model logic
stays in :mod:`standoff`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from standoff.core.version import __version__
from standoff.engines import available, issue_engines
from standoff.engines.base import describe
from standoff.experiments.montecarlo import MemoryBudgetError
from standoff.presentation import figures as plots
from standoff.scenario import ScenarioError
from standoff.web.assets import STATIC, TEMPLATES, plotly_bundle, plotly_js_path, template_globals
from standoff.web.panels import PANELS, FigureBlock, PanelContext, advice_actor
from standoff.web.security import LOOPBACK_HOSTS, BodyLimit, SiteGuard, TokenGate
from standoff.web.state import MAX_DRAWS, MAX_UPLOAD, Job, Library, NotFound
from standoff.web.views import (
    document_data,
    document_view,
    evidence,
    jsonable,
    problem_lines,
    problems_data,
    scenario_detail,
    scenario_info,
)

MAX_SEED = 2**32 - 1


class SafeJSONResponse(JSONResponse):
    """JSON with non-finite numbers as ``null`` (a degenerate draw must not become a 500)."""

    def render(self, content: Any) -> bytes:
        return super().render(jsonable(content))


# --- API response models -------------------------------------------------------------


class IssueRef(BaseModel):
    id: str
    name: str


class ScenarioInfo(BaseModel):
    """One scenario on offer."""

    name: str
    id: str
    title: str
    as_of: str
    origin: Literal["builtin", "upload"]
    actors: int
    issues: list[IssueRef]
    sha256: str


class ProblemOut(BaseModel):
    """One problem of a scenario file: the file, the field path, what is wrong."""

    file: str
    path: str
    message: str


class BrokenScenario(BaseModel):
    """A configured scenario that does not validate."""

    name: str
    problems: list[ProblemOut]


class ScenarioList(BaseModel):
    scenarios: list[ScenarioInfo]
    broken: list[BrokenScenario]


class Validation(BaseModel):
    """The result of checking an uploaded scenario file."""

    file: str
    valid: bool
    problems: list[ProblemOut]
    name: str | None = None
    scenario: ScenarioInfo | None = None


class Pending(BaseModel):
    """A Monte Carlo run still going on: ask again (Retry-After seconds)."""

    status: Literal["queued", "running"]
    draws: int
    seed: int
    done: int
    seconds: float


class EngineInfo(BaseModel):
    name: str
    title: str
    kind: str
    inputs: list[str]
    outputs: list[str]
    rounds: bool
    stochastic: bool
    reference: str


class ErrorOut(BaseModel):
    detail: Any


Draws = Annotated[
    int | None, Query(ge=1, le=MAX_DRAWS, description=f"Monte Carlo draws (1 to {MAX_DRAWS}); omit for the point run.")
]
Seed = Annotated[int, Query(ge=0, le=MAX_SEED, description="Seed of the draws.")]
Name = Annotated[str, PathParam(max_length=200, description="A scenario name from /api/scenarios.")]
FigureKind = Literal["overview", "coverage", "map", "summary", "rounds", "distribution"]
#: The bargaining engines a request may name (listed in the schema, so that requests it allows are accepted).
BARGAINING = sorted(s.name for s in available("bargaining"))
EngineList = Annotated[
    list[str] | None,
    Query(max_length=20, description="Engines to keep", json_schema_extra={"items": {"enum": BARGAINING}}),
]
EngineName = Annotated[str, Query(max_length=64, json_schema_extra={"enum": BARGAINING})]


def create_app(
    token: str | None = None,
    *,
    scenarios: Sequence[str | Path] | None = None,
    hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The dashboard and JSON API.

    Args:
        token: if given, every request must carry it (``Authorization: Bearer``
            or ``?token=``), or gets 401.
        scenarios: the scenarios to offer, as built-in names or paths (default:
            every built-in scenario). Uploads are added while the app runs.
        hosts: host names the app answers to besides the loopback names (``"*"``: any);
            other ``Host`` headers get 400 (DNS rebinding).
    """
    library = Library(scenarios)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        library.close()

    app = FastAPI(
        title="Standoff",
        version=__version__,
        summary="Scenarios, forecasts, evidence and figures of a coercive standoff.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    app.state.library = library
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals.update(template_globals())
    app.add_middleware(BodyLimit, limit=MAX_UPLOAD + 65_536)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    if token:
        app.add_middleware(TokenGate, token=token)
    app.add_middleware(SiteGuard, hosts=[*LOOPBACK_HOSTS, *(hosts or ())])

    def api_only(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.url.path == "/openapi.json"

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        base = request.scope.get("root_path", "")
        listing = []
        for name in library.names():
            listing.append({"name": name, "origin": library.origin(name)})
        return templates.TemplateResponse(
            request, template, {"base": base, "listing": listing, **context}, status_code=status
        )

    # errors: JSON under /api, pages elsewhere
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        detail = f"not found: {exc.args[0]}"
        if api_only(request):
            return SafeJSONResponse({"detail": detail}, 404)
        return page(request, "error.html", 404, title="Not found", message=detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if api_only(request) or exc.status_code < 400:
            return SafeJSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return page(request, "error.html", exc.status_code, title=f"Error {exc.status_code}", message=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        if api_only(request):
            return SafeJSONResponse({"detail": errors}, 422)
        lines = [f"{'.'.join(str(x) for x in e['loc'][1:]) or 'request'}: {e['msg']}" for e in errors]
        return page(request, "error.html", 422, title="Bad request", message="; ".join(lines))

    @app.exception_handler(MemoryBudgetError)
    async def too_large(request: Request, exc: MemoryBudgetError) -> Response:
        if api_only(request):
            return SafeJSONResponse({"detail": str(exc)}, 422)
        return page(request, "error.html", 422, title="Too large to run", message=str(exc))

    @app.exception_handler(ScenarioError)
    async def broken(request: Request, exc: ScenarioError) -> Response:
        if api_only(request):
            return SafeJSONResponse(
                {"detail": "the scenario does not validate", "problems": problems_data(exc.problems)}, 422
            )
        return page(request, "upload.html", 422, result=None, problems=exc.problems, source=None, broken=True)

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        if token:
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
                "type": "http",
                "scheme": "bearer",
            }
            schema["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi  # type: ignore[method-assign]

    # static files: Plotly from the installed package, the rest from this package
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(plotly_js_path(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(_api(library))
    _pages(app, library, page)
    return app


def _mc(library: Library, name: str, draws: int, seed: int) -> Job | Response:
    """The finished job, or a 202 with its progress."""
    job = library.monte_carlo(name, draws, seed)
    if job.status in {"queued", "running"}:
        return SafeJSONResponse(job.progress(), 202, headers={"Retry-After": "2"})
    if job.status == "failed":
        return SafeJSONResponse({"detail": f"the Monte Carlo run failed: {job.error}"}, 422)
    return job


def _api(library: Library) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"])
    codes: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such scenario or item"}}
    pending: dict[int | str, dict[str, Any]] = {
        **codes,
        202: {"model": Pending, "description": "Monte Carlo run in progress; ask again"},
    }
    uploads: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "Malformed multipart body"},
        413: {"model": ErrorOut, "description": "The file is larger than the limit"},
    }

    @api.get("/scenarios", response_model=ScenarioList, summary="Scenarios on offer")
    def scenarios() -> dict[str, Any]:
        good, bad = [], []
        for name in library.names():
            try:
                good.append(scenario_info(name, library.get(name), library.origin(name)))
            except ScenarioError as exc:
                bad.append({"name": name, "problems": problems_data(exc.problems)})
        return {"scenarios": good, "broken": bad}

    @api.get("/scenarios/{name}", responses=codes, summary="A scenario: actors, issues, stances, with evidence")
    def scenario(name: Name) -> dict[str, Any]:
        return scenario_detail(name, library.get(name), library.origin(name))

    @api.get("/scenarios/{name}/evidence", responses=codes, summary="Every input with its quotes and judgment")
    def scenario_evidence(name: Name) -> dict[str, Any]:
        return evidence(library.get(name))

    @api.get("/scenarios/{name}/documents/{doc}", responses=codes, summary="A document and the quoted spans")
    def document(name: Name, doc: Annotated[str, PathParam(max_length=200)]) -> dict[str, Any]:
        loaded = library.get(name)
        if doc not in loaded.corpus:
            raise NotFound(f"document {doc!r}")
        return document_data(document_view(loaded, doc))

    @api.get(
        "/scenarios/{name}/forecast", responses=pending, summary="Forecast per issue and engine (Monte Carlo optional)"
    )
    def scenario_forecast(
        name: Name,
        draws: Draws = None,
        seed: Seed = 0,
        engine: EngineList = None,
    ) -> Any:
        chosen = _engines(engine)
        if draws is None:
            data = library.forecast(name).to_dict()
        else:
            job = _mc(library, name, draws, seed)
            if isinstance(job, Response):
                return job
            data = job.future.result().forecast.to_dict()
        if chosen:
            for issue in data["issues"]:
                issue["engines"] = {k: v for k, v in issue["engines"].items() if k in chosen}
        return data

    @api.get("/scenarios/{name}/forecast/{issue}", responses=pending, summary="One issue's forecast")
    def issue_forecast(
        name: Name,
        issue: Annotated[str, PathParam(max_length=200)],
        draws: Draws = None,
        seed: Seed = 0,
        values: Annotated[bool, Query(description="Include every draw's forecast per engine")] = False,
    ) -> Any:
        f = library.forecast(name)
        if issue not in {i.issue for i in f.issues}:
            raise NotFound(f"issue {issue!r}")
        if draws is None:
            return _issue_dict(f.to_dict(), issue)
        job = _mc(library, name, draws, seed)
        if isinstance(job, Response):
            return job
        mc = job.future.result()
        data = _issue_dict(mc.forecast.to_dict(), issue)
        if values:
            data["values"] = {k: v.tolist() for k, v in mc.values[issue].items()}
        return data

    @api.get(
        "/scenarios/{name}/figures/{kind}",
        responses=pending,
        summary="A figure of the dashboard as a Plotly figure dict",
    )
    def figure(
        name: Name,
        kind: FigureKind,
        issue: Annotated[str | None, Query(max_length=200, description="Required for per-issue figures")] = None,
        draws: Draws = None,
        seed: Seed = 0,
        engine: EngineName = "expected_utility",
    ) -> Any:
        loaded = library.get(name)
        f = library.forecast(name)
        if kind == "overview":
            return plots.overview(f)
        if kind == "coverage":
            return plots.evidence_coverage(loaded.scenario)
        if issue is None:
            raise RequestValidationError(
                [{"loc": ("query", "issue"), "msg": f"the {kind} figure needs an issue", "type": "missing"}]
            )
        if issue not in {i.issue for i in f.issues}:
            raise NotFound(f"issue {issue!r}")
        if kind == "map":
            return plots.actor_map(loaded.scenario, f.issue(issue))
        if kind == "rounds":
            fig = plots.trajectories(loaded.scenario, f.issue(issue), engine)
            if fig is None:
                raise NotFound(f"rounds of engine {engine!r} on issue {issue!r}")
            return fig
        if kind == "summary" and draws is None:
            return plots.forecast_summary(f.issue(issue))
        job = _mc(library, name, draws or 200, seed)
        if isinstance(job, Response):
            return job
        mc = job.future.result()
        i = mc.forecast.issue(issue)
        return plots.forecast_summary(i) if kind == "summary" else plots.distributions(i, mc.values[issue])

    @api.get(
        "/scenarios/{name}/advice",
        responses=codes,
        summary="An actor's moves (or an outside mediator's) ranked by net gain, with why the best ones work",
    )
    def scenario_advice(
        name: Name,
        actor: Annotated[
            str | None,
            Query(max_length=200, description="An actor id, or 'mediator' (default: the standoff's first side)"),
        ] = None,
    ) -> dict[str, Any]:
        chosen = advice_actor(library.get(name).scenario, actor)
        return library.advice(name, chosen).to_dict()  # type: ignore[no-any-return]

    @api.get("/engines", response_model=list[EngineInfo], summary="Registered engines")
    def engines() -> list[dict[str, Any]]:
        return [describe(s) for s in available()]

    @api.post(
        "/validate", response_model=Validation, responses=uploads, summary="Check a scenario file (nothing is kept)"
    )
    async def validate(file: Annotated[UploadFile, File(description="A scenario YAML file")]) -> dict[str, Any]:
        return await _check(library, file, keep=False)

    @api.post(
        "/upload",
        response_model=Validation,
        responses=uploads,
        summary="Check a scenario file and, if valid, offer it as a scenario",
    )
    async def upload(file: Annotated[UploadFile, File(description="A scenario YAML file")]) -> dict[str, Any]:
        return await _check(library, file, keep=True)

    return api


def _engines(names: list[str] | None) -> set[str]:
    if not names:
        return set()
    known = {s.name for s in issue_engines()}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "engine"),
                    "msg": f"unknown engine(s) {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}",
                    "type": "value_error",
                }
            ]
        )
    return set(names)


def _issue_dict(data: dict[str, Any], issue: str) -> dict[str, Any]:
    out = next(i for i in data["issues"] if i["issue"] == issue)
    return {"scenario": data["scenario"], "seed": data["seed"], "draws": data["draws"], **out}


async def _check(library: Library, file: UploadFile, keep: bool) -> dict[str, Any]:
    data = await file.read(MAX_UPLOAD + 1)
    result = library.upload(data, file.filename) if keep else library.check(data, file.filename)
    info = None
    if result.loaded is not None and result.name is not None:
        info = scenario_info(result.name, result.loaded, "upload")
    return {
        "file": result.file,
        "valid": not result.problems,
        "problems": problems_data(result.problems),
        "name": result.name,
        "scenario": info,
    }


def _pages(app: FastAPI, library: Library, page: Any) -> None:
    """The HTML pages: the index, upload, API listing, documents, and every registered panel."""

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        cards, broken = [], []
        for name in library.names():
            try:
                loaded = library.get(name)
            except ScenarioError as exc:
                broken.append({"name": name, "problems": exc.problems})
                continue
            info = scenario_info(name, loaded, library.origin(name))
            info["description"] = loaded.scenario.description
            cards.append(info)
        return page(request, "index.html", cards=cards, broken=broken, max_upload=MAX_UPLOAD)

    @app.get("/upload", include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return page(request, "upload.html", result=None, problems=[], source=None, max_upload=MAX_UPLOAD)

    @app.post("/upload", include_in_schema=False)
    async def upload_page(request: Request, file: Annotated[UploadFile, File()]) -> Response:
        data = await file.read(MAX_UPLOAD + 1)
        result = library.upload(data, file.filename)
        if result.valid:
            base = request.scope.get("root_path", "")
            return RedirectResponse(f"{base}/s/{result.name}/briefing", status_code=303)
        try:
            text = data.decode("utf-8") if len(data) <= MAX_UPLOAD else None
        except UnicodeDecodeError:
            text = None
        source = None
        if text is not None:
            lines = problem_lines(text, result.problems)
            source = [(k, line, lines.get(k, [])) for k, line in enumerate(text.splitlines(), start=1)]
        return page(
            request, "upload.html", result=result, problems=result.problems, source=source, max_upload=MAX_UPLOAD
        )

    @app.get("/apidocs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        schema = app.openapi()
        routes = []
        for path, methods in schema.get("paths", {}).items():
            for method, op in methods.items():
                params = [
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "required": p.get("required", False),
                        "description": p.get("description", ""),
                    }
                    for p in op.get("parameters", [])
                ]
                routes.append(
                    {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "params": params}
                )
        return page(request, "apidocs.html", routes=routes, max_draws=MAX_DRAWS)

    @app.get("/open", include_in_schema=False)
    def open_scenario(request: Request, scenario: Annotated[str, Query(max_length=200)] = "") -> RedirectResponse:
        """The scenario picker's form: open the chosen scenario's briefing."""
        base = request.scope.get("root_path", "")
        if not scenario:
            return RedirectResponse(f"{base}/", status_code=303)
        library.get(scenario)
        return RedirectResponse(f"{base}/s/{scenario}/briefing", status_code=303)

    @app.get("/s/{name}", include_in_schema=False)
    def scenario_home(request: Request, name: Name) -> RedirectResponse:
        library.get(name)
        return RedirectResponse(f"{request.scope.get('root_path', '')}/s/{name}/briefing", status_code=307)

    @app.get("/s/{name}/documents/{doc}", include_in_schema=False)
    def document_page(request: Request, name: Name, doc: Annotated[str, PathParam(max_length=200)]) -> HTMLResponse:
        loaded = library.get(name)
        if doc not in loaded.corpus:
            raise NotFound(f"document {doc!r}")
        ctx = _context(request, library, name, None, None, 0)
        view = document_view(loaded, doc)
        return page(request, "document.html", **_chrome(ctx, "evidence"), doc=view, figures=False)

    def panel_page(request: Request, name: str, key: str, issue: str | None, draws: int | None, seed: int) -> Response:
        if key not in PANELS:
            raise NotFound(f"page {key!r}")
        ctx = _context(request, library, name, issue, draws, seed)
        panel = PANELS[key]
        if not panel.available(ctx):
            raise NotFound(f"page {key!r} (no data for it in this scenario)")
        issues = [i.issue for i in ctx.forecast.issues]
        if panel.per_issue and issue is None:
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(ctx.href(key, issues[0]) + query, status_code=307)
        if not panel.per_issue and issue is not None:
            raise NotFound(f"page {key!r} has no issues")
        if issue is not None and issue not in issues:
            raise NotFound(f"issue {issue!r}")
        view = panel.render(ctx)
        shown = [b.figure for b in view.blocks if isinstance(b, FigureBlock)]
        return page(
            request,
            "panel.html",
            **_chrome(ctx, key),
            blocks=view.blocks,
            refresh=view.refresh,
            figures=bool(shown),
            plotly_bundle=plotly_bundle(shown),
            panel=panel,
        )

    @app.get("/s/{name}/{key}", include_in_schema=False)
    def scenario_panel(request: Request, name: Name, key: str, draws: Draws = None, seed: Seed = 0) -> Response:
        return panel_page(request, name, key, None, draws, seed)

    @app.get("/s/{name}/{key}/{issue}", include_in_schema=False)
    def issue_panel(
        request: Request, name: Name, key: str, issue: str, draws: Draws = None, seed: Seed = 0
    ) -> Response:
        return panel_page(request, name, key, issue, draws, seed)


def _context(
    request: Request, library: Library, name: str, issue: str | None, draws: int | None, seed: int
) -> PanelContext:
    loaded = library.get(name)
    query = {k: v for k, v in request.query_params.items() if k in {"engine", "support", "actor"}}
    base = request.scope.get("root_path", "")
    return PanelContext(library, name, loaded, issue, base, draws, seed, query)


def _chrome(ctx: PanelContext, active: str) -> dict[str, Any]:
    """Header, tabs and issue switcher of a scenario page."""
    f = ctx.forecast
    panel = PANELS.get(active)
    issue = ctx.issue or (f.issues[0].issue if f.issues else None)
    tabs = [
        {
            "key": p.key,
            "title": p.title,
            "href": ctx.href(p.key, issue if p.per_issue else None),
            "on": p.key == active,
        }
        for p in PANELS.values()
        if p.available(ctx)
    ]
    keep = {"draws": ctx.draws, "seed": ctx.seed if ctx.draws else None, **ctx.query}
    pills = []
    if panel is not None and panel.per_issue:
        pills = [
            {"id": i.issue, "name": i.name, "href": ctx.href(active, i.issue, **keep), "on": i.issue == ctx.issue}
            for i in f.issues
        ]
    return {
        "scenario": ctx.loaded.scenario,
        "name": ctx.name,
        "origin": ctx.library.origin(ctx.name),
        "forecast": f,
        "tabs": tabs,
        "pills": pills,
        "ctx": ctx,
        "page_title": ctx.loaded.scenario.title,
    }
