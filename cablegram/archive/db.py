"""The two :class:`~cablegram.archive.api.Db` handles: SQLite and PostgreSQL.

Both speak SQL with ``?`` placeholders so that the store, access and messaging
write each statement once. For psycopg the placeholders are rewritten to
``%s`` (and a literal ``%`` doubled), skipping quoted strings.

A handle serialises its users with a re-entrant lock: the web server calls the
archive from several threads, and one connection must not interleave two
transactions. ``transaction()`` nests: only the outermost one commits.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from cablegram.errors import ArchiveError

# Quote characters: a string literal or a quoted identifier.
_QMARK_TOKENS = ("'", '"')
# Rows a multi-row INSERT takes (insert_many); SQLite 3.32+ binds up to 32,766
# parameters a statement.
_ROWS_PER_INSERT = 100
_MAX_PARAMS = 32_766


def qmark_to_pyformat(sql: str) -> str:
    """Rewrite ``?`` placeholders as ``%s`` for psycopg (a ``?`` inside quotes
    stays); every literal ``%``, quoted or not, is doubled, as psycopg reads
    the whole text for placeholders."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
            continue
        if ch in _QMARK_TOKENS:
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class SqliteDb:
    """One SQLite file in WAL mode (readers never wait for the writer)."""

    dialect: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        """``timeout``: seconds a statement waits for another connection's write lock."""
        self.path = str(path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves so that a
            # batch is exactly one transaction (crash safety of ingest).
            self.conn = sqlite3.connect(self.path, isolation_level=None,
                                        check_same_thread=False, timeout=timeout)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL stays consistent
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache
            # Checkpoint when the WAL passes 64 MB, not 4 MB: a 1,000-cable ingest batch
            # writes ~25 MB, so the default made every commit a checkpoint with its
            # fsyncs (measured: store wall time per cable 0.47 -> 0.30 ms).
            self.conn.execute("PRAGMA wal_autocheckpoint=16384")
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open SQLite archive {self.path}: {exc}") from exc
        self.lock = threading.RLock()
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.lock:
            try:
                return self.conn.execute(sql, tuple(params)).rowcount
            except sqlite3.Error as exc:
                raise _archive_error(self.path, exc) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with self.lock:
            try:
                self.conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                raise _archive_error(self.path, exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            try:
                return list(self.conn.execute(sql, tuple(params)).fetchall())
            except sqlite3.Error as exc:
                raise _archive_error(self.path, exc) from exc

    def insert_many(self, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """Bulk insert of plain rows (no ON CONFLICT), up to :data:`_ROWS_PER_INSERT`
        rows a statement: one statement per row spent more on stepping and resetting it
        than on the rows (an ingest writes some 18 rows a cable, 14 of them addressees)."""
        if not rows:
            return
        one = f"({', '.join('?' for _ in columns)})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        per = max(1, min(_ROWS_PER_INSERT, _MAX_PARAMS // len(columns)))
        full = len(rows) - len(rows) % per
        if full:  # the same statement for every full chunk: prepared once, cached
            sql = head + ", ".join([one] * per)
            self.executemany(sql, [[v for row in rows[i:i + per] for v in row]
                                   for i in range(0, full, per)])
        if full < len(rows):
            rest = rows[full:]
            self.execute(head + ", ".join([one] * len(rest)), [v for row in rest for v in row])

    def executescript(self, script: str) -> None:
        with self.lock:
            try:
                self.conn.executescript(script)
            except sqlite3.Error as exc:
                raise _archive_error(self.path, exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            if self._depth:  # nested: part of the outer transaction
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            # IMMEDIATE takes the write lock now, so two writers queue
            # instead of failing halfway with SQLITE_BUSY.
            self.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self.execute("COMMIT")
            except BaseException:
                # also after a failed COMMIT (disk full): never leave it open
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise
            finally:
                self._depth = 0

    def close(self) -> None:
        with self.lock:
            self.conn.close()


class PostgresDb:
    """A psycopg 3 connection in autocommit mode, with explicit transactions."""

    dialect: Literal["sqlite", "postgresql"] = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a declared extra
            raise ArchiveError("PostgreSQL needs psycopg: pip install 'cablegram[postgres]'") \
                from exc
        self.url = url
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise ArchiveError(f"cannot connect to PostgreSQL archive {_redact(url)}: "
                               f"{_first_line(exc)}") from exc
        self.lock = threading.RLock()
        self._depth = 0

    def _conn(self) -> Any:
        """The connection, reopened if the server dropped it (outside a transaction)."""
        if (self.conn.closed or self.conn.broken) and not self._depth:
            try:
                self.conn = self._psycopg.connect(self.url, autocommit=True)
            except self._psycopg.Error as exc:
                raise ArchiveError(f"cannot reconnect to PostgreSQL archive "
                                   f"{_redact(self.url)}: {_first_line(exc)}") from exc
        return self.conn

    def _err(self, exc: Exception) -> ArchiveError:
        return ArchiveError(f"PostgreSQL archive {_redact(self.url)} failed: {_first_line(exc)}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.lock:
            try:
                cur = self._conn().execute(qmark_to_pyformat(sql), tuple(params))
                return int(cur.rowcount)
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with self.lock:
            try:
                with self._conn().cursor() as cur:
                    cur.executemany(qmark_to_pyformat(sql), rows)
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            try:
                cur = self._conn().execute(qmark_to_pyformat(sql), tuple(params))
                return list(cur.fetchall())
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc

    def insert_many(self, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """Bulk insert of plain rows with COPY (one stream instead of a statement
        per row). Only for rows that cannot conflict: COPY has no ON CONFLICT."""
        if not rows:
            return
        with self.lock:
            try:
                with self._conn().cursor() as cur, \
                        cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc

    def executescript(self, script: str) -> None:
        with self.lock:
            try:
                self._conn().execute(script)
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self._conn().transaction():
                    yield
            except self._psycopg.Error as exc:
                raise self._err(exc) from exc
            finally:
                self._depth = 0

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def _archive_error(path: str, exc: sqlite3.Error) -> ArchiveError:
    return ArchiveError(f"SQLite archive {path} failed: {exc}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _redact(url: str) -> str:
    """The URL without a password, for error messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        user = cred.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
