"""Glue: search through ``open_archive`` on the real SQLite (and PostgreSQL) store.

The archive syncs the index from the store's change feed before each search.
These tests also cross-check the two translations of the access rule: what the
index shows a principal (tantivy filter) equals what the store exports to them
(SQL filter), cable for cable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_search_support import make_cable

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.facade import SqlArchive
from cablegram.model import Cable, Level

PG = "postgresql://postgres@127.0.0.1:5432"


def cables() -> list[Cable]:
    return [
        make_cable("07OSLO525", subject="CLUSTER MUNITIONS", level=Level.CONFIDENTIAL,
                   paragraphs=["Norway asks about cluster munitions."], tags=["PARM", "NO"],
                   refs=["07STATE64981"]),
        make_cable("07STATE64981", subject="LIMA", level=Level.SECRET, caveats=["NOFORN"],
                   paragraphs=["Points on munitions for Lima."], tags=["PARM"],
                   originator=("SECSTATE WASHDC", "RUEHC"), to=[("AMEMBASSY OSLO", "RUEHNY")],
                   when=datetime(2007, 5, 10, 9, 0, tzinfo=UTC)),
        make_cable("06PARIS100", subject="BUDGET", paragraphs=["Budget talk, no munitions."],
                   tags=["ECON"], when=datetime(2006, 1, 3, 8, 0, tzinfo=UTC)),
        make_cable("09BERLIN5", subject="COALITION", level=Level.SECRET, caveats=["NODIS"],
                   paragraphs=["Coalition and munitions."], tags=["PGOV"],
                   originator=("AMEMBASSY BERLIN", "RUEHRL"), declassify_on=date(2099, 1, 1),
                   when=datetime(2009, 12, 31, 12, 0, tzinfo=UTC)),
    ]


PRINCIPALS = [
    Principal.archive_owner(),
    Principal.public(),
    Principal("analyst", clearance=Level.SECRET),
    Principal("us", clearance=Level.SECRET, caveats=frozenset({"NOFORN"})),
    Principal("berlin", clearance=Level.SECRET, posts=frozenset({"RUEHRL"})),
]


def check_archive(archive: SqlArchive) -> None:
    for c in cables():
        assert archive.add(c) == "new"
    r = archive.search("munitions", Principal.archive_owner())
    assert r.total == 4
    assert {h.reference_id for h in r.results} == {"07OSLO525", "07STATE64981", "06PARIS100",
                                                   "09BERLIN5"}
    assert archive.search("ref:07STATE64981", Principal.archive_owner()).total == 1
    for p in PRINCIPALS:
        sql_ids = {str(c.reference_id) for c in archive.export("", p)}
        index_ids = {h.reference_id for h in archive.search("", p, limit=100).results}
        assert index_ids == sql_ids, p.name
        assert {str(c.reference_id) for c in archive.export("munitions", p)} == \
            {h.reference_id for h in archive.search("munitions", p, limit=100).results}
    # a new version is searchable at once, the old text is gone
    changed = replace(make_cable("06PARIS100", subject="BUDGET", tags=["ECON"],
                                 paragraphs=["Revised: pensions."],
                                 when=datetime(2006, 1, 3, 8, 0, tzinfo=UTC)),
                      raw="invented 06PARIS100, second version")
    assert archive.add(changed) == "version"
    assert archive.search("pensions", Principal.archive_owner()).total == 1
    assert archive.search("budget talk", Principal.archive_owner()).total == 0
    assert archive.reindex() == 4
    assert archive.search("pensions", Principal.archive_owner()).total == 1


def test_search_through_open_archive_sqlite(tmp_path: Path) -> None:
    with open_archive(str(tmp_path / "a.db")) as archive:
        check_archive(archive)
    assert (tmp_path / "a.index").is_dir()


@pytest.fixture
def pg_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"cg_search_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG}: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "pg.index"))
    try:
        yield f"{PG}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
def test_search_through_open_archive_postgres(pg_url: str, tmp_path: Path) -> None:
    with open_archive(pg_url) as archive:
        check_archive(archive)
    assert (tmp_path / "pg.index").is_dir()


def test_a_replaced_database_does_not_leave_stale_hits(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(str(db)) as archive:
        for c in cables():
            archive.add(c)
        assert archive.search("munitions", Principal.archive_owner()).total == 4
    for f in tmp_path.glob("a.db*"):  # the database (and its WAL) gone; the index kept
        f.unlink()
    with open_archive(str(db)) as archive:
        archive.add(cables()[2])
        r = archive.search("", Principal.archive_owner())
        assert [h.reference_id for h in r.results] == ["06PARIS100"]
