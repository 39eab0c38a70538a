"""Baselines over the same texts: bare SQLite FTS5, bare tantivy, a raw read-and-split.

They do the least work that could answer the same questions (store the text
and index its words), so that our figures read as "x times the floor".
"""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.inputs import csv_records


def read_split(path: Path) -> dict[str, Any]:
    """Read the cables.csv and split every text into lines: the I/O floor of ingest."""
    t = time.perf_counter()
    n = lines = 0
    csv.field_size_limit(64 * 1024 * 1024)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, escapechar="\\", doublequote=False):
            n += 1
            lines += len(row[-1].splitlines()) if row else 0
    return {"cables": n, "seconds": round(time.perf_counter() - t, 3)}


def fts5_build(path: Path, db: Path) -> dict[str, Any]:
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS cables USING fts5(id UNINDEXED, tags, body)")
    n = 0
    batch: list[tuple[str, str, str]] = []
    for rec in csv_records(path):
        batch.append(rec)
        if len(batch) >= 1000:
            con.executemany("INSERT INTO cables VALUES (?, ?, ?)", batch)
            n += len(batch)
            batch.clear()
    con.executemany("INSERT INTO cables VALUES (?, ?, ?)", batch)
    n += len(batch)
    con.commit()
    con.close()
    return {"cables": n, "seconds": round(time.perf_counter() - t, 3)}


def fts5_searcher(db: Path) -> Any:
    """A function that runs one FTS5 query: the count and the first 20 by rank with snippets."""
    con = sqlite3.connect(db)

    def run(q: str) -> int:
        (n,) = con.execute("SELECT count(*) FROM cables WHERE cables MATCH ?", (q,)).fetchone()
        con.execute("SELECT id, snippet(cables, 2, '<mark>', '</mark>', '...', 12) FROM cables "
                    "WHERE cables MATCH ? ORDER BY rank LIMIT 20", (q,)).fetchall()
        return int(n)

    return run


def tantivy_build(path: Path, index_dir: Path) -> dict[str, Any]:
    import tantivy

    t = time.perf_counter()
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("tags", stored=False, tokenizer_name="default")
    sb.add_text_field("body", stored=True)
    schema = sb.build()
    index_dir.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(index_dir))
    writer = index.writer()
    n = 0
    for rid, tags, body in csv_records(path):
        writer.add_document(tantivy.Document(id=rid, tags=tags, body=body))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"cables": n, "seconds": round(time.perf_counter() - t, 3)}


def tantivy_searcher(index_dir: Path) -> Any:
    import tantivy

    index = tantivy.Index.open(str(index_dir))
    index.reload()
    searcher = index.searcher()

    def run(q: str) -> int:
        query = index.parse_query(q, ["body"])
        res = searcher.search(query, 20, count=True)
        for _score, addr in res.hits:
            searcher.doc(addr)  # fetch the stored id and text, as a results page would
        return int(getattr(res, "count", 0) or 0)

    return run
