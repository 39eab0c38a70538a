"""Run the benchmarks: ``python -m bench.run [--smoke] [--sizes 10000,100000,251287]
[--backend sqlite,postgresql]``.

Writes ``bench/results.json`` and ``docs/benchmarks.md`` (or the paths given).
``--smoke`` uses tiny sizes and finishes in well under a minute (CI runs it); it
writes under ``bench/.cache/`` so that it never replaces the full results.

Ingest and search run on each backend: a full run on SQLite and PostgreSQL at
every size (``--pg-sizes`` narrows PostgreSQL's), a smoke run on SQLite, and on
PostgreSQL too when a server answers. A server that is down skips the
PostgreSQL rows with the reason; it never fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import backends, ingest, machine, messaging, parse, search, web
from bench.report import markdown

REPO = Path(__file__).resolve().parents[1]
# PostgreSQL at every size adds about its ingest time (1.26x SQLite's at 251k, measured
# in one run): ~10 minutes to the ~11.5 of a full SQLite-only run on a quiet machine.
FULL_SIZES = (10_000, 100_000, 251_287)
SMOKE_SIZES = (300,)


def corpus() -> Path | None:
    root = (REPO / ".." / "shared" / "corpus").resolve()
    return root if root.is_dir() else None


def _log(msg: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, < 60 s")
    ap.add_argument("--sizes", help="comma-separated ingest sizes (default 10000,100000,251287)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--search-size", type=int, default=None,
                    help="archive size searched (default: the largest ingested)")
    # A smoke run must not overwrite the committed full results: it writes to the cache.
    ap.add_argument("--json", type=Path, default=None,
                    help="results file (bench/results.json; smoke: bench/.cache/)")
    ap.add_argument("--markdown", type=Path, default=None,
                    help="report (docs/benchmarks.md; smoke: bench/.cache/)")
    ap.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir)")
    ap.add_argument("--cache", type=Path, default=None,
                    help="where generated inputs are kept between runs (bench/.cache)")
    ap.add_argument("--skip", default="", help="comma-separated: parse,ingest,search,web,messaging")
    ap.add_argument("--backend", default=None,
                    help="comma-separated archive backends: sqlite,postgresql (default: both; "
                         "smoke: sqlite, and postgresql if a server answers)")
    ap.add_argument("--pg-sizes", default=None,
                    help="sizes PostgreSQL runs at (default: every size)")
    args = ap.parse_args(argv)
    if args.json is None:
        args.json = (REPO / "bench" / ".cache" / "results-smoke.json" if args.smoke
                     else REPO / "bench" / "results.json")
    if args.markdown is None:
        args.markdown = (REPO / "bench" / ".cache" / "benchmarks-smoke.md" if args.smoke
                         else REPO / "docs" / "benchmarks.md")
    skip = {s for s in args.skip.split(",") if s}
    sizes = (tuple(int(s) for s in args.sizes.split(",")) if args.sizes
             else SMOKE_SIZES if args.smoke else FULL_SIZES)
    smoke = args.smoke
    try:
        on = backends.parse_backends(args.backend or ",".join(backends.BACKENDS))
    except ValueError as exc:
        ap.error(str(exc))
    pg_sizes = set(int(s) for s in args.pg_sizes.split(",")) if args.pg_sizes else set(sizes)
    skip_backend: dict[str, str] = {}
    if backends.POSTGRESQL in on:
        why = backends.pg_unavailable()
        if why and smoke and args.backend is None:
            on = tuple(b for b in on if b != backends.POSTGRESQL)  # CI without a server
        elif why:
            skip_backend[backends.POSTGRESQL] = why
    else:
        why = "not asked for (--backend)"
    work = args.work or Path(tempfile.mkdtemp(prefix="cablegram-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    argv_str = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": f"python -m bench.run {argv_str}".strip(),
        "smoke": smoke, "seed": args.seed, "sizes": list(sizes), "backends": list(on),
        "pg_sizes": sorted(pg_sizes & set(sizes)) if backends.POSTGRESQL in on else [],
        "postgresql_skipped": why,
        "machine": machine.describe(),
    }
    t0 = time.perf_counter()
    pg_urls: list[str] = []

    def save() -> None:
        """Write what is measured so far: a long run that is stopped still leaves figures."""
        results["seconds"] = round(time.perf_counter() - t0, 1)
        results["load_end"] = [round(x, 2) for x in os.getloadavg()]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(results))

    results.update({"parse": {}, "ingest": [], "search": {"skipped": "not run yet"},
                    "web": {"skipped": "not run yet"}, "messaging": {"skipped": "not run yet"}})
    try:
        if "parse" not in skip:
            _log("parse: WikiLeaks pages")
            results["parse"]["wikileaks-html"] = parse.wikileaks(
                corpus(), 100 if smoke else None, 0.3 if smoke else 6.0)
            _log("parse: telegram text")
            results["parse"]["telegram"] = parse.telegram(
                200 if smoke else 2000, args.seed, 0.3 if smoke else 6.0)
            from cablegram import _native

            if _native.MODE == "compiled":
                _log("parse: the same from the Python sources (CABLEGRAM_PURE=1)")
                pure = parse.pure_rates(corpus(), 100 if smoke else None,
                                        200 if smoke else 2000, args.seed,
                                        0.3 if smoke else 3.0)
                for name, rate in pure.items():
                    p = results["parse"][name]
                    if "cables_per_s" in p:
                        p["pure_cables_per_s"] = rate
                        p["compiled_over_pure"] = round(p["cables_per_s"] / rate, 3)
            save()
        if "ingest" not in skip:
            for n in sizes:
                here = tuple(b for b in on if b != backends.POSTGRESQL or n in pg_sizes)
                _log(f"ingest: {n:,} cables ({', '.join(here)})")
                rows = ingest.run_size(n, args.seed, work, args.cache, here, skip_backend)
                results["ingest"] += rows
                pg_urls += [r["paths"]["archive"] for r in rows
                            if r["backend"] == backends.POSTGRESQL and "paths" in r
                            and "archive" in r["paths"]]
                save()
        size, targets = search_targets(results["ingest"], args.search_size)
        target = next((t for t in targets if t["backend"] == backends.SQLITE), None)
        if "search" in skip:
            results["search"] = {"skipped": "--skip search"}
        elif not targets:
            results["search"] = {"skipped": "no archive was ingested"}
        else:
            _log(f"search: {size:,} cables ({', '.join(t['backend'] for t in targets)})")
            results["search"] = search.run(targets, targets[0], 5 if smoke else 50)
            results["search"]["cables"] = size
            save()
        if "web" in skip or target is None:
            results["web"] = {"skipped": "--skip web" if "web" in skip
                              else "no SQLite archive (the web bench serves SQLite only)"}
        else:
            _log("web pages")
            results["web"] = web.run(target["archive"], 5 if smoke else 50)
            save()
        if "messaging" in skip:
            results["messaging"] = {"skipped": "--skip messaging"}
        else:
            _log("messaging")
            results["messaging"] = messaging.run(work, smoke)
    finally:
        for url in pg_urls:  # a fresh database per run, dropped after it (and its index dir)
            backends.drop_database(url)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    save()
    _log(f"done in {results['seconds']} s -> {args.json}, {args.markdown}")
    return 0


def search_targets(rows: list[dict[str, Any]],
                   want: int | None) -> tuple[int, list[dict[str, str]]]:
    """The size searched (nearest to ``want``, else the largest ingested) and each
    backend's archive of exactly that size, so that all share the same baselines."""
    ok = [r for r in rows if "seconds" in r["ours"]]
    if not ok:
        return 0, []
    goal = want or max(r["cables"] for r in ok)
    size = int(min(ok, key=lambda r: abs(r["cables"] - goal))["cables"])
    return size, [dict(r["paths"]) for r in ok if r["cables"] == size]


if __name__ == "__main__":
    raise SystemExit(main())
