"""The index follows the store's change feed: sync, versions, deletes, rebuild, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_search_support import ListStore, make_cable

import cablegram.archive.index as index_mod
from cablegram.access.principal import Principal
from cablegram.archive.index import STATE_FILE, SearchIndex
from cablegram.errors import ArchiveError
from cablegram.model import Cable

OWNER = Principal.archive_owner()
TESTS = Path(__file__).resolve().parent


def found(ix: SearchIndex, query: str = "") -> list[str]:
    return sorted(ix.ids(query, OWNER))


def test_new_index_starts_at_zero(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    assert ix.last_seq() == 0
    assert ix.num_docs() == 0
    assert ix.sync(ListStore()) == 0
    assert ix.search("anything", OWNER).total == 0


def test_sync_applies_changes_and_remembers_where_it_stopped(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", subject="FIRST"))
    store.add(make_cable("07OSLO526", subject="SECOND"))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.sync(store) == 2
    assert ix.last_seq() == 2
    assert ix.sync(store) == 0  # nothing new
    store.add(make_cable("07OSLO527", subject="THIRD"))
    assert ix.sync(store) == 1
    assert ix.last_seq() == 3
    assert found(ix) == ["07OSLO525", "07OSLO526", "07OSLO527"]
    state = json.loads((tmp_path / "ix" / STATE_FILE).read_text())
    assert state["last_seq"] == 3


def test_a_new_version_replaces_the_old_one(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", subject="OLD SUBJECT", paragraphs=["Old words."]))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    store.add(make_cable("07OSLO525", subject="NEW SUBJECT", paragraphs=["Fresh words."]))
    ix.sync(store)
    assert ix.num_docs() == 1
    assert found(ix, "old") == []
    assert found(ix, "fresh") == ["07OSLO525"]


def test_versions_in_one_batch_keep_the_last(tmp_path: Path) -> None:
    store = ListStore()
    for n in range(5):
        store.add(make_cable("07OSLO525", subject=f"VERSION V{n}"))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.sync(store) == 5
    assert ix.num_docs() == 1
    assert found(ix, "v4") == ["07OSLO525"]
    assert found(ix, "v3") == []


def test_a_none_change_deletes(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525"))
    store.add(make_cable("07OSLO526"))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    store.delete("07OSLO525")
    ix.sync(store)
    assert found(ix) == ["07OSLO526"]


def test_reopening_sees_the_committed_index(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", subject="KEPT"))
    SearchIndex(tmp_path / "ix").sync(store)
    again = SearchIndex(tmp_path / "ix")
    assert again.last_seq() == 1
    assert found(again, "kept") == ["07OSLO525"]


def test_a_second_reader_sees_another_writers_commits(tmp_path: Path) -> None:
    reader = SearchIndex(tmp_path / "ix")
    assert found(reader) == []
    store = ListStore()
    store.add(make_cable("07OSLO525"))
    writer = SearchIndex(tmp_path / "ix")
    writer.sync(store)
    time.sleep(0.01)  # a new mtime on meta.json, even on coarse clocks
    os.utime(tmp_path / "ix" / "meta.json")
    assert found(reader) == ["07OSLO525"]


class FailingStore(ListStore):
    """Fails on the n-th call of changes_since, as a store that lost its connection."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at

    def changes_since(self, seq: int, limit: int) -> list[tuple[int, str, Cable | None]]:
        self.calls += 1
        if self.calls == self.fail_at:
            raise ArchiveError("store connection lost")
        return super().changes_since(seq, limit)


def test_a_failed_sync_keeps_only_committed_progress(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_mod, "_BATCH", 2)
    monkeypatch.setattr(index_mod, "_COMMIT_EVERY", 4)
    store = FailingStore(fail_at=4)  # batches 1-2 commit (4 changes), batch 3 is lost
    for n in range(10):
        store.add(make_cable(f"07OSLO{500 + n}"))
    ix = SearchIndex(tmp_path / "ix")
    with pytest.raises(ArchiveError, match="connection lost"):
        ix.sync(store)
    assert ix.last_seq() == 4
    assert found(ix) == [f"07OSLO{500 + n}" for n in range(4)]
    store.fail_at = 0
    assert ix.sync(store) == 6
    assert ix.last_seq() == 10
    assert len(found(ix)) == 10


