"""Login, sessions, CSRF, rate limiting and API tokens (access control issue, point 2).

What a request can carry, in the order :func:`principal_from_request` asks:

1. ``Authorization: Bearer TOKEN``: an API token from ``cablegram token
   create``. A token that is not valid answers 401 (never silently public).
2. The session cookie set by ``POST /login``: a random 256-bit id, HMAC-signed
   with the archive's secret (``meta`` key ``auth.secret``); the server keeps
   only the sha256 of the id, with the user and the session's CSRF token.
   HttpOnly, SameSite=Lax, Secure unless the request came over plain http to
   a loopback address (override with ``CABLEGRAM_COOKIE_SECURE=1|0``).
3. Nothing: the caller is the public principal (``deps.get_principal``).

CSRF: every form carries ``csrf_token``. Logged in, it must equal the
session's server-side token; logged out (the login form itself) it must equal
the signed double-submit cookie ``cablegram_csrf``. :func:`csrf_token` gives
the value to embed, :func:`require_csrf` checks a POST.

Logins are limited per user name and client address: after 5 failures within
a minute the next attempts answer 429 until the minute has passed. The count is
kept in the archive's database, so several processes or servers serving one
archive share it. Every failed login (and every bad token) is written to the
audit log.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any, cast
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from cablegram import __version__
from cablegram.access import audit
from cablegram.access.principal import Principal
from cablegram.access.schema import ensure_schema, get_meta
from cablegram.access.users import authenticate, get_user, principal_for_token
from cablegram.archive.api import Db
from cablegram.errors import AuthError, NotFound

SESSION_COOKIE = "cablegram_session"
CSRF_COOKIE = "cablegram_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_KEY = "auth.secret"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

router = APIRouter(tags=["auth"])
_UNSET = object()  # "not looked up yet" in request.state caches


@dataclass
class AuthSettings:
    cookie_secure: bool | None = None  # None: Secure unless plain http to a loopback host
    session_ttl: timedelta = timedelta(hours=12)
    max_failures: int = 5
    window_seconds: float = 60.0


@dataclass
class RateLimiter:
    """Failed logins per (user name, address) within a sliding window, kept in the
    archive's database (``access_login_failures``) so that every process and every
    server of one archive counts the same failures."""

    db: Db
    max_failures: int = 5
    window: float = 60.0

    @staticmethod
    def _now_ms() -> int:
        return int(time.time() * 1000)

    def blocked(self, key: tuple[str, str]) -> bool:
        since = self._now_ms() - int(self.window * 1000)
        rows = self.db.query("SELECT count(*) FROM access_login_failures "
                             "WHERE name = ? AND address = ? AND at > ?", (*key, since))
        return int(rows[0][0]) >= self.max_failures

    def fail(self, key: tuple[str, str]) -> None:
        now = self._now_ms()
        with self.db.transaction():
            self.db.execute("INSERT INTO access_login_failures (name, address, at) "
                            "VALUES (?, ?, ?)", (*key, now))
            # what has left the window counts no more: the table stays small
            self.db.execute("DELETE FROM access_login_failures WHERE at <= ?",
                            (now - int(self.window * 1000),))

    def reset(self, key: tuple[str, str]) -> None:
        self.db.execute("DELETE FROM access_login_failures WHERE name = ? AND address = ?",
                        key)


# -- per-app state --------------------------------------------------------------------------


def _settings(request: Request) -> AuthSettings:
    s = getattr(request.app.state, "auth_settings", None)
    if s is None:
        s = request.app.state.auth_settings = AuthSettings()
    return s


def _limiter(request: Request) -> RateLimiter:
    lim = getattr(request.app.state, "login_limiter", None)
    if lim is None:
        s = _settings(request)
        lim = request.app.state.login_limiter = RateLimiter(_db(request), s.max_failures,
                                                            s.window_seconds)
    return lim


def _db(request: Request) -> Db:
    db: Db = request.app.state.archive.db
    ensure_schema(db)
    return db


def _secret(request: Request) -> bytes:
    cached = getattr(request.app.state, "auth_secret", None)
    if cached is None:
        db = _db(request)
        value = get_meta(db, SECRET_KEY)
        if value is None:
            # First use: the first writer wins, every process then reads the same secret.
            with contextlib.suppress(Exception), db.transaction():
                if get_meta(db, SECRET_KEY) is None:
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                               (SECRET_KEY, secrets.token_hex(32)))
            value = get_meta(db, SECRET_KEY)
        cached = request.app.state.auth_secret = bytes.fromhex(str(value))
    return cached


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    env = os.environ.get("CABLEGRAM_COOKIE_SECURE")
    if env in ("0", "1"):
        return env == "1"
    configured = _settings(request).cookie_secure
    if configured is not None:
        return configured
    return not (request.url.scheme == "http" and request.url.hostname in LOOPBACK)


# -- signing and sessions -------------------------------------------------------------------


def _sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{value}.{mac}"


def _unsign(secret: bytes, signed: str | None) -> str | None:
    if not signed or "." not in signed:
        return None
    value, _, mac = signed.rpartition(".")
    good = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]
    return value if hmac.compare_digest(mac, good) else None


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create_session(db: Db, name: str, ttl: timedelta) -> tuple[str, str]:
    """A new session for ``name``: (session id, CSRF token). Only the id's hash is stored."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    # Expired sessions are swept here, so the table stays as small as the live set.
    db.execute("DELETE FROM access_sessions WHERE expires_at < ?", (_iso(now),))
    db.execute("INSERT INTO access_sessions (id_hash, name, csrf, created_at, expires_at) "
               "VALUES (?, ?, ?, ?, ?)", (_sid_hash(sid), name, csrf, _iso(now), _iso(now + ttl)))
    return sid, csrf


