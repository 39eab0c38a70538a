"""Opening the database messaging keeps its tables in (rule: one archive file).

Messaging keeps drafts, counters, queues and inboxes in the archive's own
database, through the archive's :class:`~cablegram.archive.api.Db` handle.
:class:`SqliteDb` is a minimal handle over :mod:`sqlite3` used where no
archive is at hand (a bare database file, and the relay's hot loop); it opens
the file in WAL mode so that a relay killed at any moment loses nothing that
was committed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from cablegram.errors import ArchiveError


class SqliteDb:
    """A :class:`Db` over one SQLite file: WAL, a busy timeout, re-entrant transactions."""

    dialect: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open database {self.path}: {exc}") from exc
        self._depth = 0
        self._lock = threading.RLock()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            cur = self.conn.execute(sql, tuple(params))
            return cur.rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self.conn.execute(sql, tuple(params)).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE (writers queue up instead of failing late); nested calls join."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def sqlite_path(url: str) -> str:
    """``sqlite:///x.db`` or a plain path -> the file path."""
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else url
