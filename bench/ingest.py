"""Ingest throughput and peak RSS at several sizes and backends, next to the baselines.

Our ingest runs in a child process (``bench.ingest_child`` under ``bench.rss``)
so its peak RSS is that process's alone; with PostgreSQL the server's own
process is reported beside it. Baselines over the same cables.csv, in this
process, once per size and shared by every backend's row: a raw
read-and-split (the I/O floor), bare SQLite FTS5 and bare tantivy (store or
index the text, nothing else).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import backends, baselines
from bench.inputs import synthetic_csv
from bench.timing import rate, ratio

REPO = Path(__file__).resolve().parents[1]


def run_size(n: int, seed: int, work: Path, cache: Path | None = None,
             on: tuple[str, ...] = (backends.SQLITE,),
             skip: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per backend in ``on``; ``skip`` maps a backend to why it is not run."""
    csv_path, gen_s = synthetic_csv(n, seed) if cache is None else synthetic_csv(n, seed, cache)
    common: dict[str, Any] = {"cables": n, "input_bytes": csv_path.stat().st_size,
                              "generate_seconds": round(gen_s, 3) if gen_s is not None else None}
    rows: list[dict[str, Any]] = []
    for backend in on:
        row: dict[str, Any] = {**common, "backend": backend}
        rows.append(row)
        if skip and backend in skip:
            row["ours"] = {"skipped": skip[backend]}
            continue
        try:
            t = backends.new_target(backend, n, work)
        except Exception as exc:  # a server that fails here fails this row, not the run
            row["ours"] = {"error": f"cannot create the archive: {exc}"}
            continue
        row["paths"] = dict(t)
        row["ours"] = _ours(t, csv_path, n)
    split = baselines.read_split(csv_path)
    fts = baselines.fts5_build(csv_path, work / f"fts5-{n}.db")
    tan = baselines.tantivy_build(csv_path, work / f"tantivy-{n}")
    base = {"read_split": split, "fts5": fts, "tantivy": tan}
    for b in base.values():
        b["cables_per_s"] = rate(b["cables"], b["seconds"])
    by_backend = {r["backend"]: r for r in rows}
    for row in rows:
        row["baselines"] = base
        row.setdefault("paths", {}).update(
            {"fts5": str(work / f"fts5-{n}.db"), "tantivy": str(work / f"tantivy-{n}")})
        o = row["ours"]
        if "seconds" not in o:
            continue
        row["ratios"] = {  # how many times slower than each baseline (seconds / seconds)
            "vs_read_split": ratio(o["seconds"], split["seconds"]),
            "vs_fts5": ratio(o["seconds"], fts["seconds"]),
            "vs_tantivy": ratio(o["seconds"], tan["seconds"]),
        }
        lite = by_backend.get(backends.SQLITE, {}).get("ours", {})
        if row["backend"] != backends.SQLITE and "seconds" in lite:
            row["ratios"]["vs_sqlite"] = ratio(o["seconds"], lite["seconds"])
    return rows


def _ours(t: dict[str, str], csv_path: Path, n: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.rss", sys.executable, "-m", "bench.ingest_child",
         t["archive"], str(csv_path)],
        capture_output=True, text=True, cwd=REPO, check=False, env=backends.child_env(t))
    try:
        child: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {"error": (proc.stderr or proc.stdout)[-2000:]}
    if "seconds" in child:
        child["cables_per_s"] = rate(n, child["seconds"])
        child["store_cables_per_s"] = rate(n, child["store_seconds"])
        child["max_rss_mib"] = round(child["max_rss_kib"] / 1024, 1)
        if child.get("max_anon_kib") is not None:
            child["max_anon_mib"] = round(child["max_anon_kib"] / 1024, 1)
        if child.get("server_max_rss_kib") is not None:
            child["server_max_rss_mib"] = round(child["server_max_rss_kib"] / 1024, 1)
    return child
