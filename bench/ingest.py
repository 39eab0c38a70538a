"""Ingest throughput and peak RSS at several sizes, next to the baselines.

Our ingest runs in a child process (``bench.ingest_child`` under ``bench.rss``)
so its peak RSS is that process's alone. Baselines over the same cables.csv,
in this process: a raw read-and-split (the I/O floor), bare SQLite FTS5 and
bare tantivy (store or index the text, nothing else).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import baselines
from bench.inputs import synthetic_csv
from bench.timing import rate, ratio

REPO = Path(__file__).resolve().parents[1]


def run_size(n: int, seed: int, work: Path, cache: Path | None = None) -> dict[str, Any]:
    csv_path, gen_s = synthetic_csv(n, seed) if cache is None else synthetic_csv(n, seed, cache)
    out: dict[str, Any] = {"cables": n, "input_bytes": csv_path.stat().st_size,
                           "generate_seconds": round(gen_s, 3) if gen_s is not None else None}
    db = work / f"archive-{n}.db"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.rss", sys.executable, "-m", "bench.ingest_child",
         str(db), str(csv_path)],
        capture_output=True, text=True, cwd=REPO, check=False)
    child: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["ours"] = child
    if "seconds" in child:
        out["ours"]["cables_per_s"] = rate(n, child["seconds"])
        out["ours"]["store_cables_per_s"] = rate(n, child["store_seconds"])
        out["ours"]["max_rss_mib"] = round(child["max_rss_kib"] / 1024, 1)
    split = baselines.read_split(csv_path)
    fts = baselines.fts5_build(csv_path, work / f"fts5-{n}.db")
    tan = baselines.tantivy_build(csv_path, work / f"tantivy-{n}")
    base = {"read_split": split, "fts5": fts, "tantivy": tan}
    for b in base.values():
        b["cables_per_s"] = rate(b["cables"], b["seconds"])
    out["baselines"] = base
    if "seconds" in child:
        ours = child["seconds"]
        out["ratios"] = {  # how many times slower than each baseline (seconds / seconds)
            "vs_read_split": ratio(ours, split["seconds"]),
            "vs_fts5": ratio(ours, fts["seconds"]),
            "vs_tantivy": ratio(ours, tan["seconds"]),
            "store_vs_fts5": ratio(child["store_seconds"], fts["seconds"]),
            "index_vs_tantivy": ratio(child["index_seconds"], tan["seconds"]),
        }
    out["paths"] = {"archive": str(db), "fts5": str(work / f"fts5-{n}.db"),
                    "tantivy": str(work / f"tantivy-{n}")}
    return out
