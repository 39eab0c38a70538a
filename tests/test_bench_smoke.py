"""`python -m bench.run --smoke` runs end to end and writes the expected results.

Benchmarks are not tests: this only checks the harness works (CI runs
`make bench-smoke`), never a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bench_smoke_writes_results_and_report(tmp_path: Path) -> None:
    out, md = tmp_path / "results.json", tmp_path / "benchmarks.md"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--sizes", "120", "--json", str(out),
         "--markdown", str(md), "--work", str(tmp_path / "work"),
         "--cache", str(tmp_path / "cache")],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(out.read_text())
    assert {"date", "command", "machine", "parse", "ingest", "search", "web",
            "messaging"} <= set(r)
    assert r["smoke"] is True and "--smoke" in r["command"]
    m = r["machine"]
    assert m["cores"] >= 1 and m["python"] and "tantivy" in m["libraries"]
    assert r["parse"]["telegram"]["cables_per_s"] > 0
    assert r["parse"]["telegram"]["ratio_to_baseline"] is not None
    (ing,) = r["ingest"]
    assert ing["cables"] == 120
    assert ing["ours"]["summary"]["new"] == 120, ing["ours"]
    assert ing["ours"]["max_rss_kib"] > 0
    assert set(ing["baselines"]) == {"read_split", "fts5", "tantivy"}
    assert all(b["cables"] == 120 for b in ing["baselines"].values())
    assert ing["ratios"]["vs_fts5"] > 0
    mix = r["search"]["mix"]
    assert {"with_facets_ms", "without_facets_ms", "fts5_ms", "tantivy_ms"} <= set(mix)
    assert set(mix["with_facets_ms"]) >= {"p50", "p95", "p99"}
    assert r["search"]["queries"]["common_word"]["hits"] > 0
    text = md.read_text()
    assert "# Benchmarks" in text and "Search latency" in text and "FTS5" in text
