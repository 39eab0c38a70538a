"""The access tables, created through the archive's ``Db`` handle.

Plain portable SQL (``TEXT``, ``INTEGER``, ``BIGINT``; no AUTOINCREMENT or
SERIAL) so that the same statements run on SQLite and PostgreSQL. Every
statement is idempotent (``CREATE ... IF NOT EXISTS``): callers run
:func:`ensure_schema` before they touch a table, and it is cheap to repeat.
"""

from __future__ import annotations

import contextlib

from cablegram.archive.api import Db

TABLES = (
    # One row per user; clearance is a Level name ("SECRET", "TOP_SECRET").
    """CREATE TABLE IF NOT EXISTS access_users (
        name TEXT PRIMARY KEY,
        clearance TEXT NOT NULL,
        password_hash TEXT,
        created_at TEXT NOT NULL
    )""",
    # Caveat authorisations, post memberships and release authorities.
    """CREATE TABLE IF NOT EXISTS access_grants (
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, kind, value)
    )""",
    # API tokens: only the sha256 of the token is kept.
    """CREATE TABLE IF NOT EXISTS access_tokens (
        token_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT,
        created_at TEXT NOT NULL
    )""",
    # Web sessions: the sha256 of the random session id, its owner and CSRF token.
    """CREATE TABLE IF NOT EXISTS access_sessions (
        id_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    # Failed logins in the last minutes, per user name and client address: the rate
    # limit is kept here so that every process and server of an archive shares it.
    # at: milliseconds since the epoch (wall clock: processes share no other).
    """CREATE TABLE IF NOT EXISTS access_login_failures (
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        at BIGINT NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS access_login_failures_key
        ON access_login_failures (name, address, at)""",
    # The tamper-evident audit trail (audit.py): seq is assigned by the writer.
    """CREATE TABLE IF NOT EXISTS audit_log (
        seq BIGINT PRIMARY KEY,
        at TEXT NOT NULL,
        principal TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        view TEXT NOT NULL,
        address TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    # Key/value settings shared with the archive (access.policy, audit.head, auth.secret).
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)

_READY = "_cablegram_access_schema"


def ensure_schema(db: Db) -> None:
    """Create the access tables if they are missing (once per handle where it can tell)."""
    if getattr(db, _READY, False):
        return
    try:
        with db.transaction():
            for sql in TABLES:
                db.execute(sql)
    except Exception:
        # PostgreSQL: two connections creating the same table at once can fail
        # with a unique violation although IF NOT EXISTS; if the tables are there
        # now, the other connection won (if not, this query raises, chained).
        for table in ("access_users", "access_sessions", "audit_log", "meta"):
            db.query(f"SELECT 1 FROM {table} WHERE 1 = 0")
    # Remember on the handle itself; a slotted handle just repeats the cheap DDL.
    with contextlib.suppress(AttributeError):
        setattr(db, _READY, True)


def get_meta(db: Db, key: str) -> str | None:
    ensure_schema(db)
    rows = db.query("SELECT value FROM meta WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


def set_meta(db: Db, key: str, value: str) -> None:
    """Insert or replace one setting (portable: delete then insert in one transaction)."""
    ensure_schema(db)
    with db.transaction():
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
