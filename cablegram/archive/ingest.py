"""Ingest: stream readers' output into the store in batches, with a progress bar.

Readers (``cablegram.formats.read_paths``) yield a :class:`Cable` or an
``Unreadable`` per input record; this module counts them, batches them into
transactions of :data:`BATCH` items (one commit per batch, never per cable)
and quarantines what cannot be stored: unreadable input and cables without a
reference id (T2). Memory stays flat: one batch is held at a time.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from cablegram.archive.api import IngestSummary
from cablegram.archive.store import Prepared, SqlStore, Storable
from cablegram.errors import ArchiveError

BATCH = 1000  # cables per transaction: large enough to amortise the commit
# Batches gathered ahead of the writer at most: bounds memory (~30 MB a batch of
# cables.csv rows) while the reader processes keep parsing during a commit.
QUEUED = 2

# Inputs that may hold many cables each: their count is unknown up front.
_MULTI_SUFFIXES = (".csv", ".gz", ".zip", ".tar", ".tgz", ".bz2", ".xz")
_TICK = 25  # items between progress updates


class Feed(Protocol):
    """Where an ingest sends the index documents of what it stored
    (:class:`cablegram.archive.index.IngestFeed`)."""

    # Whether the documents the feed takes carry the portion fields (the index's mode).
    portions: bool

    def add(self, first_seq: int, docs: list[tuple[str, str | None, bool]]) -> None: ...

    def close(self) -> None: ...

    def abort(self, exc: BaseException | None = None) -> None: ...


def read_items(paths: Iterable[str], workers: int | None = None, *,
               prepare: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """The readers' stream over ``paths`` (files, directories, ``-``, containers).

    With many one-cable files and more than one CPU, files are parsed in worker
    processes (:mod:`cablegram.archive.parallel`); the stream is the same, in
    the same order, either way. ``prepare`` (:func:`prepare_for`): what the
    workers do to each record before sending it (their items are then Prepared).
    """
    try:
        from cablegram.formats import read_paths
    except ImportError as exc:
        raise ArchiveError("no cable readers are available (cablegram.formats.read_paths "
                           "is missing); cannot ingest files") from exc
    paths = list(paths)
    from cablegram.archive.parallel import parallel_items, plan

    files, n = plan(paths, workers)
    if files is not None and n > 1:
        return parallel_items(files, n, prepare=prepare)
    return iter(read_paths(paths))


def count_inputs(paths: Iterable[str]) -> int | None:
    """Files under ``paths`` when each file holds one cable; None when unknown
    (stdin, a cables.csv or a container: their number of cables is not known)."""
    total = 0
    for p in paths:
        if p == "-" or p.lower().endswith(_MULTI_SUFFIXES):
            return None
        path = Path(p)
        if path.is_dir():
            for _root, _dirs, files in os.walk(path):
                for f in files:
                    if f.lower().endswith(_MULTI_SUFFIXES):
                        return None
                    total += not f.startswith(".")
        elif path.exists():
            total += 1
    return total


class RateColumn(ProgressColumn):
    """Cables per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


def _tally(summary: IngestSummary, outcomes: list[str]) -> None:
    for outcome in outcomes:
        summary.read += 1
        if outcome == "new":
            summary.new += 1
        elif outcome == "unchanged":
            summary.unchanged += 1
        elif outcome == "version":
            summary.versions += 1
        else:
            summary.quarantined += 1


class _Writer:
    """Stores batches, in order, in a thread of its own.

    While one batch is written (sqlite3 and psycopg release the GIL inside the
    database), this thread goes on gathering the next from the reader
    processes; without it, readers stalled on a full pipe for every commit.
    Batches are still written one at a time, in order, one transaction each, so
    the archive and its crash safety are exactly those of a plain loop.
    """

    def __init__(self, store: SqlStore, summary: IngestSummary, feed: Feed | None) -> None:
        self.store = store
        self.summary = summary
        self.feed = feed
        self.queue: queue.Queue[list[Storable] | None] = queue.Queue(maxsize=QUEUED)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # a batch failed: store nothing after it, drain until the end
            try:
                outcomes, first_seq = self.store.write_changes(batch)
                _tally(self.summary, outcomes)
                if self.feed is not None:  # after the commit: the index follows the store
                    self.feed.add(first_seq, _changed(batch, outcomes))
            except BaseException as exc:  # handed to the gathering thread
                self.error = exc
        if self.feed is not None:
            if self.error is None:
                self.feed.close()
            else:
                self.feed.abort(self.error)

    def put(self, batch: list[Storable]) -> None:
        while True:
            self._check()
            try:
                self.queue.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Write what is queued (as a plain loop would have), then stop."""
        while self.thread.is_alive():
            try:
                self.queue.put(None, timeout=0.5)
                break
            except queue.Full:
                continue
        self.thread.join()
        self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error


def _changed(batch: list[Storable], outcomes: list[str]
             ) -> list[tuple[str, str | None, bool]]:
    """(reference id, index document or None, new) of each item that made a change,
    in change order (one change number each); ``new``: the id was not in the store."""
    return [(it.reference_id, it.document, outcome == "new")
            for it, outcome in zip(batch, outcomes, strict=True)
            if outcome in ("new", "version") and isinstance(it, Prepared)]


def prepare_for(feed: Feed | None) -> Callable[[Any], Any]:
    """What each record goes through before it is stored: its rows, and with a
    ``feed`` its index document too, in the index's mode (``parallel.preparer``)."""
    from cablegram.archive.parallel import preparer

    return preparer(documents=feed is not None, portions=feed is None or feed.portions)


def ingest_items(store: SqlStore, items: Iterable[Any], *, batch: int = BATCH,
                 feed: Feed | None = None) -> IngestSummary:
    """Store a stream of reader items; return the tally (read = the other four summed).

    ``feed``: the search index, given each batch's documents once the batch is
    committed (items that are Cables get theirs built here).
    """
    summary = IngestSummary()
    writer = _Writer(store, summary, feed)
    ready = prepare_for(feed)  # what a reader process would do
    pending: list[Storable] = []
    try:
        for item in items:
            pending.append(ready(item))
            if len(pending) >= batch:
                writer.put(pending)
                pending = []
        if pending:
            writer.put(pending)
    finally:
        writer.close()  # a reader error after full batches: those are stored first
    return summary


def ingest_paths(store: SqlStore, paths: Iterable[str], *, progress: bool = False,
                 batch: int = BATCH, workers: int | None = None,
                 feed: Feed | None = None) -> IngestSummary:
    """Read ``paths`` and store every cable; show a progress bar on a terminal.

    ``workers``: reader processes (None: automatic, see ``parallel.plan``).
    ``feed``: index what is stored as it is stored (see :func:`ingest_items`).
    """
    paths = list(paths)
    items = read_items(paths, workers, prepare=prepare_for(feed))
    console = Console(stderr=True)
    if not progress or not console.is_terminal:
        return ingest_items(store, items, batch=batch, feed=feed)
    total = count_inputs(paths)
    columns: list[Any] = [SpinnerColumn(), TextColumn("ingest"), MofNCompleteColumn(),
                          RateColumn()]
    if total is not None:
        columns += [BarColumn(), TaskProgressColumn(), TimeRemainingColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("ingest", total=total)

        def counted() -> Iterator[Any]:
            # advance as items are read (not as batches commit), a few times a second
            n = 0
            for n, it in enumerate(items, 1):
                if n % _TICK == 0:
                    bar.update(task, completed=n)
                yield it
            bar.update(task, completed=n)

        return ingest_items(store, counted(), batch=batch, feed=feed)
