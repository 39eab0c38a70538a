"""The PostgreSQL backend: the same logical schema (``schema_postgres.sql``).

Several servers may share one database: writers take an advisory lock per
transaction (see ``SqlStore.write_batch``), so change numbers commit in order
and each server's search index can follow ``changes`` safely.
"""

from __future__ import annotations

from importlib import resources

from cablegram.archive.db import PostgresDb
from cablegram.archive.store import SqlStore
from cablegram.errors import ArchiveError

# Serialises schema creation when several processes open a new database at once.
_SCHEMA_LOCK = 7_2011_0526

# The long text columns of ``cables``: each row's raw text (~9 KB) and record JSON go
# through TOAST compression inside the server. The default, pglz, cost the server
# about half its CPU during an ingest; lz4 halves that for ~9% more disk (measured,
# 3,000 synthetic cables written in batches of 1,000, alternating: server CPU
# 2.06-2.31 s -> 1.12-1.39 s, store wall 1.49-1.57 -> 0.77-1.07 ms per cable,
# table 34 -> 37 MB). On two cores the server competes with the parsing workers,
# so its CPU is ingest time.
_LZ4_COLUMNS = ("raw", "record", "source_metadata")


def open_postgres_store(url: str) -> SqlStore:
    """Connect to ``postgresql://...`` and create the tables if they are missing."""
    db = PostgresDb(url)
    script = resources.files("cablegram.archive").joinpath("schema_postgres.sql") \
        .read_text("utf-8")
    store = SqlStore(db)
    with db.transaction():
        db.query("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
        store.init_schema(script)
    prefer_lz4(db)  # after the commit: a server without lz4 fails it harmlessly
    return store


def prefer_lz4(db: PostgresDb) -> bool:
    """Compress the long columns of rows written from now on with lz4; whether they are.

    Rows already stored keep their compression and read back the same: the method is
    recorded per value. A server without lz4 (built without it, or before
    PostgreSQL 14) keeps pglz; nothing else differs. Checked in the catalogue first,
    so that opening an archive does not take the table lock ALTER TABLE needs.
    """
    marks = ", ".join("?" for _ in _LZ4_COLUMNS)
    todo = [str(name) for (name,) in db.query(
        "SELECT a.attname FROM pg_attribute a "
        "WHERE a.attrelid = 'cables'::regclass AND a.attname IN (" + marks + ") "
        "AND a.attcompression IS DISTINCT FROM 'l'", _LZ4_COLUMNS)] \
        if _server_version(db) >= 140000 else None
    if todo is None:
        return False
    if not todo:
        return True
    alter = ", ".join(f"ALTER COLUMN {name} SET COMPRESSION lz4" for name in todo)
    try:
        db.execute(f"ALTER TABLE cables {alter}")  # one statement: all or none
    except ArchiveError:  # "compression method lz4 not supported"
        return False
    return True


def _server_version(db: PostgresDb) -> int:
    return int(db.query("SHOW server_version_num")[0][0])
