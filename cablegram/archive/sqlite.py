"""The SQLite backend: one file in WAL mode, the schema of ``schema_sqlite.sql``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cablegram.archive.db import SqliteDb
from cablegram.archive.store import SqlStore
from cablegram.errors import ArchiveError


def open_sqlite_store(path: str | Path) -> SqlStore:
    """Open (creating if needed) the archive file at ``path``."""
    p = Path(path)
    if p.is_dir():
        raise ArchiveError(f"archive path {p} is a directory; give a file such as {p}/cablegram.db")
    if not p.parent.exists():
        raise ArchiveError(f"cannot create archive {p}: directory {p.parent} does not exist")
    store = SqlStore(SqliteDb(p))
    store.init_schema(resources.files("cablegram.archive").joinpath("schema_sqlite.sql")
                      .read_text("utf-8"))
    return store
