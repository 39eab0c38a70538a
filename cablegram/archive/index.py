"""The tantivy search index, derived from the store's change feed.

One document per cable (its current version). The index is a cache: it can be
rebuilt from the store at any time, and it follows the store through
``store.changes_since(seq, limit)``, remembering the last change it applied in
``cablegram-index.json`` next to tantivy's files. That file is written
atomically *after* tantivy's commit, so a crash leaves the index at most
claiming to be older than it is; replaying a change is harmless (delete the id,
add the current version).

The document mapping is ``indexdoc.py``; searching is ``searching.py``.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import tantivy

from cablegram.archive.indexdoc import SCHEMA_VERSION, build_schema, cable_document
from cablegram.archive.query import ANALYZER_NAME, F, cable_analyzer
from cablegram.archive.searching import Searching
from cablegram.errors import ArchiveError
from cablegram.model import Cable

STATE_FILE = "cablegram-index.json"
STATE_FILE_TMP = "cablegram-index.tmp"
_BATCH = 2000  # changes pulled from the store per call
# Changes per tantivy commit during a sync or an ingest. By count, never by time:
# segments then come in regular sizes (a commit is 4 segments of ~5,000 cables, see
# _WRITER_HEAP), so tantivy's merges (8 segments of a size class) stay of 40,000. On
# a loaded machine, commits every 25 s made segments of every size, and a merge of
# 186,000 cables mapped 1 GB at once at 251k (measured).
_COMMIT_EVERY = 20_000
_LOCK_WAIT = 30.0  # seconds to wait for another process's index writer


def _load_malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the process already runs on
    except (OSError, AttributeError):  # not glibc: nothing to call
        return None


_MALLOC_TRIM = _load_malloc_trim()


def _give_back_memory() -> None:
    """Return the memory tantivy's threads freed to the system (glibc's malloc_trim).

    glibc keeps what a thread frees in that thread's arena for reuse; after each
    commit and merge the indexing and merge threads leave freed buffers behind, and
    the resident size of an index build crept up by ~180 MiB over 200,000 cables.
    Trimmed after each commit, it stays at what is in use (measured: 170-350 MiB
    held between commits without, 20-60 MiB with).
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


# tantivy's indexing threads. Building documents in Python is one core's work and
# the build's bottleneck, so one core is left to it: on 2 cores one indexing thread
# built 20k cables 5-8% faster than two (measured, 3 alternating pairs), and the
# index has fewer segments.
_WRITER_THREADS = max(1, min(4, (os.cpu_count() or 2) - 1))
# The writer's memory per indexing thread. It sets the size of the segments it writes
# (~5,000 synthetic cables at 32 MB), and so of tantivy's merges (8 segments of a size
# class at a time), whose reads of the merged segments (memory-mapped) count as
# resident memory: with 128 MB (~20,000 cables a segment) the merge of 8 x 20,000 at
# 160,000 cables took 914 MiB of mapped files at once, most of a 1.4 GB peak; at 32 MB
# the merges are of 40,000 cables (~250 MiB), and the next size class (320,000) is
# beyond a Cablegate-sized corpus. Indexing costs ~5% more CPU (merges of smaller
# segments). Measured figures: docs/archive.md.
_WRITER_HEAP = 32_000_000 * _WRITER_THREADS


@contextmanager
def _held(writer: tantivy.IndexWriter) -> Iterator[tantivy.IndexWriter]:
    """Use ``writer`` for one sync: what was not committed is rolled back on any
    error; its merges are waited for and their memory given back in any case."""
    try:
        yield writer
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()
        _give_back_memory()


class ChangeFeed(Protocol):
    """What the index needs from the store (the store engineer's contract)."""

    def changes_since(self, seq: int, limit: int) -> Sequence[tuple[int, str, Cable | None]]:
        """Changes with a sequence number above ``seq``, oldest first, at most ``limit``."""
        ...

    def max_seq(self) -> int: ...

    def identity(self) -> str:
        """The archive's id: the same for a copy of the store, another for another store."""
        ...


