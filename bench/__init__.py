"""Benchmarks of cablegram (not tests): ``python -m bench.run [--smoke] [--backend ...]``.

Each figure is measured next to a baseline in the same run (bare SQLite FTS5,
bare tantivy, a raw read-and-split of the input) and reported as a ratio to
it. Ingest and search run on each archive backend (SQLite, PostgreSQL; see
``bench/backends.py``). Results go to ``bench/results.json`` and ``docs/benchmarks.md``.
"""
