"""Parsing in worker processes gives exactly the archive a sequential ingest gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_archive_factory import canonical_dump, make_cable

from cablegram.archive import open_archive
from cablegram.archive.ingest import ingest_paths
from cablegram.archive.parallel import plan
from cablegram.formats import render_telegram
from cablegram.model import Level


def _telegrams(root: Path, n: int) -> Path:
    """``n`` invented telegram files; some ids repeat with new text (versions), one
    file is not a cable, and a csv-named file is left to the main process."""
    d = root / "in"
    for i in range(n):
        rid = f"07OSLO{i % (n - 10)}"  # the last ten files are new versions of the first
        c = make_cable(rid, level=list(Level)[i % 5], body=f"Paragraph of file {i}.",
                       refs=(f"07OSLO{max(i - 1, 0)}",))
        sub = d / f"{i // 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:04d}.txt").write_text(render_telegram(c), encoding="utf-8")
    (d / "00" / "zz-notes.txt").write_text("shopping list: bread, milk\n", encoding="utf-8")
    (d / "extra.csv").write_text("not,a,cables,csv\n", encoding="utf-8")
    return d


def test_plan_keeps_small_inputs_sequential(tmp_path: Path) -> None:
    d = _telegrams(tmp_path, 30)
    assert plan([str(d)], None) == (None, 1)  # too few files to pay for workers
    assert plan(["-"], 2) == (None, 1)  # stdin is read by the main process
    files, n = plan([str(d)], 2)
    assert n == 2 and files is not None and len(files) == 32
    assert files == sorted(files, key=lambda f: Path(f).relative_to(d).parts)


@pytest.mark.slow
def test_parallel_ingest_equals_sequential(tmp_path: Path) -> None:
    d = _telegrams(tmp_path, 60)
    dumps, summaries = [], []
    for workers in (1, 2):
        with open_archive(str(tmp_path / f"w{workers}.db")) as a:
            summaries.append(ingest_paths(a.store, [str(d)], workers=workers, batch=7).as_dict())
            dumps.append(canonical_dump(a))
    assert summaries[0] == summaries[1]
    assert summaries[0]["versions"] == 10 and summaries[0]["quarantined"] == 2
    assert dumps[0] == dumps[1]


def _cables_csv(path: Path, n: int) -> Path:
    """An invented cables.csv (8 columns, backslash escapes): later rows repeat ids
    with new text, one row has too few columns, one text is hardly a telegram."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, escapechar="\\", doublequote=False,
                       lineterminator="\n")
        for i in range(n):
            rid = f"08ROME{i % (n - 15)}"
            c = make_cable(rid, level=list(Level)[i % 5], refs=(f"08ROME{i // 2}",),
                           body=f'Row {i} said "hello" on {i % 7} days.')
            if i == 40:
                w.writerow([str(i + 1), "5/18/2008 14:33", rid])  # too few columns
                continue
            text = "shopping list: bread" if i == 41 else render_telegram(c)
            w.writerow([str(i + 1), "5/18/2008 14:33", rid, "Embassy Rome",
                        c.level.label, "", "", text])
    return path


@pytest.mark.slow
def test_sharded_cables_csv_equals_sequential(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from cablegram.archive import shard

    monkeypatch.setattr(shard, "SHARD_MIN_BYTES", 0)  # the size rule is checked here only
    src = _cables_csv(tmp_path / "cables.csv", 150)
    assert shard.shardable(str(src))
    dumps, summaries = [], []
    for workers in (1, 2, 3):
        with open_archive(str(tmp_path / f"s{workers}.db")) as a:
            summaries.append(ingest_paths(a.store, [str(src)], workers=workers,
                                          batch=16).as_dict())
            dumps.append(canonical_dump(a))
    assert summaries[0]["read"] == 150 and summaries[0]["versions"] == 15
    assert summaries[0]["quarantined"] == 1  # the short row
    assert summaries[0] == summaries[1] == summaries[2]
    assert dumps[0] == dumps[1] == dumps[2]


@pytest.mark.slow
def test_a_reader_process_killed_is_a_clear_error(tmp_path: Path) -> None:
    import multiprocessing
    import os
    import signal

    from cablegram.archive.shard import sharded_items
    from cablegram.errors import ArchiveError

    src = _cables_csv(tmp_path / "cables.csv", 1500)  # more than the queues hold
    stream = sharded_items(str(src), 2)
    first = next(stream)
    assert str(first.reference_id) == "08ROME0"
    (victim, *_) = multiprocessing.active_children()
    os.kill(victim.pid, signal.SIGKILL)
    with pytest.raises(ArchiveError, match="died"):
        for _ in stream:
            pass
    assert multiprocessing.active_children() == []  # the other worker is ended too
