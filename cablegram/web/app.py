"""The web reader and the HTTP API over one archive.

``create_app`` builds a FastAPI application: HTML pages (``routes_pages``),
the JSON API under ``/api`` (``routes_api``), static assets served from this
package only (no request ever goes to another host), and the access
engineer's login router when ``cablegram.web.auth`` exists.

Run it with ``cablegram serve`` or ``uvicorn --factory cablegram.web.app:app_from_env``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cablegram import __version__
from cablegram.archive.api import MAX_FACET_SIZE, Archive
from cablegram.errors import ArchiveError, CablegramError, NotFound, QueryError
from cablegram.web import text
from cablegram.web.facetcache import FacetCache

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

# Everything comes from this server: no CDN, no web font host, no inline
# script. Inline SVG (the histogram) needs no exception: attributes, not styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,  # cable text is untrusted: escape everything by default
        finalize=text.finalize,  # ... and neutralise bidi controls in every {{ }}
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["snippet"] = text.snippet_html
    env.globals["version"] = __version__
    return Jinja2Templates(env=env, context_processors=[_viewer])


def _viewer(request: Request) -> dict[str, Any]:
    """Who is reading, for the header: the principal ``get_principal`` resolved."""
    from cablegram.web.deps import AUTH_AVAILABLE

    p = getattr(request.state, "auth_principal", None)
    return {"viewer": p.name if p is not None else None,
            "open_access": bool(getattr(request.app.state, "open_access", False)),
            "auth_available": AUTH_AVAILABLE}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def not_found_message(request: Request) -> str:
    """The 404 message, built from the requested id only.

    A withheld cable must answer exactly like one that does not exist (access
    control issue, point 3), so the message never comes from the archive.
    """
    ref_id = request.path_params.get("ref_id")
    if ref_id is not None:
        return f"no cable {ref_id} in the archive"
    return "not found"


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "q": ""},
        status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    async def on_not_found(request: Request, exc: Exception) -> Response:
        return _error(request, 404, not_found_message(request))

    async def on_query(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc))

    async def on_archive(request: Request, exc: Exception) -> Response:
        return _error(request, 503, f"the archive could not answer: {exc}")

    async def on_cablegram(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = not_found_message(request) if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, message)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors())
        return _error(request, 422, f"bad request parameter ({problems})")

    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(QueryError, on_query)
    app.add_exception_handler(ArchiveError, on_archive)
    app.add_exception_handler(CablegramError, on_cablegram)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)


def _open(archive_url: str | None) -> Archive:
    from cablegram.archive import open_archive

    # SqlArchive's ``db`` is the union of its two concrete handles; both are a Db.
    return cast(Archive, open_archive(archive_url))


def create_app(archive_url: str | None = None, *, archive: Archive | None = None,
               open_access: bool = False) -> FastAPI:
    """The reader and API over ``archive`` (or the archive at ``archive_url``).

    ``open_access=True`` serves every request as the archive owner (a personal
    archive on localhost); otherwise requests without credentials are public.
    See ``cablegram.web.deps`` for the rule.
    """
    from cablegram.web import routes_api, routes_pages

    app = FastAPI(
        title="cablegram",
        version=__version__,
        description="Search and read an archive of US diplomatic cables.",
        docs_url=None,  # FastAPI's docs page loads a CDN; /api/docs is our own
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.archive = archive if archive is not None else _open(archive_url)
    app.state.open_access = open_access
    app.state.templates = make_templates()
    # Every value: /tags and /origins list them all; the search page shows the
    # most frequent, as a live search would (routes_pages.search_page).
    app.state.facet_cache = FacetCache(facet_size=MAX_FACET_SIZE)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _install_error_handlers(app)
    _include_auth(app)
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((STATIC_DIR / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    return app


def _include_auth(app: FastAPI) -> None:
    """Login, sessions and tokens belong to the access engineer (web/auth.py)."""
    try:
        from cablegram.web import auth
    except ImportError:
        return
    router = getattr(auth, "router", None)
    if router is not None:
        app.include_router(router)
    setup = getattr(auth, "install", None)
    if callable(setup):
        setup(app)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: archive from ``CABLEGRAM_ARCHIVE``."""
    return create_app(os.environ.get("CABLEGRAM_ARCHIVE"),
                      open_access=os.environ.get("CABLEGRAM_OPEN_ACCESS") == "1")


__all__ = ["app_from_env", "create_app"]
