"""The PostgreSQL backend: the same logical schema (``schema_postgres.sql``).

Several servers may share one database: writers take an advisory lock per
transaction (see ``SqlStore.write_batch``), so change numbers commit in order
and each server's search index can follow ``changes`` safely.
"""

from __future__ import annotations

from importlib import resources

from cablegram.archive.db import PostgresDb
from cablegram.archive.store import SqlStore

# Serialises schema creation when several processes open a new database at once.
_SCHEMA_LOCK = 7_2011_0526


def open_postgres_store(url: str) -> SqlStore:
    """Connect to ``postgresql://...`` and create the tables if they are missing."""
    db = PostgresDb(url)
    script = resources.files("cablegram.archive").joinpath("schema_postgres.sql") \
        .read_text("utf-8")
    store = SqlStore(db)
    with db.transaction():
        db.query("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
        store.init_schema(script)
    return store
