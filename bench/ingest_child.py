"""Ingest one input into a fresh archive and print the timing as JSON (run under bench.rss).

Two phases, timed apart: the ingest (read, parse, store, and index each
batch once it is stored) and the first search, which brings the derived
tantivy index up to date with whatever the ingest did not index.
``ARCHIVE`` is a SQLite path or a ``postgresql://`` URL (its index dir comes
from ``CABLEGRAM_INDEX_DIR``, see ``bench.backends``); for PostgreSQL the peak
RSS of the server process that did the work is added, as ``bench.rss`` only
sees this process.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> int:
    db, path = sys.argv[1], sys.argv[2]
    from cablegram.access.principal import Principal
    from cablegram.archive import open_archive

    t = time.perf_counter()
    archive = open_archive(db)
    summary = archive.ingest([path], progress=False)
    store_s = time.perf_counter() - t
    t = time.perf_counter()
    archive.search("embassy", Principal.archive_owner(), limit=1, facets=False)
    index_s = time.perf_counter() - t
    out: dict[str, Any] = {"store_seconds": round(store_s, 3),
                           "index_seconds": round(index_s, 3),
                           "seconds": round(store_s + index_s, 3),
                           "summary": summary.as_dict()}
    if archive.db.dialect == "postgresql":
        from bench.backends import server_peak_rss_kib

        out["server_max_rss_kib"] = server_peak_rss_kib(archive.store.db.conn)
    archive.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
