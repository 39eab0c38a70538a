"""The bench's backend handling: choosing backends, skipping a PostgreSQL that is down,
picking the archives searched, and the report's rows per backend. Fast: no timing,
nothing ingested (the end-to-end run is tests/test_bench_smoke.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import backends, run
from bench.report import markdown

DEAD_PG = "postgresql://postgres@127.0.0.1:1/postgres"  # nothing listens on port 1


def test_backends_are_parsed_in_order_once_and_unknown_ones_refused() -> None:
    assert backends.parse_backends("postgresql, SQLite,sqlite") == ("postgresql", "sqlite")
    with pytest.raises(ValueError, match="unknown backend mysql"):
        backends.parse_backends("sqlite,mysql")
    with pytest.raises(ValueError, match="choose from sqlite, postgresql"):
        backends.parse_backends(" , ")


def test_a_postgresql_that_is_down_is_named_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ADMIN_ENV, DEAD_PG)
    why = backends.pg_unavailable()
    assert why is not None and why.startswith("PostgreSQL not reachable at " + DEAD_PG)


def _main(tmp_path: Path, *argv: str) -> dict[str, Any]:
    out = tmp_path / "r.json"
    assert run.main(["--skip", "parse,ingest,search,web,messaging", "--json", str(out),
                     "--markdown", str(tmp_path / "r.md"), "--work", str(tmp_path / "w"),
                     *argv]) == 0
    r: dict[str, Any] = json.loads(out.read_text())
    return r


def test_smoke_without_a_server_runs_sqlite_only_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ADMIN_ENV, DEAD_PG)
    r = _main(tmp_path, "--smoke")
    assert r["backends"] == ["sqlite"] and r["pg_sizes"] == []
    assert r["postgresql_skipped"].startswith("PostgreSQL not reachable")
    assert "PostgreSQL not run: PostgreSQL not reachable" in (tmp_path / "r.md").read_text()


def test_asking_for_postgresql_without_a_server_skips_its_rows_not_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ADMIN_ENV, DEAD_PG)
    r = _main(tmp_path, "--backend", "sqlite,postgresql", "--sizes", "50")
    assert r["backends"] == ["sqlite", "postgresql"] and r["pg_sizes"] == [50]
    assert r["postgresql_skipped"].startswith("PostgreSQL not reachable")


def test_postgresql_runs_at_every_size_unless_narrowed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "pg_unavailable", lambda: None)
    assert _main(tmp_path)["pg_sizes"] == [10_000, 100_000, 251_287]
    assert _main(tmp_path, "--sizes", "300,600")["pg_sizes"] == [300, 600]
    assert _main(tmp_path, "--sizes", "300,600", "--pg-sizes", "600")["pg_sizes"] == [600]
    assert _main(tmp_path, "--backend", "sqlite")["pg_sizes"] == []


def _row(n: int, backend: str, seconds: float | None, **extra: Any) -> dict[str, Any]:
    ours: dict[str, Any] = {"skipped": "down"} if seconds is None else {
        "seconds": seconds, "store_seconds": seconds - 1, "index_seconds": 1.0,
        "cables_per_s": n / seconds, "max_rss_mib": 100.0, **extra}
    return {"cables": n, "backend": backend, "input_bytes": n * 9000, "ours": ours,
            "paths": {"backend": backend, "archive": f"{backend}-{n}", "index": "i",
                      "fts5": f"fts5-{n}", "tantivy": f"tantivy-{n}"},
            "baselines": {k: {"seconds": 1.0, "cables": n}
                          for k in ("read_split", "fts5", "tantivy")},
            "ratios": {"vs_fts5": seconds, "vs_sqlite": 1.5} if seconds else {}}


def test_search_targets_are_every_backend_at_one_size() -> None:
    rows = [_row(100, "sqlite", 2.0), _row(100, "postgresql", 3.0),
            _row(900, "sqlite", 9.0), _row(900, "postgresql", None)]
    size, targets = run.search_targets(rows, None)
    assert size == 900 and [t["backend"] for t in targets] == ["sqlite"]
    size, targets = run.search_targets(rows, 120)
    assert size == 100 and [t["archive"] for t in targets] == ["sqlite-100", "postgresql-100"]
    assert targets[1]["fts5"] == "fts5-100"  # the baselines of the same cables
    assert run.search_targets([_row(100, "postgresql", None)], None) == (0, [])


def _ms(p50: float) -> dict[str, float]:
    return {"p50": p50, "p95": p50 * 2, "p99": p50 * 3}


def test_the_report_has_a_row_per_backend_and_the_server_memory() -> None:
    pg_row = _row(100, "postgresql", 3.0, server_max_rss_mib=150.0)
    mix_ours = {b: {"with_facets_ms": _ms(p), "without_facets_ms": _ms(p / 2),
                    "ratios_p50": {"with_facets_vs_fts5": 1.0, "without_facets_vs_fts5": 0.5,
                                   "with_facets_vs_tantivy": 9.0,
                                   "without_facets_vs_tantivy": 4.0}}
                for b, p in (("sqlite", 4.0), ("postgresql", 6.0))}
    mix_ours["postgresql"]["ratios_p50"] |= {"with_facets_vs_sqlite": 1.5,
                                             "without_facets_vs_sqlite": 1.25}
    r = {"date": "d", "command": "c", "smoke": False, "seed": 7, "sizes": [100, 900],
         "backends": ["sqlite", "postgresql"], "pg_sizes": [100], "postgresql_skipped": None,
         "machine": {"cores": 2, "memory_kib": 1048576, "cpu": "x", "os": "y",
                     "python": "3.11", "libraries": {}},
         "parse": {}, "web": {"skipped": "w"}, "messaging": {"skipped": "m"},
         "ingest": [_row(100, "sqlite", 2.0), pg_row, _row(900, "sqlite", 9.0),
                    _row(900, "postgresql", None)],
         "search": {"cables": 100, "repeat": 5, "backends": ["sqlite", "postgresql"],
                    "queries": {"word": {"query": "fisheries", "fts5_ms": _ms(1.0),
                                         "tantivy_ms": _ms(0.1), "ours": {
                                             "sqlite": {"hits": 7, "with_facets_ms": _ms(4.0),
                                                        "without_facets_ms": _ms(2.0)},
                                             "postgresql": {"hits": 7,
                                                            "with_facets_ms": _ms(6.0),
                                                            "without_facets_ms": _ms(3.0)}}}},
                    "mix": {"fts5_ms": _ms(1.0), "tantivy_ms": _ms(0.1), "ours": mix_ours}}}
    text = markdown(r)
    assert "- Backends: SQLite, PostgreSQL (PostgreSQL at 100)" in text
    assert "| 100 | PostgreSQL | 0.9 | 3.0 (2.0 + 1.0) | 33 | 100 (+ server 150) |" in text
    assert "| 900 | PostgreSQL | skipped: down |" in text
    assert "PostgreSQL at 100: 1.50x" in text
    assert ("| query | hits | SQLite with facets | SQLite without facets | PostgreSQL with "
            "facets | PostgreSQL without facets | bare FTS5 | bare tantivy |") in text
    assert ("| word: `fisheries` | 7 | 4.0 / 8.0 / 12.0 | 2.0 / 4.0 / 6.0 | 6.0 / 12.0 / 18.0 "
            "| 3.0 / 6.0 / 9.0 | 1.0 / 2.0 / 3.0 | 0.1 / 0.2 / 0.3 |") in text
    assert "1.50x SQLite with facets, 1.25x without" in text


def test_latencies_leave_the_warm_up_calls_out() -> None:
    """The first call after an ingest pages the index in: it is made, not timed."""
    from bench.timing import latencies

    calls: list[int] = []
    samples = latencies(lambda: calls.append(1), 5, warmup=2)
    assert len(calls) == 7 and len(samples) == 5
    assert len(latencies(lambda: calls.append(1), 3)) == 3 and len(calls) == 11