def _session(request: Request) -> tuple[str, str, str] | None:
    """(session id, user name, csrf) of a live session cookie, else None."""
    cached = getattr(request.state, "auth_session", _UNSET)
    if cached is not _UNSET:
        return cast("tuple[str, str, str] | None", cached)
    found: tuple[str, str, str] | None = None
    sid = _unsign(_secret(request), request.cookies.get(SESSION_COOKIE))
    if sid is not None:
        rows = _db(request).query("SELECT name, csrf, expires_at FROM access_sessions "
                                  "WHERE id_hash = ?", (_sid_hash(sid),))
        if rows and str(rows[0][2]) > _iso(datetime.now(UTC)):
            found = (sid, str(rows[0][0]), str(rows[0][1]))
    request.state.auth_session = found
    return found


# -- the principal of a request ----------------------------------------------------------


def principal_from_request(request: Request) -> Principal | None:
    """The principal a request's credentials name, or None for no credentials.

    ``cablegram.web.deps.get_principal`` asks this first.
    """
    cached = getattr(request.state, "auth_principal", _UNSET)
    if cached is not _UNSET:
        return cast("Principal | None", cached)
    principal: Principal | None = None
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "use Authorization: Bearer TOKEN",
                                headers={"WWW-Authenticate": "Bearer"})
        try:
            principal = principal_for_token(_db(request), token)
        except (AuthError, NotFound):
            audit.record(_db(request), "?", audit.LOGIN_FAILED, "token", "api",
                         client_address(request), {"reason": "bad token"})
            raise HTTPException(401, "unknown or revoked API token",
                                headers={"WWW-Authenticate": "Bearer"}) from None
    else:
        s = _session(request)
        if s is not None:
            try:
                principal = get_user(_db(request), s[1]).principal
            except NotFound:  # user removed while logged in
                principal = None
    request.state.auth_principal = principal
    return principal


# -- CSRF -----------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The token a form on this page must carry in its ``csrf_token`` field."""
    s = _session(request)
    if s is not None:
        return s[2]
    token = getattr(request.state, "csrf_cookie", None)
    if token is None:  # the middleware did not run (app without install())
        token = request.state.csrf_cookie = _sign(_secret(request), secrets.token_urlsafe(24))
    return str(token)


def check_csrf(request: Request, supplied: str | None) -> None:
    """403 unless ``supplied`` is this session's token (or the signed cookie's)."""
    s = _session(request)
    if s is not None:
        ok = supplied is not None and hmac.compare_digest(supplied, s[2])
    else:
        cookie = request.cookies.get(CSRF_COOKIE)
        ok = (supplied is not None and cookie is not None
              and _unsign(_secret(request), cookie) is not None
              and hmac.compare_digest(supplied, cookie))
    if not ok:
        raise HTTPException(403, "missing or wrong CSRF token: reload the form and try again")


async def require_csrf(request: Request) -> None:
    """Dependency for POST routes: the form field or the X-CSRF-Token header."""
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    check_csrf(request, supplied)


def install(app: FastAPI) -> None:
    """Give every response a signed double-submit CSRF cookie when it lacks one,
    and every 401 its ``WWW-Authenticate: Bearer``."""

    @app.middleware("http")
    async def _csrf_cookie(request: Request, call_next: Any) -> Response:
        existing = request.cookies.get(CSRF_COOKIE)
        fresh = existing is None or _unsign(_secret(request), existing) is None
        request.state.csrf_cookie = (_sign(_secret(request), secrets.token_urlsafe(24))
                                     if fresh else existing)
        response: Response = await call_next(request)
        if (response.status_code == 401 and "authorization" in request.headers
                and "www-authenticate" not in response.headers):
            # RFC 6750: a refused token names the scheme (error handlers may drop headers).
            response.headers["WWW-Authenticate"] = "Bearer"
        if fresh:
            response.set_cookie(CSRF_COOKIE, request.state.csrf_cookie, httponly=True,
                                samesite="strict", secure=_secure(request), path="/")
        return response


