"""Users, their grants, passwords and API tokens; and ``resolve_principal``.

A user holds a clearance (a :class:`~cablegram.model.Level`), caveat
authorisations (NOFORN = a US person; NODIS, EXDIS, LIMDIS, STADIS and channel
captions), memberships of posts and offices (whose staff see cables addressed
to them) and release authority for posts (used by messaging). All of it lives
in the access tables (``schema.py``) of the archive's database, and every
lookup turns it into a frozen :class:`~cablegram.access.principal.Principal`.

Two names are reserved: ``public`` (no credentials: unclassified and
declassified material only) and ``owner`` (the archive's owner, the command
line's default, who sees everything).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cablegram.access.passwords import hash_password, verify_password
from cablegram.access.principal import Principal
from cablegram.access.schema import ensure_schema
from cablegram.archive.api import Db
from cablegram.errors import AuthError, CablegramError, NotFound, QueryError
from cablegram.model import Level

RESERVED_NAMES = frozenset({"public", "owner"})
# A user name: a letter or digit, then letters, digits and ._@- (at most 64).
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# A caveat or caption word (T3, C2): upper-case letters, digits, spaces, slash.
_CAVEAT_RE = re.compile(r"^[A-Z0-9][A-Z0-9 /-]{0,39}$")
# Grant kinds as stored in access_grants.kind.
CAVEAT, POST, RELEASER = "caveat", "post", "releaser"
TOKEN_PREFIX = "cgt_"


@dataclass(frozen=True, slots=True)
class User:
    name: str
    clearance: Level
    caveats: frozenset[str]
    posts: frozenset[str]
    releaser_for: frozenset[str]
    has_password: bool
    created_at: str

    @property
    def principal(self) -> Principal:
        return Principal(name=self.name, clearance=self.clearance, caveats=self.caveats,
                         posts=self.posts, releaser_for=self.releaser_for)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "clearance": self.clearance.label if self.clearance
                is not Level.SBU else "SBU", "caveats": sorted(self.caveats),
                "posts": sorted(self.posts), "releaser_for": sorted(self.releaser_for),
                "has_password": self.has_password, "created_at": self.created_at}


def _db(archive_or_db: Any) -> Db:
    """Accept an archive (anything with ``.db``) or a ``Db`` itself."""
    db = getattr(archive_or_db, "db", archive_or_db)
    ensure_schema(db)
    return db  # type: ignore[no-any-return]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise QueryError(f"user name {name!r} is not valid: use 1-64 letters, digits and ._@- "
                         "starting with a letter or digit")
    return name


def parse_clearance(text: str) -> Level:
    try:
        return Level.parse(text)
    except ValueError:
        raise QueryError(f"clearance {text!r} is not a level: use UNCLASSIFIED, CONFIDENTIAL, "
                         "SECRET or TOP SECRET (rule C1)") from None


def norm_caveat(text: str) -> str:
    c = " ".join(text.upper().split())
    if c == "NF":  # the portion-mark abbreviation of NOFORN (T9)
        c = "NOFORN"
    if not _CAVEAT_RE.match(c):
        raise QueryError(f"caveat {text!r} is not a caption or control word (rules C2, T3)")
    return c


def norm_post(text: str) -> str:
    """Posts and offices are compared upper case with single spaces (``AMEMBASSY OSLO``)."""
    p = " ".join(text.upper().split())
    if not p:
        raise QueryError("a post or office may not be empty")
    return p


def add_user(db_or_archive: Any, name: str, clearance: Level | str = Level.UNCLASSIFIED, *,
             caveats: Iterable[str] = (), posts: Iterable[str] = (),
             releaser_for: Iterable[str] = (), password: str | None = None) -> User:
    """Create a user; an existing or reserved name is an error."""
    db = _db(db_or_archive)
    check_name(name)
    if name.lower() in RESERVED_NAMES:
        raise CablegramError(f"user name {name!r} is reserved; choose another name")
    level = parse_clearance(clearance) if isinstance(clearance, str) else clearance
    pw_hash = hash_password(password) if password is not None else None
    grants = _grant_rows(name, caveats, posts, releaser_for)
    with db.transaction():
        if db.query("SELECT 1 FROM access_users WHERE name = ?", (name,)):
            raise CablegramError(f"user {name!r} already exists; use `user grant` to change it")
        db.execute("INSERT INTO access_users (name, clearance, password_hash, created_at) "
                   "VALUES (?, ?, ?, ?)", (name, level.name, pw_hash, _now()))
        for row in grants:
            db.execute("INSERT INTO access_grants (name, kind, value) VALUES (?, ?, ?)", row)
    return get_user(db, name)


def _grant_rows(name: str, caveats: Iterable[str], posts: Iterable[str],
                releaser_for: Iterable[str]) -> list[tuple[str, str, str]]:
    rows = {(name, CAVEAT, norm_caveat(c)) for c in caveats}
    rows |= {(name, POST, norm_post(p)) for p in posts}
    rows |= {(name, RELEASER, norm_post(p)) for p in releaser_for}
    return sorted(rows)


def get_user(db_or_archive: Any, name: str) -> User:
    db = _db(db_or_archive)
    rows = db.query("SELECT name, clearance, password_hash, created_at FROM access_users "
                    "WHERE name = ?", (name,))
    if not rows:
        raise NotFound(f"no user {name!r}; `cablegram user list` shows the users")
    uname, clearance, pw_hash, created = rows[0]
    grants: dict[str, set[str]] = {CAVEAT: set(), POST: set(), RELEASER: set()}
    for kind, value in db.query("SELECT kind, value FROM access_grants WHERE name = ?", (name,)):
        grants.setdefault(str(kind), set()).add(str(value))
    return User(name=str(uname), clearance=Level[str(clearance)],
                caveats=frozenset(grants[CAVEAT]), posts=frozenset(grants[POST]),
                releaser_for=frozenset(grants[RELEASER]), has_password=pw_hash is not None,
                created_at=str(created))


def list_users(db_or_archive: Any) -> list[User]:
    db = _db(db_or_archive)
    return [get_user(db, str(r[0]))
            for r in db.query("SELECT name FROM access_users ORDER BY name")]


def grant(db_or_archive: Any, name: str, *, caveats: Iterable[str] = (),
          posts: Iterable[str] = (), releaser_for: Iterable[str] = (),
          clearance: Level | str | None = None) -> User:
    """Add grants (and optionally set the clearance) of an existing user."""
    db = _db(db_or_archive)
    get_user(db, name)
    rows = _grant_rows(name, caveats, posts, releaser_for)
    with db.transaction():
        if clearance is not None:
            level = parse_clearance(clearance) if isinstance(clearance, str) else clearance
            db.execute("UPDATE access_users SET clearance = ? WHERE name = ?", (level.name, name))
        for row in rows:
            db.execute("DELETE FROM access_grants WHERE name = ? AND kind = ? AND value = ?", row)
            db.execute("INSERT INTO access_grants (name, kind, value) VALUES (?, ?, ?)", row)
    return get_user(db, name)


def revoke(db_or_archive: Any, name: str, *, caveats: Iterable[str] = (),
           posts: Iterable[str] = (), releaser_for: Iterable[str] = ()) -> User:
    """Remove grants of a user; removing one the user does not hold is an error."""
    db = _db(db_or_archive)
    user = get_user(db, name)
    held = {(name, CAVEAT, c) for c in user.caveats} | {(name, POST, p) for p in user.posts}
    held |= {(name, RELEASER, p) for p in user.releaser_for}
    rows = _grant_rows(name, caveats, posts, releaser_for)
    missing = [f"{kind} {value}" for _, kind, value in rows if (name, kind, value) not in held]
    if missing:
        raise CablegramError(f"user {name!r} does not hold: {', '.join(missing)}")
    with db.transaction():
        for row in rows:
            db.execute("DELETE FROM access_grants WHERE name = ? AND kind = ? AND value = ?", row)
    return get_user(db, name)


def remove_user(db_or_archive: Any, name: str) -> None:
    """Delete a user with their grants, tokens and sessions."""
    db = _db(db_or_archive)
    get_user(db, name)
    with db.transaction():
        for table in ("access_grants", "access_tokens", "access_sessions", "access_users"):
            db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))


def set_password(db_or_archive: Any, name: str, password: str) -> None:
    db = _db(db_or_archive)
    get_user(db, name)
    db.execute("UPDATE access_users SET password_hash = ? WHERE name = ?",
               (hash_password(password), name))


def authenticate(db_or_archive: Any, name: str, password: str) -> Principal:
    """The principal of ``name`` if ``password`` is theirs, else :class:`AuthError`.

    The message never says which of the two was wrong.
    """
    db = _db(db_or_archive)
    rows = db.query("SELECT password_hash FROM access_users WHERE name = ?", (name,))
    stored = str(rows[0][0]) if rows and rows[0][0] is not None else None
    if not verify_password(stored, password) or not rows:
        raise AuthError("unknown user or wrong password")
    return get_user(db, name).principal


# -- API tokens ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a plain sha256 is enough (no slow hash needed).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db_or_archive: Any, name: str, label: str | None = None) -> str:
    """A new API token for ``name``; only its hash is stored, so show it once."""
    db = _db(db_or_archive)
    get_user(db, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.execute("INSERT INTO access_tokens (token_hash, name, label, created_at) "
               "VALUES (?, ?, ?, ?)", (_token_hash(token), name, label, _now()))
    return token


def principal_for_token(db_or_archive: Any, token: str) -> Principal:
    db = _db(db_or_archive)
    rows = db.query("SELECT name FROM access_tokens WHERE token_hash = ?",
                    (_token_hash(token.strip()),))
    if not rows:
        raise AuthError("unknown or revoked API token")
    return get_user(db, str(rows[0][0])).principal


def list_tokens(db_or_archive: Any, name: str | None = None) -> list[dict[str, Any]]:
    """Tokens by their hash prefix (the token itself is not kept)."""
    db = _db(db_or_archive)
    sql = "SELECT token_hash, name, label, created_at FROM access_tokens"
    rows = db.query(sql + (" WHERE name = ? ORDER BY created_at" if name else
                           " ORDER BY name, created_at"), (name,) if name else ())
    return [{"id": str(h)[:12], "name": n, "label": lab, "created_at": c}
            for h, n, lab, c in rows]


def revoke_token(db_or_archive: Any, token_or_id: str) -> None:
    """Revoke a token given itself or the id ``token list`` shows."""
    db = _db(db_or_archive)
    t = token_or_id.strip()
    if t.startswith(TOKEN_PREFIX):
        rows = db.query("SELECT token_hash FROM access_tokens WHERE token_hash = ?",
                        (_token_hash(t),))
    elif re.fullmatch(r"[0-9a-f]{6,64}", t):
        rows = db.query("SELECT token_hash FROM access_tokens WHERE token_hash LIKE ?", (t + "%",))
    else:
        rows = []
    if len(rows) != 1:
        raise NotFound(f"no single token matches {token_or_id!r}; see `cablegram token list`")
    db.execute("DELETE FROM access_tokens WHERE token_hash = ?", (rows[0][0],))


# -- the one entry point for `--as NAME` ----------------------------------------------------


def resolve_principal(archive: Any, name: str | None) -> Principal:
    """The principal the command line acts as.

    ``None`` or ``"owner"`` is the archive owner (sees everything), ``"public"``
    the public principal; any other name must be a user of this archive.
    """
    if name is None or name == "owner":
        return Principal.archive_owner()
    if name == "public":
        return Principal.public()
    return get_user(archive, name).principal
