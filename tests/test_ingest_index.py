"""An ingest indexes what it stores as it goes, and the index ends as a sync would leave it.

``SqlArchive.ingest`` hands each committed batch's documents to the index
(``index.IngestFeed``): built where the cable was parsed, never read back from
the store. The index must end exactly as the change feed would have built it:
same documents, same ``last_seq``, versions resolved to the current one; an
index that lagged, or a feed that fails, falls back on the change feed; the
store stays the truth.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_archive_factory import make_cable, write_jsonl
from test_search_support import make_cable as index_cable

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.index import SearchIndex
from cablegram.archive.indexdoc import cable_document, document_json, storable_indexed
from cablegram.archive.ingest import ingest_items, ingest_paths
from cablegram.archive.store import Prepared, SqlStore, prepare
from cablegram.model import Cable, Level

OWNER = Principal.archive_owner()
QUERIES = ("", "weather", "revised", "tag:PREL", "class:SECRET", "class:>=CONFIDENTIAL",
           "paragraph -revised", "origin:OSLO")


def _corpus(root: Path, files: int = 4, per_file: int = 30) -> Path:
    """Invented cables in JSON lines; later files bring new versions of earlier ids."""
    corpus = root / "corpus"
    corpus.mkdir()
    levels = list(Level)
    for f in range(files):
        items: list[Cable | str] = []
        for i in range(per_file):
            n = f * per_file + i
            if f and i % 4 == 0:  # a new version of an id of the first file
                items.append(make_cable(f"08INDEX{i}", body=f"revised in file {f} row {i}"))
            else:
                items.append(make_cable(f"08INDEX{n}", level=levels[n % len(levels)],
                                        body=f"Invented paragraph {n} about the weather."))
        items.append(f"garbage line {f}")  # quarantined: not indexed
        write_jsonl(corpus / f"part{f:02d}.jsonl", items)
    return corpus


def _answers(index: SearchIndex) -> dict[str, Any]:
    """Totals, facets and every hit. Sorted: the invented cables share one DTG, and
    ties fall in index order, which commits and merges may change."""
    out: dict[str, Any] = {"docs": index.num_docs()}
    for q in QUERIES:
        r = index.search(q, OWNER, limit=1000, sort="date")  # every hit: ties
        out[q] = (r.total, r.facets,
                  sorted((h.reference_id, h.subject, h.snippet) for h in r.results))
    return out


def _rebuilt(store: SqlStore, path: Path) -> dict[str, Any]:
    index = SearchIndex(path)
    index.rebuild(store)
    return _answers(index)


@pytest.mark.parametrize("level", list(Level))
def test_the_json_document_is_the_cable_document(level: Level) -> None:
    cable = index_cable("07OSLO525", level=level, caveats=("NOFORN",),
                        paragraphs=["First words.", "Second words, \u00e9t\u00e9 \"quoted\"."],
                        info=(("AMEMBASSY ROME", None),), refs=("07STATE64981",),
                        marking="U")
    expected = cable_document("07OSLO525", cable).to_dict()
    assert json.loads(document_json("07OSLO525", cable)) == expected


def test_storable_indexed_is_storable_with_the_document() -> None:
    cable = make_cable("07OSLO525", level=Level.SECRET, caveats=("NOFORN",))
    ready = storable_indexed(cable)
    assert isinstance(ready, Prepared) and ready.document is not None
    assert ready._replace(document=None) == prepare(cable)
    assert json.loads(ready.document) == cable_document("07OSLO525", cable).to_dict()
    no_id = Cable(raw="NOTHING TO READ")  # quarantined (T2): no document
    assert storable_indexed(no_id) == prepare(no_id)


def test_an_ingest_indexes_without_reading_cables_back(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path)
    read_back: list[int] = []
    original = SqlStore.changes_since

    def counting(self: SqlStore, seq: int, limit: int = 1000) -> list[Any]:
        changes = original(self, seq, limit)
        read_back.append(len(changes))
        return changes

    monkeypatch.setattr(SqlStore, "changes_since", counting)
    with open_archive(str(tmp_path / "a.db")) as a:
        index = a._load_index()
        summary = ingest_paths(a.store, [str(corpus)], batch=7, feed=index.feed(a.store))
        assert summary.versions > 0 and summary.quarantined == 4
        assert sum(read_back) == 0  # every change came from the ingest itself
        assert index.last_seq() == a.store.max_seq()
        assert _answers(index) == _rebuilt(a.store, tmp_path / "rebuilt")
        # a re-run stores nothing new and leaves the index as it is
        again = a.ingest([str(corpus)])
        assert again.unchanged == summary.new + summary.versions
        assert index.last_seq() == a.store.max_seq()


def test_a_lagging_index_is_caught_up_through_the_change_feed(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    first, rest = sorted(corpus.iterdir())[:2], sorted(corpus.iterdir())[2:]
    with open_archive(str(tmp_path / "a.db")) as a:
        ingest_paths(a.store, [str(p) for p in first], batch=7)  # no index: it lags
        index = a._load_index()
        assert index.last_seq() == 0
        ingest_paths(a.store, [str(p) for p in rest], batch=7, feed=index.feed(a.store))
        assert index.last_seq() == a.store.max_seq()
        assert _answers(index) == _rebuilt(a.store, tmp_path / "rebuilt")


def test_a_failing_index_never_fails_the_ingest(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is the truth: the feed gives up, the next sync indexes the cables."""
    corpus = _corpus(tmp_path)
    import cablegram.archive.index as index_mod

    calls = {"n": 0}

    def broken(self: Any, first_seq: int) -> bool:
        calls["n"] += 1
        raise ValueError("disk full")

    with open_archive(str(tmp_path / "a.db")) as a:
        index = a._load_index()
        feed = index.feed(a.store)
        monkeypatch.setattr(index_mod.IngestFeed, "_open", broken)
        summary = ingest_paths(a.store, [str(corpus)], batch=7, feed=feed)
        assert calls["n"] == 1 and isinstance(feed.failed, ValueError)
        assert summary.read == 4 * 31
        assert index.last_seq() == 0
        monkeypatch.undo()
        assert a.search("weather", OWNER).total == _rebuilt(
            a.store, tmp_path / "rebuilt")["weather"][0]
        assert index.last_seq() == a.store.max_seq()


