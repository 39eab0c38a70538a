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
