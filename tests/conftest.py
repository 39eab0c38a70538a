"""Shared test helpers.

The real cables live outside the repository, in ``../shared/corpus`` relative
to the repository root (CI puts them there). They are never copied into the
repository; tests that need them skip with a clear message where absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO / ".." / "shared" / "corpus").resolve()


def corpus_path(*parts: str) -> Path:
    """A path inside the shared corpus; skip the calling test when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path} (expected the shared corpus at {CORPUS})")
    return path


@pytest.fixture
def corpus() -> Path:
    """The corpus root; skips the test when the shared corpus is absent."""
    return corpus_path()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own for a test module, dropped after it (or skip)."""
    from test_archive_factory import pg_database

    yield from pg_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty archive on each backend: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    from test_archive_factory import pg_reset

    url: str = request.getfixturevalue("pg_url")
    pg_reset(url)
    return url


class _TinySqliteDb:
    """A minimal ``cablegram.archive.api.Db`` over sqlite3, for tests of the access
    tables that do not need a whole archive (autocommit; nested transactions join
    the outer one)."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        import sqlite3

        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._depth = 0

    def execute(self, sql: str, params: object = ()) -> int:
        return self.conn.execute(sql, params).rowcount  # type: ignore[arg-type]

    def query(self, sql: str, params: object = ()) -> list[tuple[object, ...]]:
        return self.conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def transaction(self):  # type: ignore[no-untyped-def]
        from contextlib import contextmanager

        @contextmanager
        def tx():  # type: ignore[no-untyped-def]
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")

        return tx()


@pytest.fixture
def tiny_db(tmp_path: Path) -> _TinySqliteDb:
    """A fresh SQLite file behind the small ``Db`` protocol (access and messaging tables)."""
    return _TinySqliteDb(tmp_path / "tiny.sqlite")
