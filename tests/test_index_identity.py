"""An index follows one archive: another database behind the same index is never trusted.

The search index is derived from the store and records how far it got (a
change number). A database replaced by another, at the same path or URL, may
hold as many changes or more: only the archive's identity (``meta.archive_id``)
tells them apart. The index is then rebuilt from the store it now stands beside.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_archive_factory import make_cable, pg_reset

from cablegram.access.principal import Principal
from cablegram.archive import SqlArchive, open_archive
from cablegram.archive.index import STATE_FILE

OWNER = Principal.archive_owner()


def _fill(url: str, ids: list[str]) -> SqlArchive:
    archive = open_archive(url)
    for rid in ids:
        archive.add(make_cable(rid, body=f"The weather report {rid}."))
    return archive


def _found(archive: SqlArchive) -> set[str]:
    return {h.reference_id for h in archive.search("weather", OWNER, limit=100).results}


def _replace(url: str) -> None:
    """Another, empty archive where the first one was."""
    if url.startswith("postgresql"):
        pg_reset(url)
        return
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


@pytest.mark.parametrize("second", [
    ["09NEW1", "09NEW2", "09NEW3", "09NEW4", "09NEW5"],  # more changes than the index saw
    ["09NEW1", "09NEW2", "09NEW3"],  # as many: the change numbers alone look up to date
])
def test_an_index_beside_another_database_is_rebuilt(archive_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     second: list[str]) -> None:
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "index"))  # (PostgreSQL's)
    first = _fill(archive_url, ["08OLD1", "08OLD2", "08OLD3"])
    assert _found(first) == {"08OLD1", "08OLD2", "08OLD3"}
    index_dir = first.index_dir
    first.close()

    _replace(archive_url)
    again = _fill(archive_url, second)
    assert again.index_dir == index_dir  # the same index directory, another archive
    assert _found(again) == set(second)
    state = json.loads((index_dir / STATE_FILE).read_text())
    assert state["store"] == again.store.identity() != ""
    again.close()


def test_a_copy_of_the_archive_keeps_its_index(tmp_path: Path) -> None:
    """A copy (or a restored backup) is the same archive: its index is not rebuilt."""
    archive = _fill(str(tmp_path / "a.db"), ["08OLD1", "08OLD2"])
    assert _found(archive) == {"08OLD1", "08OLD2"}
    identity = archive.store.identity()
    archive.close()
    reopened = open_archive(str(tmp_path / "a.db"))
    assert reopened.store.identity() == identity
    index = reopened._load_index()
    calls: list[int] = []
    original = index._rebuild
    index._rebuild = lambda store: calls.append(1) or original(store)
    assert _found(reopened) == {"08OLD1", "08OLD2"}
    assert calls == []
    reopened.close()


def test_an_index_from_before_identities_is_adopted(tmp_path: Path) -> None:
    """An index whose state names no archive (written by an older cablegram) follows
    the store it is opened with, and names it at its next write."""
    archive = _fill(str(tmp_path / "a.db"), ["08OLD1"])
    assert _found(archive) == {"08OLD1"}
    state_file = archive.index_dir / STATE_FILE
    state = json.loads(state_file.read_text())
    del state["store"]
    state_file.write_text(json.dumps(state))
    archive.add(make_cable("08OLD2", body="The weather again."))
    assert _found(archive) == {"08OLD1", "08OLD2"}
    assert json.loads(state_file.read_text())["store"] == archive.store.identity()
    archive.close()


def test_an_ingest_into_another_database_does_not_feed_the_old_index(tmp_path: Path) -> None:
    """The ingest's feed appends to the index only where it stands just before the
    batch, and only if it is this archive's: here the change numbers line up
    (three changes each side), the archives do not."""
    from test_archive_factory import write_jsonl

    url = str(tmp_path / "a.db")
    first = _fill(url, ["08OLD1", "08OLD2", "08OLD3"])
    assert _found(first) == {"08OLD1", "08OLD2", "08OLD3"}
    first.close()
    _replace(url)
    again = _fill(url, ["09NEW1", "09NEW2", "09NEW3"])  # not searched: the index is not synced
    write_jsonl(tmp_path / "more.jsonl", [make_cable("09NEW4", body="The weather later.")])
    summary = again.ingest([str(tmp_path / "more.jsonl")])
    assert summary.new == 1
    assert _found(again) == {"09NEW1", "09NEW2", "09NEW3", "09NEW4"}
    again.close()
