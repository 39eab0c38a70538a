"""An ingest killed with SIGKILL at any moment, then run again, ends with the same archive.

A generated corpus (invented cables in the JSON form, with later versions of
some ids and a few unreadable lines) is ingested once without interruption.
Then a real subprocess ingests it into a second archive and is killed with
``kill -9`` at several random moments; a last run completes. The canonical
dumps (ids, versions, hashes, current flags, references, quarantine) must be
equal. Batches are one transaction each, so every kill leaves a committed
prefix, and (reference_id, content_hash) uniqueness makes re-reading it a no-op.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_archive_factory import canonical_dump, make_cable, pg_database, write_jsonl

from cablegram.archive import open_archive
from cablegram.archive.ingest import ingest_paths
from cablegram.model import Level

pytestmark = pytest.mark.slow

FILES, PER_FILE = 24, 100
BATCH = 150  # small batches: many commits, so kills land before, inside and after them
KILLS = 5

_RUN = """
import sys
from cablegram.archive import open_archive
from cablegram.archive.ingest import ingest_paths
with open_archive(sys.argv[1]) as a:
    ingest_paths(a.store, [sys.argv[2]], batch=int(sys.argv[3]))
"""


def _generate(root: Path) -> Path:
    """Invented cables; from file 12 on, some ids come back with a new text."""
    rnd = random.Random(525)
    corpus = root / "corpus"
    corpus.mkdir()
    for f in range(FILES):
        items: list[Any] = []
        for i in range(PER_FILE):
            n = f * PER_FILE + i
            if f >= FILES // 2 and i % 10 == 0:
                n = rnd.randrange(0, FILES // 2 * PER_FILE)  # a new version of an earlier id
                items.append(make_cable(f"08CRASH{n}", body=f"revised in file {f} row {i}"))
                continue
            level = rnd.choice(list(Level))
            refs = (f"08CRASH{rnd.randrange(0, n + 1)}",) if n % 3 == 0 else ()
            items.append(make_cable(f"08CRASH{n}", level=level, refs=refs,
                                    body=f"Invented paragraph {n}: " + "lorem " * 40))
        if f % 5 == 0:
            items.append(f"garbage line in file {f}")
        write_jsonl(corpus / f"part{f:03d}.jsonl", items)
    return corpus


def _run(url: str, corpus: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", _RUN, url, str(corpus), str(BATCH)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _crash_and_recover(url: str, corpus: Path, total: int,
                       seed: int) -> tuple[dict[str, Any], list[int]]:
    """Kill KILLS runs, then finish; return the final dump and the rows each kill left.

    Wall-clock delays alone mostly land before the first commit or after the
    last one on a loaded machine, so each run is killed at a random moment
    *after* the archive reaches a random row count (sorted targets: every run
    gets further), plus a random few milliseconds to land inside a batch.
    """
    rnd = random.Random(seed)
    left: list[int] = []
    with open_archive(url):  # the schema exists, so the parent can watch the count
        pass
    for target in sorted(rnd.sample(range(total), KILLS)):
        proc = _run(url, corpus)
        with open_archive(url) as watch:
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if int(watch.db.query("SELECT COUNT(*) FROM cables")[0][0]) >= target:
                    break
                time.sleep(0.003)
        time.sleep(rnd.uniform(0.0, 0.05))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with open_archive(url) as a:  # the archive opens after every kill
            left.append(int(a.db.query("SELECT COUNT(*) FROM cables")[0][0]))
    final = _run(url, corpus)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    with open_archive(url) as a:
        return canonical_dump(a), left


def _reference(url: str, corpus: Path) -> dict[str, Any]:
    with open_archive(url) as a:
        ingest_paths(a.store, [str(corpus)], batch=BATCH)
        return canonical_dump(a)


def test_sigkill_during_sqlite_ingest(tmp_path: Path) -> None:
    corpus = _generate(tmp_path)
    expected = _reference(f"sqlite:///{tmp_path / 'reference.db'}", corpus)
    total = len(expected["cables"])
    assert total > FILES * PER_FILE * 0.9
    assert any(v > 1 for _, v, *_ in expected["cables"])
    assert len(expected["quarantine"]) == (FILES + 4) // 5
    seed = random.randrange(1 << 30)
    got, left = _crash_and_recover(f"sqlite:///{tmp_path / 'crashed.db'}", corpus, total,
                                   seed)
    assert got == expected, f"archives differ after kills (seed {seed}, rows left {left})"
    # the kills must have hit a run in the middle, not only before or after it
    assert any(0 < n < len(expected["cables"]) for n in left), left


@pytest.mark.postgres
def test_sigkill_during_postgres_ingest(tmp_path: Path) -> None:
    corpus = _generate(tmp_path)
    expected = _reference(f"sqlite:///{tmp_path / 'reference.db'}", corpus)
    seed = random.randrange(1 << 30)
    for url in pg_database():
        got, left = _crash_and_recover(url, corpus, len(expected["cables"]), seed)
        assert got == expected, f"archives differ after kills (seed {seed}, rows left {left})"
