"""Parse one-cable files in worker processes while the main process stores.

Parsing is most of the cost of an ingest, and it is pure: a worker reads a
file with ``cablegram.formats.read_paths`` and sends back its records. The
main process consumes the results *in file order* (``Pool.imap``), so the
stream, and therefore the archive (versions follow ingest order), is exactly
what a sequential read gives. Large files are never loaded whole into a
worker: a big cables.csv is read by several processes at once, each parsing
its share of the rows (:mod:`cablegram.archive.shard`); other large files
(containers, JSON lines) are streamed by the main process itself.

Results are fetched a window of files at a time, which bounds the memory of
parsed-but-not-stored cables whatever the speed of the store.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial
from itertools import islice
from typing import Any

from cablegram.archive.shard import shardable, sharded_items

# Files at least this large, or named like a multi-cable input, are streamed
# by the main process (a cables.csv of 1.7 GB must not be read whole).
INLINE_BYTES = 4 * 1024 * 1024
INLINE_SUFFIXES = (".csv", ".gz", ".zip", ".tar", ".tgz", ".bz2", ".xz", ".jsonl", ".json")
MIN_FILES = 400  # below this, starting workers costs more than it saves
WINDOW = 1024  # files in flight at most
ENV_WORKERS = "CABLEGRAM_INGEST_WORKERS"


def _inline(path: str) -> bool:
    if path.lower().endswith(INLINE_SUFFIXES):
        return True
    try:
        return os.path.getsize(path) >= INLINE_BYTES
    except OSError:
        return True  # let the main process report it


def plan(paths: list[str], workers: int | None) -> tuple[list[str] | None, int]:
    """The files in read order and the worker count; (None, 1) for a sequential read.

    ``workers=None`` decides by itself (``$CABLEGRAM_INGEST_WORKERS``, else the
    CPU count): workers are used for at least MIN_FILES one-cable files, or a
    big cables.csv. A number given is used whenever there is anything to share.
    """
    explicit = workers is not None
    if workers is None:
        env = os.environ.get(ENV_WORKERS)
        workers = int(env) if env and env.isdigit() else (os.cpu_count() or 1)
    if workers <= 1 or "-" in paths:
        return None, 1
    try:
        from cablegram.formats import _walk  # the readers' own order of a directory's files
    except ImportError:
        return None, 1
    files: list[str] = []
    for p in paths:
        files.extend(_walk(p) if os.path.isdir(p) else [p])
    small = sum(1 for f in files[: MIN_FILES * 2] if not _inline(f))
    if small >= MIN_FILES or (explicit and small) or any(shardable(f) for f in files
                                                          if _inline(f)):
        return files, workers
    return None, 1


def _quiet() -> None:
    """A worker's own errors travel back to the parent with its results; what it
    could still print after the parent died (a broken pipe) is noise."""
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker


def preparer(documents: bool, portions: bool = True) -> Callable[[Any], Any]:
    """What a reader process does to each record before sending it: its rows
    (``store.storable``), and its index document too when ``documents`` (with the
    portion fields when ``portions``: the index serves the portion policy)."""
    if documents:
        from cablegram.archive.indexdoc import storable_indexed

        return partial(storable_indexed, portions=portions)
    from cablegram.archive.store import storable

    return storable


def _read_file(path: str, prepare: Callable[[Any], Any] | None = None) -> list[Any] | None:
    """In a worker: every record of one file, each through ``prepare`` (a
    :func:`preparer`; rows only by default), or None to leave it to the main process."""
    if _inline(path):
        return None
    from cablegram.formats import read_paths

    # prepared here (JSON form, hashes, rows, index document): cheaper to send
    # than a Cable, and the main process is left with the SQL alone
    ready = prepare or preparer(False)
    return [ready(r) for r in read_paths([path])]


def parallel_items(files: list[str], workers: int, *,
                   prepare: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """Records of ``files`` in order, parsed by ``workers`` processes (and prepared
    there by ``prepare``, a picklable :func:`preparer`)."""
    from cablegram.formats import read_paths

    if sum(1 for f in files if not _inline(f)) == 0:  # only big files: no pool needed
        for path in files:
            yield from (sharded_items(path, workers, prepare=prepare) if shardable(path)
                        else read_paths([path]))
        return
    # spawn, not fork: the parent may run threads (the progress bar's refresher).
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_quiet) as pool:
        it = iter(files)
        pending: deque[tuple[list[str], Iterator[list[Any] | None]]] = deque()

        def submit() -> None:
            window = list(islice(it, WINDOW))
            if window:
                pending.append((window, pool.imap(partial(_read_file, prepare=prepare),
                                                  window, chunksize=16)))

        # two windows in flight: workers parse the next while this one is stored
        submit()
        submit()
        while pending:
            window, results = pending.popleft()
            for path, records in zip(window, results, strict=True):
                if records is not None:
                    yield from records
                elif shardable(path):
                    yield from sharded_items(path, workers, prepare=prepare)
                else:
                    yield from read_paths([path])
            submit()
