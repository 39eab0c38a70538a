"""The ingest writer thread stores batches in order and fails like a plain loop would.

Batches are written by a thread while the next is gathered
(``cablegram.archive.ingest._Writer``). It must not change what is stored: the
tally and rows are those of a sequential loop; a reader that fails after some
full batches leaves exactly those batches stored; a batch the store rejects
stops the ingest with the store's error, nothing after it stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_archive_factory import make_cable

from cablegram.archive import open_archive
from cablegram.archive.ingest import ingest_items
from cablegram.errors import ArchiveError
from cablegram.model import Cable


def _cables(n: int) -> list[Cable]:
    return [make_cable(f"07OSLO{i + 1}", body=f"Invented paragraph number {i}.")
            for i in range(n)]


def _ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT reference_id FROM cables ORDER BY id")]
    finally:
        conn.close()


def test_the_tally_and_order_are_those_of_the_input(tmp_path: Path) -> None:
    cables = _cables(23)
    items: list[Any] = [*cables, cables[3], make_cable("07OSLO5", body="A second text.")]
    db = tmp_path / "a.db"
    with open_archive(str(db)) as a:
        s = ingest_items(a.store, items, batch=4)
    assert s.as_dict() == {"read": 25, "new": 23, "unchanged": 1, "versions": 1,
                           "quarantined": 0}
    assert _ids(db) == [str(c.reference_id) for c in cables] + ["07OSLO5"]


def test_a_reader_failure_keeps_the_full_batches_before_it(tmp_path: Path) -> None:
    def failing() -> Iterator[Cable]:
        yield from _cables(10)
        raise OSError("the disk went away while reading")

    db = tmp_path / "a.db"
    with open_archive(str(db)) as a, pytest.raises(OSError, match="disk went away"):
        ingest_items(a.store, failing(), batch=4)
    assert _ids(db) == [f"07OSLO{i}" for i in range(1, 9)]  # two batches of 4; 2 pending


def test_a_store_failure_stops_the_ingest_with_its_error(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_archive(str(db)) as a:
        # a trigger stands in for a failing disk: the third batch cannot be written
        a.store.db.execute("CREATE TRIGGER full BEFORE INSERT ON cables "
                           "WHEN NEW.reference_id = '07OSLO9' "
                           "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        with pytest.raises(ArchiveError, match="disk is full"):
            ingest_items(a.store, iter(_cables(40)), batch=4)
    assert _ids(db) == [f"07OSLO{i}" for i in range(1, 9)]
