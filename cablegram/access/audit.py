"""The audit trail: an append-only, hash-chained log (access control issue, point 5).

Every read of classified content, every denied read and every failed login is
one row of ``audit_log``. Entry *n* stores ``hash_n = sha256(hash_{n-1} +
canonical JSON of entry n)`` (``hash_0`` is 64 zeros), and the newest
``seq:hash`` is kept again in ``meta`` under ``audit.head``. So altering an
entry breaks its own hash, removing or reordering entries breaks the chain of
the one after, and cutting entries off the end disagrees with the head.
:func:`verify` names the first entry where any of this happens.

Canonical JSON: keys sorted, no spaces, UTF-8 (``json.dumps(..., sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``) over seq, at, principal,
action, target, view, address and detail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cablegram.access.principal import Principal
from cablegram.access.schema import ensure_schema
from cablegram.archive.api import Db

GENESIS = "0" * 64
HEAD_KEY = "audit.head"

# Actions written by cablegram itself (others may be added by callers).
READ = "read"  # classified content shown (get, export, a page, an API answer)
SEARCH = "search"  # a search whose answer included classified cables
DENY = "deny"  # a read the principal may not make: withheld, or not in the archive
LOGIN = "login"
LOGIN_FAILED = "login-failed"
ADMIN = "admin"  # users, grants, tokens, policy changed


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    principal: str
    action: str
    target: str
    view: str
    address: str
    detail: str
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        d = asdict(self)
        del d["prev_hash"], d["hash"]
        return d

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None = None  # seq of the first bad entry
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries"
        return f"audit log broken at entry {self.first_bad}: {self.reason}"


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(db: Db, principal: Principal | str, action: str, target: str, view: str,
           address: str | None = None, detail: str | dict[str, Any] = "") -> AuditEntry:
    """Append one entry, chained to the newest, in one transaction.

    ``address`` is where the request came from (an IP address, or ``cli`` for
    the command line). ``detail`` may be a dict, stored as canonical JSON.
    """
    ensure_schema(db)
    who = principal if isinstance(principal, str) else principal.name
    detail_text = detail if isinstance(detail, str) else canonical(detail)
    with db.transaction():
        if db.dialect == "postgresql":
            # Writers queue here, so two of them cannot both chain to the same head.
            db.execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
        # SQLite: the archive's transaction is BEGIN IMMEDIATE, which already
        # holds the single write lock.
        rows = db.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        seq, prev = (int(rows[0][0]) + 1, str(rows[0][1])) if rows else (1, GENESIS)
        body = {"seq": seq, "at": _now(), "principal": who, "action": action,
                "target": target, "view": view, "address": address or "", "detail": detail_text}
        h = chain_hash(prev, body)
        db.execute("INSERT INTO audit_log (seq, at, principal, action, target, view, address, "
                   "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (seq, body["at"], who, action, target, view, body["address"], detail_text,
                    prev, h))
        db.execute("DELETE FROM meta WHERE key = ?", (HEAD_KEY,))
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (HEAD_KEY, f"{seq}:{h}"))
    return AuditEntry(seq=seq, prev_hash=prev, hash=h, **{k: str(v) for k, v in body.items()
                                                             if k != "seq"})


_COLUMNS = "seq, at, principal, action, target, view, address, detail, prev_hash, hash"


def _entry(r: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(int(r[0]), *(str(x) if x is not None else "" for x in r[1:]))


def entries(db: Db, *, since: int = 0, limit: int | None = None,
            principal: str | None = None, action: str | None = None) -> list[AuditEntry]:
    """Entries in chain order, optionally filtered (for ``audit list``)."""
    ensure_schema(db)
    sql = f"SELECT {_COLUMNS} FROM audit_log WHERE seq > ?"
    params: list[Any] = [since]
    if principal is not None:
        sql += " AND principal = ?"
        params.append(principal)
    if action is not None:
        sql += " AND action = ?"
        params.append(action)
    sql += " ORDER BY seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_entry(r) for r in db.query(sql, params)]


def _iter_all(db: Db, page: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = db.query(f"SELECT {_COLUMNS} FROM audit_log WHERE seq > ? "
                        f"ORDER BY seq LIMIT {page}", (last,))
        if not rows:
            return
        for r in rows:
            yield _entry(r)
        last = int(rows[-1][0])


def verify(db: Db) -> Verification:
    """Walk the chain from the start; report the first entry that does not hold."""
    ensure_schema(db)
    prev, expected, count = GENESIS, 1, 0
    for e in _iter_all(db):
        if e.seq != expected:
            what = "missing" if e.seq > expected else "duplicated"
            return Verification(False, count, expected,
                                f"entry {expected} is {what} (next stored entry is {e.seq})")
        if e.prev_hash != prev:
            return Verification(False, count, e.seq, "does not chain to the entry before it "
                                "(an entry was removed or the order was changed)")
        if chain_hash(prev, e.body()) != e.hash:
            return Verification(False, count, e.seq, "its contents were altered (hash mismatch)")
        prev, expected, count = e.hash, expected + 1, count + 1
    rows = db.query("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,))
    if rows:
        head_seq, _, head_hash = str(rows[0][0]).partition(":")
        n = int(head_seq)
        if n > count:
            return Verification(False, count, count + 1, f"entries {count + 1}-{n} were cut off "
                                f"the end (the recorded head is entry {n})")
        if n < count:
            return Verification(False, count, n + 1, "entries after the recorded head "
                                f"(entry {n}) were added outside cablegram")
        if head_hash != prev:
            return Verification(False, count, n, "does not match the recorded head")
    elif count:
        return Verification(False, count, 1, "the recorded head of the log is missing")
    return Verification(True, count)
