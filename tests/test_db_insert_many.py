"""``Db.insert_many`` stores every row, in order, whatever the batch size.

SQLite takes up to ``_ROWS_PER_INSERT`` rows a statement (full chunks share one
cached statement, the rest gets one of its own); PostgreSQL uses COPY. Row ids
follow the order of the rows, as one INSERT a row gave them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cablegram.archive import db as dbmod
from cablegram.archive.db import SqliteDb


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250, 1000])
def test_sqlite_insert_many_keeps_every_row_in_order(tmp_path: Path, count: int) -> None:
    db = SqliteDb(tmp_path / "t.db")
    db.executescript("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)")
    rows = [(i, f"row {i} \u00b6 '?'", bytes([i % 256]) * (i % 5)) for i in range(count)]
    with db.transaction():
        db.insert_many("t", ("a", "b", "c"), rows)
    got = db.query("SELECT rowid, a, b, c FROM t ORDER BY rowid")
    assert [tuple(r[1:]) for r in got] == rows
    assert [r[0] for r in got] == list(range(1, count + 1))


def test_sqlite_insert_many_stays_under_the_parameter_limit(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    # A wide table: rows a statement shrink so that no statement binds too many values.
    monkeypatch.setattr(dbmod, "_MAX_PARAMS", 30)
    db = SqliteDb(tmp_path / "t.db")
    cols = [f"c{i}" for i in range(7)]
    db.executescript(f"CREATE TABLE t ({', '.join(cols)})")
    rows = [tuple(f"{r}.{c}" for c in range(7)) for r in range(23)]
    with db.transaction():
        db.insert_many("t", cols, rows)
    assert [tuple(r) for r in db.query("SELECT * FROM t ORDER BY rowid")] == rows