class SearchIndex(Searching):
    """A tantivy index directory that follows an archive store."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.schema = build_schema()
        self._write_lock = threading.Lock()
        self._meta_mtime = 0.0
        self._open()

    # --- opening and state ---------------------------------------------------------

    def _open(self) -> None:
        state = self._read_state()
        if state is not None and state.get("schema") != SCHEMA_VERSION:
            self._wipe()  # another schema: rebuilt from the store on the next sync
            state = None
        if state is None:
            # (a state file being written by a process opening it at the same time is fine)
            if self.path.exists() and any(p.name != STATE_FILE_TMP for p in self.path.iterdir()):
                raise ArchiveError(f"{self.path} is not empty and is not a cablegram search "
                                   f"index (no {STATE_FILE}); choose another index directory")
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_state(0, None, portions=False)
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"cannot open the search index at {self.path}: {exc}; "
                               f"remove the directory and run `cablegram reindex`") from exc
        self.index.register_tokenizer(ANALYZER_NAME, cable_analyzer())

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            if child.is_file() or child.is_symlink():
                child.unlink()

    def _read_state(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.path / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"cannot read {self.path / STATE_FILE}: {exc}") from exc
        if not isinstance(data, dict):
            raise ArchiveError(f"{self.path / STATE_FILE} is not an index state object")
        return data

    def _write_state(self, seq: int, store: str | None, portions: bool) -> None:
        """Write the state file atomically: temporary file, fsync, rename, fsync dir.

        ``store``: the identity of the archive the index follows (None: none yet).
        ``portions``: whether its documents carry the portion fields.
        """
        target = self.path / STATE_FILE
        tmp = self.path / STATE_FILE_TMP
        state: dict[str, Any] = {"schema": SCHEMA_VERSION, "last_seq": seq,
                                 "portions": portions}
        if store is not None:
            state["store"] = store
        payload = json.dumps(state).encode()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dfd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def last_seq(self) -> int:
        """The store change up to which the index is known to be complete."""
        return _last_seq(self._read_state())

    def portions(self) -> bool:
        """Do the index's documents carry the portion fields (``portions.add_body``)?

        Only a search under the portion policy reads them, and indexing them is
        a third of tantivy's work in an ingest (81% of synthetic cables have a
        paragraph below their level; measured: 13% of the ingest process's CPU),
        so a new index goes without them, and the first portion search rebuilds
        it with them (:meth:`sync` with ``portions``); from then on it keeps them.
        An index written before the mode was recorded has them.
        """
        return _portions(self._read_state())

    def stands_at(self, seq: int, store: ChangeFeed, portions: bool) -> bool:
        """Is the index exactly at change ``seq`` of ``store``, in mode ``portions``
        (one read of the state file)?"""
        state = self._read_state()
        return (_last_seq(state) == seq and _follows(state, store)
                and _portions(state) == portions)

    # --- writing -------------------------------------------------------------------

    def _writer(self) -> tantivy.IndexWriter:
        writer = self._try_writer(_LOCK_WAIT)
        if writer is None:
            raise ArchiveError(f"cannot write the search index at {self.path}: another "
                               f"process has held its writer for {_LOCK_WAIT:.0f} s")
        return writer

    def _try_writer(self, wait: float) -> tantivy.IndexWriter | None:
        """The index writer; None when another process holds it for ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return self.index.writer(heap_size=_WRITER_HEAP, num_threads=_WRITER_THREADS)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise ArchiveError(f"cannot write the search index at {self.path}: "
                                       f"{exc}") from exc
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.2)

    def _apply(self, writer: tantivy.IndexWriter,
               changes: Sequence[tuple[int, str, Cable | None]], portions: bool,
               fresh: set[str] | None = None) -> int:
        """Index ``changes``; return the highest sequence number. ``fresh``: the
        ids indexed so far into an emptied index (a rebuild), which alone can
        have a document to replace."""
        seq = 0
        for s, rid, cable in changes:
            if fresh is None or rid in fresh:
                writer.delete_documents_by_term(F.ID, rid)
            elif cable is not None:
                fresh.add(rid)
            if cable is not None:
                try:
                    writer.add_document(cable_document(rid, cable, portions))
                except (ValueError, OverflowError) as exc:
                    raise ArchiveError(f"cannot index cable {rid} (change {s}): {exc}") from exc
            seq = max(seq, s)
        return seq

    def sync(self, store: ChangeFeed, *, wait: bool = True, portions: bool = False) -> int:
        """Apply the store's changes since :meth:`last_seq`; return how many were applied.

        Cheap when there is nothing new (one read of the state file, two small
        store queries): the archive calls it before every search. An index
        ahead of its store (the database was replaced, or restored from an older
        backup) holds cables the store may not have: it is rebuilt, and the
        number of cables indexed is returned.

        ``wait=False`` (a search): when another process holds the index writer
        (an ingest, which indexes as it stores), do not queue behind it for up
        to a commit's worth of cables; it is bringing the index up to date, and
        the search reads what it has committed so far.

        ``portions``: the caller will search under the portion policy; an index
        without the portion fields is rebuilt with them (see :meth:`portions`).
        """
        with self._write_lock:
            state = self._read_state()
            have = _portions(state)
            if not _follows(state, store) or (portions and not have):
                # another archive's index (never trusted), or one without the fields
                # a portion search reads
                return self._rebuild(store, portions=have or portions)
            seq = _last_seq(state)
            changes = store.changes_since(seq, _BATCH)
            if not changes:
                if seq and store.max_seq() < seq:
                    return self._rebuild(store)
                return 0
            writer = self._writer() if wait else self._try_writer(0.0)
            if writer is None:
                return 0  # another process is writing: read what it has committed
            applied = pending = 0
            with _held(writer):
                state = self._read_state()
                if (fresh := _last_seq(state)) != seq:
                    # Another process synced while we waited for the writer lock.
                    seq = fresh
                    changes = store.changes_since(seq, _BATCH)
                have = _portions(state)  # (or rebuilt it with the portion fields)
                while changes:
                    seq = max(seq, self._apply(writer, changes, have))
                    applied += len(changes)
                    pending += len(changes)
                    if pending >= _COMMIT_EVERY:
                        writer.commit()
                        self._write_state(seq, store.identity(), have)
                        pending = 0
                    changes = store.changes_since(seq, _BATCH)
                if pending:
                    writer.commit()
                    self._write_state(seq, store.identity(), have)
            if applied:
                self.index.reload()
            return applied

    def feed(self, store: ChangeFeed) -> IngestFeed:
        """An :class:`IngestFeed` for an ingest into ``store``, whose documents are built
        in the index's present mode (:meth:`portions`)."""
        return IngestFeed(self, store, self.portions())

    def rebuild(self, store: ChangeFeed, portions: bool | None = None) -> int:
        """Index the store from scratch in one commit; return the number of cables indexed.

        Searches see the old index until the commit, never a half-built one.
        ``portions``: with or without the portion fields (None: as now).
        """
        with self._write_lock:
            return self._rebuild(store, portions)

    def _rebuild(self, store: ChangeFeed, portions: bool | None = None) -> int:
        """The body of :meth:`rebuild`; the caller holds the write lock."""
        mode = self.portions() if portions is None else portions
        writer = self._writer()
        seq = 0
        with _held(writer):
            writer.delete_all_documents()
            # After delete_all_documents a delete is needed only for an id indexed
            # earlier in this rebuild (a later version): tantivy keeps every delete
            # until the commit, and applies each to the segments before it.
            fresh: set[str] = set()
            while changes := store.changes_since(seq, _BATCH):
                seq = max(seq, self._apply(writer, changes, mode, fresh))
            writer.commit()
            self._write_state(seq, store.identity(), mode)
        self.index.reload()
        return int(self.index.searcher().num_docs)

    # --- reading -------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        # Another process (the ingesting command) may have committed: reload then.
        try:
            mtime = (self.path / "meta.json").stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._meta_mtime:
            self._meta_mtime = mtime
            self.index.reload()
        return self.index.searcher()

    def close(self) -> None:
        """Nothing to release: writers are opened and closed per sync."""

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _portions(state: dict[str, Any] | None) -> bool:
    """The mode of an index in ``state`` (see :meth:`SearchIndex.portions`)."""
    return bool(state.get("portions", True)) if state else False