def test_rebuild_replaces_everything_in_one_commit(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", subject="ALPHA"))
    store.add(make_cable("07OSLO526", subject="BETA"))
    store.delete("07OSLO526")
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    other = ListStore()
    other.add(make_cable("08OSLO1", subject="GAMMA"))
    assert ix.rebuild(other) == 1
    assert ix.last_seq() == 1
    assert found(ix) == ["08OSLO1"]
    assert ix.rebuild(store) == 1
    assert found(ix) == ["07OSLO525"]
    assert ix.last_seq() == 3


def test_a_rebuild_keeps_the_last_version_of_each_cable(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild deletes only what it indexed itself earlier (a later version may
    come in the same batch or a later one); a deleted cable stays out."""
    monkeypatch.setattr(index_mod, "_BATCH", 2)  # versions across batches too
    store = ListStore()
    for n in range(5):
        store.add(make_cable("07OSLO525", subject=f"VERSION V{n}"))
        store.add(make_cable(f"07OSLO6{n}", subject=f"OTHER {n}"))
    store.add(make_cable("07OSLO700", subject="GONE"))
    store.delete("07OSLO700")
    ix = SearchIndex(tmp_path / "ix")
    assert ix.rebuild(store) == 6
    assert found(ix, "v4") == ["07OSLO525"]
    assert found(ix, "v0 OR v1 OR v2 OR v3") == []
    assert found(ix, "gone") == []


def test_a_failed_rebuild_leaves_the_old_index(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525"))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    failing = FailingStore(fail_at=2)
    failing.add(make_cable("08OSLO1"))
    with pytest.raises(ArchiveError):
        ix.rebuild(failing)
    assert found(ix) == ["07OSLO525"]
    assert ix.last_seq() == 1


def test_another_schema_version_is_wiped_and_rebuilt(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525"))
    SearchIndex(tmp_path / "ix").sync(store)
    state = tmp_path / "ix" / STATE_FILE
    state.write_text(json.dumps({"schema": -1, "last_seq": 1}))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.last_seq() == 0 and ix.num_docs() == 0
    assert ix.sync(store) == 1
    assert found(ix) == ["07OSLO525"]


def test_refuses_a_directory_that_is_not_an_index(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(ArchiveError, match="not a cablegram search index"):
        SearchIndex(tmp_path / "notes")
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"


def test_an_unreadable_state_file_is_an_archive_error(tmp_path: Path) -> None:
    SearchIndex(tmp_path / "ix")
    (tmp_path / "ix" / STATE_FILE).write_text("{not json")
    with pytest.raises(ArchiveError, match=STATE_FILE):
        SearchIndex(tmp_path / "ix")


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    import cablegram.archive.index as m
    from test_search_support import ListStore, make_cable
    m._BATCH = 50
    m._COMMIT_EVERY = 100
    store = ListStore()
    for n in range({n}):
        store.add(make_cable(f"07OSLO{{1000 + n}}", paragraphs=[f"Paragraph number w{{n}}."]))
    ix = m.SearchIndex({path!r})
    write = ix._write_state
    def announce(seq, store=None, portions=None):
        write(seq, store, portions)
        print("committed", seq, flush=True)
    ix._write_state = announce
    ix.sync(store)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_kill_9_during_sync_never_overstates_progress(tmp_path: Path) -> None:
    n = 3000
    path = tmp_path / "ix"
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(TESTS), n=n,
                                                                   path=str(path))],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    committed = 0
    for line in child.stdout:
        if line.startswith("committed"):
            committed = int(line.split()[1])
            if committed >= 300:
                break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert committed >= 300, "the child finished or failed before it could be killed"
    ix = SearchIndex(path)
    seq = ix.last_seq()
    assert committed <= seq < n  # killed part way, after at least one commit
    have = set(ix.ids("", OWNER))
    # every change the index claims is in it (it may hold more: replay is harmless)
    assert {f"07OSLO{1000 + k}" for k in range(seq)} <= have
    store = ListStore()
    for k in range(n):
        store.add(make_cable(f"07OSLO{1000 + k}", paragraphs=[f"Paragraph number w{k}."]))
    assert ix.sync(store) == n - seq
    assert ix.num_docs() == n
    assert [h.reference_id for h in ix.search("w2999", OWNER).results] == ["07OSLO3999"]


def test_an_index_ahead_of_its_store_is_rebuilt(tmp_path: Path) -> None:
    """The database was replaced (or restored from an older backup): the index's
    cables may not exist any more, so it starts again from the store."""
    old = ListStore()
    for n in range(3):
        old.add(make_cable(f"07OSLO{500 + n}"))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(old)
    assert ix.last_seq() == 3
    new = ListStore()
    new.add(make_cable("08OSLO1"))
    assert ix.sync(new) == 1
    assert found(ix) == ["08OSLO1"]
    assert ix.last_seq() == 1
    assert ix.sync(new) == 0


def test_a_search_sync_does_not_queue_behind_another_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While another process writes the index (an ingest indexes as it stores), a
    search reads what has been committed instead of waiting for the writer lock;
    a sync that must complete (export, reindex) still waits, then says why."""
    store = ListStore()
    store.add(make_cable("07OSLO1"))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.sync(store) == 1
    store.add(make_cable("07OSLO2"))
    writer = SearchIndex(tmp_path / "ix")._writer()  # the other writer holds the lock
    monkeypatch.setattr(index_mod, "_LOCK_WAIT", 0.4)
    assert ix.sync(store, wait=False) == 0
    assert found(ix) == ["07OSLO1"]
    with pytest.raises(ArchiveError, match="held its writer"):
        ix.sync(store)
    writer.rollback()
    del writer  # dropping the writer releases the lock
    assert ix.sync(store, wait=False) == 1
    assert found(ix) == ["07OSLO1", "07OSLO2"]