def test_another_writer_between_batches_falls_back_to_the_feed(tmp_path: Path) -> None:
    """A change the ingest did not make (another process) lands between two batches:
    the index takes it, and the batch, from the change feed, then goes direct again."""
    corpus = _corpus(tmp_path, files=2)
    with open_archive(str(tmp_path / "a.db")) as a:
        index = a._load_index()
        feed = index.feed(a.store)
        original = feed.add
        seen = {"n": 0}

        def add_with_intruder(first_seq: int, docs: list[tuple[str, str, bool]]) -> None:
            original(first_seq, docs)
            seen["n"] += 1
            if seen["n"] == 2:
                a.store.write_batch([make_cable("09INTRUDER1", body="an intruding weather")])

        feed.add = add_with_intruder
        ingest_paths(a.store, [str(corpus)], batch=7, feed=feed)
        assert feed.failed is None and feed.committed > 0
        assert "09INTRUDER1" in index.ids("intruding", OWNER)
        assert index.last_seq() == a.store.max_seq()
        assert _answers(index) == _rebuilt(a.store, tmp_path / "rebuilt")


CHILD = """
import sys
import cablegram.archive.index as m
from cablegram.archive import open_archive
from cablegram.archive.ingest import ingest_items, ingest_paths
m._COMMIT_EVERY = 40
with open_archive(sys.argv[1]) as a:
    index = a._load_index()
    write = index._write_state
    def announce(seq, store=None, portions=None):
        write(seq, store, portions)
        print("committed", seq, flush=True)
    index._write_state = announce
    ingest_paths(a.store, [sys.argv[2]], batch=10, feed=index.feed(a.store))
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_an_indexing_ingest_then_again_ends_as_a_rebuild(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, files=8, per_file=60)
    db = tmp_path / "a.db"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(corpus)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    commits = 0
    for line in child.stdout:
        if line.startswith("committed"):
            commits += 1
            if commits >= 3:
                break
    time.sleep(random.uniform(0.0, 0.05))  # somewhere inside the next batches
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert commits >= 3, "the child finished or failed before it could be killed"
    with open_archive(str(db)) as a:
        index = a._load_index()
        assert 0 < index.last_seq() <= a.store.max_seq()  # never claims more than stored
        a.ingest([str(corpus)])  # started again: finishes the store and the index
        assert index.last_seq() == a.store.max_seq()
        assert _answers(index) == _rebuilt(a.store, tmp_path / "rebuilt")


def test_a_cable_that_comes_without_its_document_is_read_from_the_change_feed(
        tmp_path: Path) -> None:
    """Items already prepared without a document (prepared elsewhere) still get indexed."""
    cables = [make_cable(f"08BARE{i}", body=f"bare weather {i}") for i in range(25)]
    items: list[Any] = [prepare(c) if i % 10 == 3 else c for i, c in enumerate(cables)]
    with open_archive(str(tmp_path / "a.db")) as a:
        index = a._load_index()
        feed = index.feed(a.store)
        ingest_items(a.store, items, batch=7, feed=feed)
        assert feed.failed is None
        assert index.last_seq() == a.store.max_seq() == 25
        assert sorted(index.ids("bare", OWNER)) == sorted(f"08BARE{i}" for i in range(25))
