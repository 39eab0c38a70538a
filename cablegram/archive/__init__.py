"""The archive: every cable as one exact record, behind a small protocol.

:func:`open_archive` is the one place a URL picks a backend:

- a path, or ``sqlite:///relative.db`` / ``sqlite:////abs/path.db``: SQLite;
- ``postgresql://user@host:port/db``: PostgreSQL;
- nothing: ``$CABLEGRAM_ARCHIVE``, else ``./cablegram.db``.
"""

from __future__ import annotations

import os

from cablegram.archive.facade import SqlArchive
from cablegram.errors import ArchiveError

DEFAULT_ARCHIVE = "./cablegram.db"
SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def archive_url(url: str | None = None) -> str:
    """The archive URL to use: the one given, ``$CABLEGRAM_ARCHIVE``, or the default."""
    return url or os.environ.get("CABLEGRAM_ARCHIVE") or DEFAULT_ARCHIVE


def open_archive(url: str | None = None, *, create: bool = True) -> SqlArchive:
    """Open the archive at ``url``, creating it if needed (``create=False``: a
    SQLite file that does not exist is an error, so a mistyped path is not
    silently answered by a new, empty archive)."""
    url = archive_url(url)
    if url.startswith(POSTGRES_PREFIXES):
        from cablegram.archive.postgres import open_postgres_store

        pg = url.replace("postgresql+psycopg://", "postgresql://", 1)
        return SqlArchive(url, open_postgres_store(pg))
    from cablegram.archive.sqlite import open_sqlite_store

    path = url[len(SQLITE_PREFIX):] if url.startswith(SQLITE_PREFIX) else url
    if not create and not os.path.exists(path):
        raise ArchiveError(f"no archive at {path}: ingest cables first "
                           f"(cablegram ingest PATH --archive {url})")
    return SqlArchive(url, open_sqlite_store(path))


__all__ = ["DEFAULT_ARCHIVE", "SqlArchive", "archive_url", "open_archive"]
