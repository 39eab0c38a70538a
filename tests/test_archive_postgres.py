"""PostgreSQL-only behaviour of the backend (the shared behaviour is in the conformance suite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_archive_factory import make_cable, pg_database

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.postgres import _LZ4_COLUMNS, open_postgres_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_database()


def _compression(url: str) -> dict[str, str]:
    store = open_postgres_store(url)
    try:
        return {str(n): str(c) for n, c in store.db.query(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'cables'::regclass AND attname IN ('raw', 'record', "
            "'source_metadata', 'subject')")}
    finally:
        store.close()


def test_long_columns_are_lz4_and_an_older_pglz_archive_switches_on_open(pg_url: str) -> None:
    with open_archive(pg_url) as a:
        a.add(make_cable("07OSLO1", body="Written before the switch. " * 200))
        # An archive created before lz4 was chosen: its columns use the server default.
        a.db.execute("ALTER TABLE cables " + ", ".join(
            f"ALTER COLUMN {c} SET COMPRESSION default" for c in _LZ4_COLUMNS))
        a.add(make_cable("07OSLO2", body="Also pglz. " * 200))
    assert _compression(pg_url) == {c: "l" for c in _LZ4_COLUMNS} | {"subject": ""}
    with open_archive(pg_url) as a:
        a.add(make_cable("07OSLO3", body="Written after the switch. " * 200))
        methods = dict(a.db.query(
            "SELECT reference_id, pg_column_compression(raw) FROM cables ORDER BY id"))
        # Values keep the method they were written with, and all read back the same.
        assert methods == {"07OSLO1": "lz4", "07OSLO2": "pglz", "07OSLO3": "lz4"}
        owner = Principal.archive_owner()
        for rid, word in (("07OSLO1", "before"), ("07OSLO2", "pglz"), ("07OSLO3", "after")):
            assert word in a.get(rid, owner).cable.raw