def _last_seq(state: dict[str, Any] | None) -> int:
    return int(state.get("last_seq", 0)) if state else 0


def _follows(state: dict[str, Any] | None, store: ChangeFeed) -> bool:
    """Was an index in ``state`` built from ``store`` (or from nothing yet)?

    A change number says how far the index got, not in which archive: a
    database replaced by another with as many changes or more would otherwise
    pass for the one the index was built from. An index written before it
    recorded its archive is taken as following the store; the next state it
    writes names it.
    """
    return state is None or state.get("store") in (None, store.identity())


class IngestFeed:
    """The index kept in step with an ingest, without reading its cables back.

    The ingest hands over each batch the store has just committed: the change
    number of its first change and, in change order, the reference id and
    document (``indexdoc.document_json``, built where the cable was parsed) of
    each. Applied to the writer, they are exactly what :meth:`SearchIndex.sync`
    would apply for those changes (delete the id, add its version; the last
    version of an id in a batch is its current one), so the protocol of the
    state file is unchanged: a commit, then ``last_seq``.

    They are applied only where the index stands exactly before the batch.
    Otherwise (the index lagged before the ingest, another process wrote to
    the store or synced the index in between) the change feed is the
    authority: a :meth:`SearchIndex.sync`, which also covers the batch, and
    the next batches go direct again. The writer (and tantivy's lock) is held
    for ``_COMMIT_EVERY`` changes at most: another process's search does not
    wait for it (it reads the last commit), and an export or reindex waits for
    one commit, not for the whole ingest.

    A failure here never fails the ingest, whose archive is the store: the
    uncommitted documents are dropped, and the next sync (every search runs
    one) meets the same cables through the change feed.
    """

    def __init__(self, index: SearchIndex, store: ChangeFeed, portions: bool) -> None:
        self.index = index
        self.store = store
        self.portions = portions  # the documents carry the portion fields
        self.writer: tantivy.IndexWriter | None = None
        self.seq = 0  # the last change applied to the writer while it is held
        self.pending = 0
        self.committed = 0  # changes committed to the index by this feed
        self.failed: BaseException | None = None

    def add(self, first_seq: int, docs: Sequence[tuple[str, str | None, bool]]) -> None:
        """Index changes ``first_seq``, ``first_seq + 1``, ... (committed to the store);
        a document None (a cable that came without one) is read from the change feed.

        Each is (reference id, document, new): a new id was in neither the store nor,
        as the index stands just before the batch, the index, so it has no older
        version to delete (a delete costs a term lookup in every segment at the
        commit: ~4% of the index's CPU in an ingest of new cables, measured).
        """
        if not docs or self.failed is not None:
            return
        try:
            if self.writer is None and not self._open(first_seq):
                return
            assert self.writer is not None
            ready = [(rid, doc, new) for rid, doc, new in docs if doc is not None]
            if self.seq != first_seq - 1 or len(ready) != len(docs):
                self._commit()  # what is applied so far, then the change feed
                self._catch_up()
                return
            for rid, doc, new in ready:
                if not new:
                    self.writer.delete_documents_by_term(F.ID, rid)
                self.writer.add_json(doc)
            self.seq = first_seq + len(docs) - 1
            self.pending += len(docs)
            if self.pending >= _COMMIT_EVERY:
                self._commit()
        except Exception as exc:  # the index is derived; the store is the truth
            self.abort(exc)

    def close(self) -> None:
        """Commit what is applied (the ingest ended normally)."""
        try:
            self._commit()
        except Exception as exc:  # as in add()
            self.abort(exc)
        if self.committed:
            self.index.index.reload()

    def abort(self, exc: BaseException | None = None) -> None:
        """Drop what is not committed and stop feeding (the ingest failed, or the index)."""
        self.failed = exc or self.failed or ArchiveError("ingest stopped")
        if self.writer is not None:
            writer, self.writer = self.writer, None
            try:
                writer.rollback()
                writer.wait_merging_threads()
            finally:
                self.index._write_lock.release()

    def _open(self, first_seq: int) -> bool:
        """Take the writer if the index stands just before ``first_seq``, else catch up."""
        self.index._write_lock.acquire()
        try:
            if not self.index.stands_at(first_seq - 1, self.store, self.portions):
                self.index._write_lock.release()
                self._catch_up()
                return False
            self.writer = self.index._writer()
        except BaseException:
            self.index._write_lock.release()
            raise
        self.seq = first_seq - 1
        if not self.index.stands_at(self.seq, self.store, self.portions):
            # another process committed (or rebuilt the index) while we waited
            self._commit()
            self._catch_up()
            return False
        return True

    def _commit(self) -> None:
        """Commit, record ``last_seq``, and let go of the writer."""
        if self.writer is None:
            return
        writer, self.writer = self.writer, None
        try:
            if self.pending:
                writer.commit()
                self.index._write_state(self.seq, self.store.identity(), self.portions)
                self.committed += self.pending
                self.pending = 0
        except BaseException:
            writer.rollback()
            raise
        finally:
            try:
                writer.wait_merging_threads()
                _give_back_memory()
            finally:
                self.index._write_lock.release()

    def _catch_up(self) -> None:
        self.index.sync(self.store)


__all__ = ["SCHEMA_VERSION", "STATE_FILE", "ChangeFeed", "IngestFeed", "SearchIndex"]
