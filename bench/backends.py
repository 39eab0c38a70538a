"""The archive backends a benchmark runs on: SQLite files and PostgreSQL databases.

A PostgreSQL run gets a fresh database of its own (``cablegram_bench_<size>_<pid>``,
dropped afterwards) and a tantivy index directory in the bench's scratch dir,
passed to every process that opens the archive through ``CABLEGRAM_INDEX_DIR``
(the archive's default is a per-user cache dir, which a later run with a new
database of the same name must not find).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKENDS = (SQLITE, POSTGRESQL)
# The server's maintenance database, where the bench creates and drops its own;
# CABLEGRAM_BENCH_PG names another.
ADMIN_ENV = "CABLEGRAM_BENCH_PG"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
INDEX_ENV = "CABLEGRAM_INDEX_DIR"
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def parse_backends(text: str) -> tuple[str, ...]:
    """``"sqlite,postgresql"`` -> the backends in that order; unknown names are an error."""
    names = tuple(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [n for n in names if n not in BACKENDS]
    if unknown or not names:
        raise ValueError(f"unknown backend {', '.join(unknown) or '(none)'}: "
                         f"choose from {', '.join(BACKENDS)}")
    return names


def admin_url() -> str:
    return os.environ.get(ADMIN_ENV) or DEFAULT_ADMIN_URL


def pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be benchmarked (no psycopg, no server), or None."""
    admin = admin_url()
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'cablegram[postgres]')"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"PostgreSQL not reachable at {_redact(admin)}: {first}"
    return None


def _redact(url: str) -> str:
    from cablegram.archive.db import _redact as redact

    return redact(url)


def create_database(name: str) -> str:
    """A fresh, empty database ``name`` (dropped first if a killed run left it); its URL."""
    import psycopg

    admin = admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{admin.rsplit('/', 1)[0]}/{name}"


def drop_database(url: str) -> None:
    """Drop the database of ``url``; a server that went away is not the bench's error."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(admin_url(), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        pass


def new_target(backend: str, n: int, work: Path) -> dict[str, str]:
    """Where a backend's archive of ``n`` cables goes: ``archive`` (path or URL) and
    ``index``; for PostgreSQL, its fresh database is created here."""
    if backend == SQLITE:
        db = work / f"archive-{n}.db"
        return {"backend": SQLITE, "archive": str(db), "index": str(db.with_suffix(".index"))}
    url = create_database(f"cablegram_bench_{n}_{os.getpid()}")
    return {"backend": POSTGRESQL, "archive": url, "index": str(work / f"pg-index-{n}")}


def child_env(t: dict[str, str]) -> dict[str, str]:
    """The environment of a process that opens ``t``'s archive: its index dir for PostgreSQL."""
    env = dict(os.environ)
    if t["backend"] == POSTGRESQL:
        env[INDEX_ENV] = t["index"]
    return env


@contextmanager
def opened(t: dict[str, str]) -> Iterator[Any]:
    """The archive of ``t``, with its own index dir, closed afterwards."""
    from cablegram.archive import open_archive
    from cablegram.archive.facade import SqlArchive

    if t["backend"] == POSTGRESQL:
        from cablegram.archive.postgres import open_postgres_store

        archive = SqlArchive(t["archive"], open_postgres_store(t["archive"]), Path(t["index"]))
    else:
        archive = open_archive(t["archive"])
    try:
        yield archive
    finally:
        archive.close()


def server_peak_rss_kib(conn: Any) -> int | None:
    """Peak RSS of the server process behind a psycopg connection (VmHWM, KiB), or None
    when the server is on another machine or its /proc entry cannot be read. It counts
    the shared buffers that process touched, which its siblings share."""
    host = str(conn.info.host or "")
    if host not in _LOCAL_HOSTS and not host.startswith("/"):  # "/...": a Unix socket
        return None
    try:
        pid = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None