# -- pages ----------------------------------------------------------------------------------

_LOGIN_PAGE = """{% extends "base.html" %}
{% block title %}Log in{% endblock %}
{% block main %}
<h1>Log in</h1>
{% if user %}<p class="whoami">Logged in as <strong>{{ user }}</strong>.</p>{% endif %}
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form class="login" method="post" action="/login">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <input type="hidden" name="next" value="{{ next }}">
  <p><label for="name">User name</label>
     <input id="name" name="name" autocomplete="username" required value="{{ name }}"></p>
  <p><label for="password">Password</label>
     <input id="password" name="password" type="password" autocomplete="current-password"
            required></p>
  <p><button type="submit">Log in</button></p>
</form>
{% endblock %}
"""

_LOGOUT_PAGE = """{% extends "base.html" %}
{% block title %}Log out{% endblock %}
{% block main %}
<h1>Log out</h1>
<form class="logout" method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <p><button type="submit">Log out {{ user }}</button></p>
</form>
{% endblock %}
"""


def _render(request: Request, source: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    templates = getattr(request.app.state, "templates", None)
    ctx = {"q": "", "version": __version__, "request": request, **ctx}
    if templates is not None:
        html = templates.env.from_string(source).render(**ctx)
    else:  # pragma: no cover - the app always has templates; keep a safe fallback
        html = f"<!doctype html><p>{escape(str(ctx.get('error') or ''))}</p>"
    return HTMLResponse(html, status_code=status)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``/x`` but never ``//host`` or ``/\\host`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    p = principal_from_request(request)
    return _render(request, _LOGIN_PAGE, csrf=csrf_token(request), next=_safe_next(next),
                   name="", error=None, user=p.name if p else None)


@router.post("/login", include_in_schema=False)
def login(request: Request, name: str = Form(""), password: str = Form(""),
          csrf_token_field: str = Form("", alias=CSRF_FIELD),
          next: str = Form("/")) -> Response:
    check_csrf(request, csrf_token_field or None)
    db, address = _db(request), client_address(request)
    key = (name.strip().lower(), address)
    limiter = _limiter(request)
    if limiter.blocked(key):
        audit.record(db, name or "?", audit.LOGIN_FAILED, name or "?", "login", address,
                     {"reason": "rate limited"})
        resp = _render(request, _LOGIN_PAGE, 429, csrf=csrf_token(request),
                       next=_safe_next(next), name=name, user=None,
                       error="Too many failed logins: wait a minute and try again.")
        resp.headers["Retry-After"] = str(int(_settings(request).window_seconds))
        return resp
    try:
        principal = authenticate(db, name, password)
    except AuthError:
        limiter.fail(key)
        audit.record(db, name or "?", audit.LOGIN_FAILED, name or "?", "login", address,
                     {"reason": "bad credentials"})
        return _render(request, _LOGIN_PAGE, 401, csrf=csrf_token(request),
                       next=_safe_next(next), name=name, user=None,
                       error="Unknown user or wrong password.")
    limiter.reset(key)
    old = _session(request)
    if old is not None:  # a new login replaces the old session (no session fixation)
        db.execute("DELETE FROM access_sessions WHERE id_hash = ?", (_sid_hash(old[0]),))
    sid, _ = create_session(db, principal.name, _settings(request).session_ttl)
    audit.record(db, principal, audit.LOGIN, principal.name, "login", address)
    done = RedirectResponse(_safe_next(next), status_code=303)
    done.set_cookie(SESSION_COOKIE, _sign(_secret(request), sid), httponly=True, samesite="lax",
                    secure=_secure(request), path="/",
                    max_age=int(_settings(request).session_ttl.total_seconds()))
    return done


@router.get("/logout", include_in_schema=False)
def logout_page(request: Request) -> Response:
    p = principal_from_request(request)
    if p is None:
        redirect: Response = RedirectResponse("/login", status_code=303)
        return redirect
    return _render(request, _LOGOUT_PAGE, csrf=csrf_token(request), user=p.name)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token_field: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token_field or None)
    s = _session(request)
    if s is not None:
        _db(request).execute("DELETE FROM access_sessions WHERE id_hash = ?", (_sid_hash(s[0]),))
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/api/whoami", summary="Who the API takes the caller to be")
def whoami(request: Request) -> JSONResponse:
    p = principal_from_request(request)
    if p is None:
        p = (Principal.archive_owner() if getattr(request.app.state, "open_access", False)
             else Principal.public())
    level = "SBU" if p.clearance.name == "SBU" else p.clearance.label
    return JSONResponse({"name": p.name, "clearance": level, "caveats": sorted(p.caveats),
                         "posts": sorted(p.posts), "releaser_for": sorted(p.releaser_for),
                         "login": "/login?next=" + quote("/")})
