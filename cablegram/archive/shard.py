"""Read one big cables.csv with several processes, as exactly one process would.

Every worker runs the readers' own pipeline (``cablegram.formats.read_paths``)
over the whole file, so splitting rows, decoding and error handling are the
readers' and nothing is re-implemented here. Record ``i`` belongs to worker
``i % n``: inside a worker, only the rows of the records it owns are turned
into cables (parsing the telegram is the expensive part); every other row is
split and answered with a cheap placeholder, which that worker then drops. The main process takes
record 0 from worker 0, record 1 from worker 1, ... and checks every index,
so the stream is the sequential one, in order; should the workers ever
disagree (a reader whose count of records depended on what the parser
returned), the ingest stops with an error instead of storing a wrong stream.

Each worker writes to its own one-way pipe, whose write end only the worker
holds: a slow store holds the workers back (a full pipe blocks the sender, so
memory stays flat), and a worker that dies, even half-way through a message,
ends its pipe, which the main process sees at once instead of waiting forever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from cablegram.errors import ArchiveError

BATCH = 64  # records per message from a worker
SHARD_MIN_BYTES = 8 * 1024 * 1024  # smaller files are not worth the workers
_TIMEOUT = 600.0  # seconds without a message from a live worker: it is stuck
_POLL = 1.0  # seconds per wait for a message (a dead worker ends its pipe at once)


def shardable(path: str) -> bool:
    """A plain (uncompressed) cables.csv big enough to share among workers."""
    try:
        if os.path.getsize(path) < SHARD_MIN_BYTES:
            return False
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False
    from cablegram.formats import detect
    from cablegram.formats.containers import sniff_container

    return not sniff_container(head) and detect(head, path) == "cables-csv"


def _worker(path: str, k: int, n: int, out: Any,
            prepare: Callable[[Any], Any] | None = None) -> None:
    """In worker ``k`` of ``n``: send ``(index, record)`` for records with index % n == k."""
    import cablegram.formats as formats

    # errors travel to the main process through the pipe; whatever else a worker
    # could print (a Ctrl-C shared with the parent) is noise
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    from cablegram.archive.parallel import preparer

    storable = prepare or preparer(False)

    batch: list[tuple[int, Any]] = []
    try:
        # The reader turns only this worker's rows into cables (the others are split,
        # so every worker numbers the records alike, and yielded as a placeholder).
        i = -1
        for i, record in enumerate(formats.read_paths([path], shard=(k, n))):
            if i % n == k:
                # prepared here: cheaper to send than a Cable, and the main
                # process is left with the SQL alone
                batch.append((i, storable(record)))
                if len(batch) >= BATCH:
                    out.send(("records", batch))
                    batch = []
        out.send(("records", batch))
        out.send(("end", i + 1))
    except (BrokenPipeError, EOFError):
        pass  # the main process stopped reading: nothing more to do
    except BaseException as exc:  # report, never hang the parent
        with contextlib.suppress(OSError):  # unless it is gone already (Ctrl-C)
            out.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()


def sharded_items(path: str, n: int, *,
                  prepare: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """The records of ``path`` in order, parsed by ``n`` worker processes and prepared
    there by ``prepare`` (a picklable ``parallel.preparer``; rows only by default)."""
    ctx = multiprocessing.get_context("spawn")  # the parent may run threads
    pipes = [ctx.Pipe(duplex=False) for _ in range(n)]  # (read end, write end)
    procs = [ctx.Process(target=_worker, args=(path, k, n, pipes[k][1], prepare), daemon=True)
             for k in range(n)]
    for p, (_, w) in zip(procs, pipes, strict=True):
        p.start()
        w.close()  # only the worker holds the write end: its death ends the pipe
    queues = [r for r, _ in pipes]
    buffers: list[deque[tuple[int, Any]]] = [deque() for _ in range(n)]
    ends: list[int | None] = [None] * n
    try:
        expected = 0
        while True:
            k = expected % n
            while not buffers[k] and ends[k] is None:
                _receive(queues[k], procs[k], k, buffers, ends, path)
            if not buffers[k]:
                break  # worker k has no record ``expected``: the stream is over
            i, record = buffers[k].popleft()
            if i != expected:
                raise _desync(path, f"worker {k} sent record {i} where {expected} was due")
            yield record
            expected += 1
        for j in range(n):  # every worker must have seen the same number of records
            while ends[j] is None:
                _receive(queues[j], procs[j], j, buffers, ends, path)
            if ends[j] != expected or buffers[j]:
                raise _desync(path, f"worker {j} counted {ends[j]} records, not {expected}")
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
        for q in queues:
            q.close()


def _receive(conn: Any, proc: Any, k: int, buffers: list[deque[tuple[int, Any]]],
             ends: list[int | None], path: str) -> None:
    waited = 0.0
    try:
        while not conn.poll(_POLL):
            waited += _POLL
            if waited >= _TIMEOUT:
                raise ArchiveError(f"reading {path}: reader process {k} sent nothing for "
                                   f"{_TIMEOUT:.0f} s; retry with CABLEGRAM_INGEST_WORKERS=1")
        kind, payload = conn.recv()
    except (EOFError, OSError):
        proc.join(5)
        raise ArchiveError(f"reading {path}: reader process {k} died (exit code "
                           f"{proc.exitcode}); retry with CABLEGRAM_INGEST_WORKERS=1") from None
    if kind == "records":
        buffers[k].extend(payload)
    elif kind == "end":
        ends[k] = int(payload)
    else:
        raise ArchiveError(f"reading {path}: reader process {k} failed: {payload}")


def _desync(path: str, detail: str) -> ArchiveError:
    return ArchiveError(f"reading {path} in parallel went wrong ({detail}); the batches "
                        f"stored so far are kept: run again with CABLEGRAM_INGEST_WORKERS=1")
