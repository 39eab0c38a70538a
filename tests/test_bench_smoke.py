"""`python -m bench.run --smoke` runs end to end and writes the expected results.

Benchmarks are not tests: this only checks the harness works (CI runs
`make bench-smoke`), never a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import backends

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
    (ing,) = [i for i in r["ingest"] if i["backend"] == "sqlite"]
    assert ing["cables"] == 120
    assert ing["ours"]["summary"]["new"] == 120, ing["ours"]
    assert ing["ours"]["max_rss_kib"] > 0
    # the anonymous part is sampled while the ingest runs: some, and never above the whole
    assert 0 < ing["ours"]["max_anon_kib"] <= ing["ours"]["max_rss_kib"]
    assert set(ing["baselines"]) == {"read_split", "fts5", "tantivy"}
    assert all(b["cables"] == 120 for b in ing["baselines"].values())
    assert ing["ratios"]["vs_fts5"] > 0
    mix = r["search"]["mix"]
    assert {"ours", "fts5_ms", "tantivy_ms"} <= set(mix)
    assert {"with_facets_ms", "without_facets_ms"} <= set(mix["ours"]["sqlite"])
    assert set(mix["ours"]["sqlite"]["with_facets_ms"]) >= {"p50", "p95", "p99"}
    assert r["search"]["queries"]["common_word"]["ours"]["sqlite"]["hits"] > 0
    text = md.read_text()
    assert "# Benchmarks" in text and "Search latency" in text and "FTS5" in text
    # PostgreSQL joins a smoke run when a server answers (it does in CI, see .ci/run).
    if r["postgresql_skipped"] is None:
        _check_postgresql(r)
    else:
        assert r["backends"] == ["sqlite"]
        assert f"PostgreSQL not run: {r['postgresql_skipped']}" in text


def _check_postgresql(r: dict[str, Any]) -> None:
    assert r["backends"] == ["sqlite", "postgresql"]
    (pg,) = [i for i in r["ingest"] if i["backend"] == "postgresql"]
    assert pg["ours"]["summary"]["new"] == 120, pg["ours"]
    assert pg["ours"]["server_max_rss_kib"] > 0 and pg["ratios"]["vs_sqlite"] > 0
    lite = next(i for i in r["ingest"] if i["backend"] == "sqlite")
    assert pg["baselines"] == lite["baselines"]
    assert r["search"]["backends"] == ["sqlite", "postgresql"]
    for q in r["search"]["queries"].values():  # the two backends answer alike
        assert q["ours"]["postgresql"]["hits"] == q["ours"]["sqlite"]["hits"]
    # The run's database is dropped after it.
    import psycopg

    name = pg["paths"]["archive"].rsplit("/", 1)[1]
    with psycopg.connect(backends.admin_url(), autocommit=True) as conn:
        assert not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (name,)).fetchall()
